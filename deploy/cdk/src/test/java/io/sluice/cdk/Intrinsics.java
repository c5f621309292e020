package io.sluice.cdk;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates the intrinsic functions the sluice template uses ({@code Ref}, {@code Fn::GetAtt} of
 * {@code Arn}, {@code Fn::Join}, {@code Fn::Select}, {@code Fn::Split}) as CloudFormation would in
 * region {@code eu-west-1} of account {@code 111122223333}, so tests compare policies with the ARNs
 * a deployment would grant.
 */
final class Intrinsics {
  static final String REGION = "eu-west-1";
  static final String ACCOUNT = "111122223333";
  static final String MSK_UUID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0-3";

  private final Map<String, String> arns = new HashMap<>();

  /** Knows the ARN each table and MSK cluster of the template gets. */
  Intrinsics(Map<String, Map<String, Object>> resources) {
    resources.forEach(
        (id, r) -> {
          Map<String, Object> p = StackFixture.Synthesized.properties(r);
          switch (String.valueOf(r.get("Type"))) {
            case "AWS::DynamoDB::Table" ->
                arns.put(
                    id,
                    "arn:aws:dynamodb:" + REGION + ":" + ACCOUNT + ":table/" + p.get("TableName"));
            case "AWS::MSK::Cluster", "AWS::MSK::ServerlessCluster" ->
                arns.put(
                    id,
                    "arn:aws:kafka:"
                        + REGION
                        + ":"
                        + ACCOUNT
                        + ":cluster/"
                        + p.get("ClusterName")
                        + "/"
                        + MSK_UUID);
            default -> {}
          }
        });
  }

  /** The value, with every intrinsic function in it evaluated. */
  @SuppressWarnings("unchecked")
  Object eval(Object value) {
    if (value instanceof List<?> list) {
      return list.stream().map(this::eval).toList();
    }
    if (!(value instanceof Map<?, ?> map)) {
      return value;
    }
    if (map.size() == 1) {
      Map.Entry<?, ?> e = map.entrySet().iterator().next();
      Object arg = e.getValue();
      switch (String.valueOf(e.getKey())) {
        case "Ref" -> {
          return switch (String.valueOf(arg)) {
            case "AWS::Partition" -> "aws";
            case "AWS::Region" -> REGION;
            case "AWS::AccountId" -> ACCOUNT;
            default -> throw new IllegalArgumentException("no value for Ref " + arg);
          };
        }
        case "Fn::GetAtt" -> {
          List<Object> a = (List<Object>) arg;
          String arn = arns.get(String.valueOf(a.get(0)));
          if (arn == null || !"Arn".equals(a.get(1))) {
            throw new IllegalArgumentException("no value for GetAtt " + a);
          }
          return arn;
        }
        case "Fn::Join" -> {
          List<Object> a = (List<Object>) arg;
          List<String> parts = new ArrayList<>();
          ((List<Object>) eval(a.get(1))).forEach(o -> parts.add(String.valueOf(o)));
          return String.join(String.valueOf(a.get(0)), parts);
        }
        case "Fn::Select" -> {
          List<Object> a = (List<Object>) arg;
          int index = Integer.parseInt(String.valueOf(eval(a.get(0))));
          return ((List<Object>) eval(a.get(1))).get(index);
        }
        case "Fn::Split" -> {
          List<Object> a = (List<Object>) arg;
          String separator = String.valueOf(a.get(0));
          return List.of(
              String.valueOf(eval(a.get(1))).split(java.util.regex.Pattern.quote(separator), -1));
        }
        default -> {}
      }
    }
    Map<String, Object> out = new HashMap<>();
    map.forEach((k, v) -> out.put(String.valueOf(k), eval(v)));
    return out;
  }
}
