package io.sluice.core.config;

/** How sluice's Kafka clients authenticate, beyond what {@code kafka.properties} sets. */
public enum KafkaAuth {
  /** Only what {@code kafka.properties} sets (plaintext, or SCRAM or TLS spelled out there). */
  NONE,
  /**
   * Amazon MSK IAM access control: SASL over TLS with the {@code AWS_MSK_IAM} mechanism, signed
   * with the AWS default credentials chain (IRSA or EKS Pod Identity on EKS).
   */
  IAM
}
