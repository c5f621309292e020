package io.sluice.cdk.internal;

import io.sluice.cdk.SluiceStackConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.eks.CfnPodIdentityAssociation;
import software.amazon.awscdk.services.iam.CfnRole;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.iam.WebIdentityPrincipal;
import software.constructs.Construct;

/**
 * The one IAM role of the sluice pods, capture and apply alike: the chart runs every pod under one
 * ServiceAccount, and the admin API of every process writes group control and audit. EKS Pod
 * Identity assumes it for that ServiceAccount only (the session tags it sets are checked); IRSA may
 * be trusted too.
 *
 * <p>What it may do is exactly what sluice's requests need, resource by resource ({@link
 * PodPolicy}).
 */
public final class PodRole extends Construct {
  static final String POD_IDENTITY_SERVICE = "pods.eks.amazonaws.com";

  private final Role role;

  public PodRole(
      Construct scope,
      String id,
      SluiceStackConfig config,
      List<ITable> tables,
      KafkaCluster kafka) {
    super(scope, id);
    role =
        Role.Builder.create(this, "Role")
            .assumedBy(new ServicePrincipal(POD_IDENTITY_SERVICE))
            .description("sluice pipeline " + config.pipeline() + ": capture and apply pods")
            .inlinePolicies(
                Map.of(
                    "sluice",
                    PolicyDocument.Builder.create()
                        .statements(PodPolicy.statements(config, tables, kafka))
                        .build()))
            .build();
    trust(config);
    CfnPodIdentityAssociation.Builder.create(this, "PodIdentity")
        .clusterName(config.eksClusterName())
        .namespace(config.namespace())
        .serviceAccount(config.serviceAccount())
        .roleArn(role.getRoleArn())
        .build();
  }

  /**
   * Replaces the trust policy CDK derives from {@code assumedBy} with one that names the session
   * tags Pod Identity sets, so no other association in the account can use this role.
   */
  private void trust(SluiceStackConfig config) {
    List<PolicyStatement> statements = new ArrayList<>();
    statements.add(
        PolicyStatement.Builder.create()
            .sid("EksPodIdentity")
            .effect(Effect.ALLOW)
            .principals(List.of(new ServicePrincipal(POD_IDENTITY_SERVICE)))
            .actions(List.of("sts:AssumeRole", "sts:TagSession"))
            .conditions(
                Map.of(
                    "StringEquals",
                    Map.of(
                        "aws:RequestTag/eks-cluster-name", config.eksClusterName(),
                        "aws:RequestTag/kubernetes-namespace", config.namespace(),
                        "aws:RequestTag/kubernetes-service-account", config.serviceAccount())))
            .build());
    config
        .irsaOidcProviderArn()
        .ifPresent(
            provider -> {
              String issuer = provider.substring(provider.indexOf(":oidc-provider/") + 15);
              statements.add(
                  PolicyStatement.Builder.create()
                      .sid("EksIrsa")
                      .effect(Effect.ALLOW)
                      .principals(
                          List.of(
                              new WebIdentityPrincipal(provider)
                                  .withConditions(
                                      Map.of(
                                          "StringEquals",
                                          Map.of(
                                              issuer + ":sub",
                                              "system:serviceaccount:"
                                                  + config.namespace()
                                                  + ":"
                                                  + config.serviceAccount(),
                                              issuer + ":aud",
                                              "sts.amazonaws.com")))))
                      .actions(List.of("sts:AssumeRoleWithWebIdentity"))
                      .build());
            });
    // in place of the statement assumedBy made: these carry the conditions
    CfnRole cfn = (CfnRole) role.getNode().getDefaultChild();
    cfn.setAssumeRolePolicyDocument(PolicyDocument.Builder.create().statements(statements).build());
  }

  public Role role() {
    return role;
  }
}
