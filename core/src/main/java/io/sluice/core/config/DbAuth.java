package io.sluice.core.config;

/** How sluice signs in to the source or the target database. */
public enum DbAuth {
  /**
   * A password: {@code password} from the environment, or {@code password-secret} from AWS Secrets
   * Manager.
   */
  PASSWORD,
  /**
   * An RDS IAM authentication token (Aurora and RDS), signed with the AWS default credentials chain
   * and renewed before it expires.
   */
  IAM
}
