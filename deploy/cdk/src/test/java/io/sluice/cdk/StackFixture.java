package io.sluice.cdk;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;

/** A pipeline's context as a test starts from, and the stack synthesized from it. */
final class StackFixture {
  static final String CLIENT_SG = "sg-0123456789abcdef0";

  private StackFixture() {}

  /** The context of pipeline {@code orders} with groups {@code fills} and {@code reference}. */
  static Map<String, Object> context() {
    Map<String, Object> c = new HashMap<>();
    c.put("pipeline", "orders");
    c.put("groups", List.of("fills", "reference"));
    c.put("vpcId", "vpc-0123456789abcdef0");
    c.put(
        "subnetIds",
        List.of(
            "subnet-0123456789abcdef1", "subnet-0123456789abcdef2", "subnet-0123456789abcdef3"));
    c.put("kafkaClientSecurityGroupIds", List.of(CLIENT_SG));
    c.put("eksClusterName", "prod");
    c.put("alarmEmails", List.of("oncall@example.com", "data@example.com"));
    c.put("budgetMonthlyUsd", 1500);
    return c;
  }

  /** The stack of the context, synthesized as the app does, and its template. */
  static Synthesized synth(Map<String, Object> context) {
    App app = App.Builder.create().context(context).build();
    SluiceStackConfig config = StackConfigReader.read(k -> app.getNode().tryGetContext(k));
    SluiceStack stack = new SluiceStack(app, config);
    return new Synthesized(config, stack, Template.fromStack(stack));
  }

  record Synthesized(SluiceStackConfig config, SluiceStack stack, Template template) {
    Map<String, Object> json() {
      return template.toJSON();
    }

    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> resources() {
      return (Map<String, Map<String, Object>>) json().get("Resources");
    }

    /** The resources of a type, by logical id. */
    Map<String, Map<String, Object>> resources(String type) {
      Map<String, Map<String, Object>> out = new HashMap<>();
      resources()
          .forEach(
              (id, r) -> {
                if (type.equals(r.get("Type"))) {
                  out.put(id, r);
                }
              });
      return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> properties(Map<String, Object> resource) {
      return (Map<String, Object>) resource.get("Properties");
    }
  }
}
