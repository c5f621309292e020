package io.sluice.cdk.internal;

import io.sluice.cdk.MskMode;
import io.sluice.cdk.SluiceStackConfig;
import java.util.List;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.services.ec2.CfnSecurityGroup;
import software.amazon.awscdk.services.msk.CfnCluster;
import software.amazon.awscdk.services.msk.CfnServerlessCluster;
import software.constructs.Construct;

/**
 * The MSK cluster of a pipeline, serverless or provisioned, reachable only with IAM access control
 * (SASL/IAM over TLS, port 9098) and only from the given client security groups.
 *
 * <p>A provisioned cluster encrypts between clients and brokers and between brokers, and has the
 * free {@code DEFAULT} monitoring level, which carries the consumer lag and disk metrics the alarms
 * use.
 */
public final class KafkaCluster extends Construct {
  /** Port of SASL/IAM on MSK, provisioned and serverless alike. */
  public static final int IAM_PORT = 9098;

  private final String clusterArn;
  private final String clusterName;

  public KafkaCluster(Construct scope, String id, SluiceStackConfig config) {
    super(scope, id);
    clusterName = config.mskClusterName();
    CfnSecurityGroup securityGroup =
        CfnSecurityGroup.Builder.create(this, "SecurityGroup")
            .vpcId(config.vpcId())
            .groupDescription("MSK of sluice pipeline " + config.pipeline() + ": IAM clients only")
            .securityGroupIngress(
                config.kafkaClientSecurityGroupIds().stream()
                    .map(
                        sg ->
                            CfnSecurityGroup.IngressProperty.builder()
                                .ipProtocol("tcp")
                                .fromPort(IAM_PORT)
                                .toPort(IAM_PORT)
                                .sourceSecurityGroupId(sg)
                                .description("sluice pods, SASL/IAM")
                                .build())
                    .toList())
            .build();
    List<String> securityGroups = List.of(securityGroup.getAttrGroupId());
    if (config.mskMode() == MskMode.SERVERLESS) {
      clusterArn = serverless(config, securityGroups).getAttrArn();
    } else {
      clusterArn = provisioned(config, securityGroups).getAttrArn();
    }
  }

  private CfnServerlessCluster serverless(SluiceStackConfig config, List<String> securityGroups) {
    return CfnServerlessCluster.Builder.create(this, "Serverless")
        .clusterName(clusterName)
        .clientAuthentication(
            CfnServerlessCluster.ClientAuthenticationProperty.builder()
                .sasl(
                    CfnServerlessCluster.SaslProperty.builder()
                        .iam(CfnServerlessCluster.IamProperty.builder().enabled(true).build())
                        .build())
                .build())
        .vpcConfigs(
            List.of(
                CfnServerlessCluster.VpcConfigProperty.builder()
                    .subnetIds(config.subnetIds())
                    .securityGroups(securityGroups)
                    .build()))
        .build();
  }

  private CfnCluster provisioned(SluiceStackConfig config, List<String> securityGroups) {
    return CfnCluster.Builder.create(this, "Provisioned")
        .clusterName(clusterName)
        .kafkaVersion(config.mskKafkaVersion())
        .numberOfBrokerNodes(config.mskBrokers())
        .brokerNodeGroupInfo(
            CfnCluster.BrokerNodeGroupInfoProperty.builder()
                .instanceType(config.mskInstanceType())
                .clientSubnets(config.subnetIds())
                .securityGroups(securityGroups)
                .storageInfo(
                    CfnCluster.StorageInfoProperty.builder()
                        .ebsStorageInfo(
                            CfnCluster.EBSStorageInfoProperty.builder()
                                .volumeSize(config.mskVolumeGib())
                                .build())
                        .build())
                .build())
        .clientAuthentication(
            CfnCluster.ClientAuthenticationProperty.builder()
                .sasl(
                    CfnCluster.SaslProperty.builder()
                        .iam(CfnCluster.IamProperty.builder().enabled(true).build())
                        .build())
                .unauthenticated(
                    CfnCluster.UnauthenticatedProperty.builder().enabled(false).build())
                .build())
        .encryptionInfo(
            CfnCluster.EncryptionInfoProperty.builder()
                .encryptionInTransit(
                    CfnCluster.EncryptionInTransitProperty.builder()
                        .clientBroker("TLS")
                        .inCluster(true)
                        .build())
                .build())
        .enhancedMonitoring("DEFAULT")
        .build();
  }

  /** The cluster's ARN: {@code arn:<partition>:kafka:<region>:<account>:cluster/<name>/<uuid>}. */
  public String clusterArn() {
    return clusterArn;
  }

  /** The cluster's name, as MSK's CloudWatch metrics carry it in {@code Cluster Name}. */
  public String clusterName() {
    return clusterName;
  }

  /**
   * The ARN of a Kafka resource of this cluster for IAM access control: {@code
   * arn:<partition>:kafka:<region>:<account>:<type>/<cluster name>/<cluster uuid>/<name>}.
   *
   * @param type {@code topic}, {@code group} or {@code transactional-id}
   * @param name the resource's name, {@code *} allowed as in IAM
   */
  public String resourceArn(String type, String name) {
    List<String> halves = Fn.split(":cluster/", clusterArn);
    return Fn.join(
        "", List.of(Fn.select(0, halves), ":" + type + "/", Fn.select(1, halves), "/" + name));
  }
}
