package io.sluice.cdk;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads {@link SluiceStackConfig} from CDK context. Lists are JSON arrays in {@code cdk.json} or
 * comma-separated on the command line ({@code -c groups=fills,reference}). Every problem is
 * collected and reported at once; nothing is corrected.
 */
public final class StackConfigReader {
  /** Every parameter, in the order the docs list them. */
  public static final List<StackParameter> PARAMETERS =
      List.of(
          p("pipeline", "", "`pipeline.name` of the sluice configuration."),
          p("groups", "", "The table groups (`groups[].name`); each gets a lag alarm."),
          p("tablePrefix", "`sluice-<pipeline>-`", "`dynamodb.table-prefix` of the configuration."),
          p("topicPrefix", "`sluice.<pipeline>`", "`kafka.topic-prefix` of the configuration."),
          p("mskMode", "`provisioned`", "`provisioned` or `serverless`."),
          p("mskBrokers", "`3`", "Brokers (provisioned): a multiple of the subnet count."),
          p("mskInstanceType", "`kafka.m7g.large`", "Broker instance type (provisioned)."),
          p("mskKafkaVersion", "`3.9.x`", "Kafka version (provisioned)."),
          p("mskVolumeGib", "`100`", "EBS storage per broker in GiB (provisioned)."),
          p("vpcId", "", "VPC of the MSK cluster (`vpc-…`)."),
          p(
              "subnetIds",
              "",
              "Subnets of the MSK cluster, one per availability zone: 2 or 3 (provisioned),"
                  + " 2 to 5 (serverless)."),
          p(
              "kafkaClientSecurityGroupIds",
              "",
              "Security groups of the sluice pods (or the EKS nodes); they may reach MSK on"
                  + " port 9098."),
          p("eksClusterName", "", "EKS cluster the pods run on."),
          p("namespace", "`sluice`", "Namespace of the pods."),
          p(
              "serviceAccount",
              "`sluice`",
              "ServiceAccount of the pods (the chart's `serviceAccount.name`, by default the"
                  + " release's full name)."),
          p(
              "irsaOidcProviderArn",
              "none",
              "The cluster's IAM OIDC provider: the role trusts IRSA as well as Pod Identity."),
          p("dbResourceId", "none", "Resource id of the Aurora cluster (`cluster-…`)."),
          p(
              "dbUsers",
              "none",
              "Database users the pods may connect as with `rds-db:connect`; needs"
                  + " `dbResourceId`."),
          p(
              "passwordSecretArns",
              "none",
              "Secrets Manager secrets (full ARNs) the pods may read passwords from:"
                  + " `source.password-secret`, `target.password-secret`."),
          p(
              "sourceDbInstanceId",
              "none",
              "RDS instance of the source: alarms when its replication slots hold too much WAL."),
          p("alarmEmails", "", "Addresses the alarm topic mails."),
          p("lagAlarmOffsets", "`100000`", "Backlog of a group, in Kafka offsets, that alarms."),
          p(
              "slotLagAlarmBytes",
              "`10737418240` (10 GiB)",
              "WAL held by the source's slots that alarms."),
          p("budgetMonthlyUsd", "", "Monthly cost budget in USD."),
          p(
              "budgetActualPercent",
              "`80`",
              "Share of the budget actually spent that notifies (forecast over 100% always"
                  + " does)."),
          p("budgetEmails", "`alarmEmails`", "Addresses the budget mails, at most 10."),
          p("costTagKey", "`sluice-pipeline`", "Cost-allocation tag on every resource."),
          p("costTagValue", "`<pipeline>`", "Its value."),
          p("stackName", "`sluice-<pipeline>` (`_` as `-`)", "The CloudFormation stack."),
          p(
              "region",
              "none (the deployment's)",
              "The stack's region; required for a pipeline run in two regions (`replicaRegions`"
                  + " or `tablesRegion`)."),
          p(
              "replicaRegions",
              "none",
              "Other regions of a pipeline run in two regions: the state tables become DynamoDB"
                  + " global tables with a replica in each. Set in the stack of the region that"
                  + " owns the tables."),
          p(
              "tablesRegion",
              "none",
              "In the other region's stack: the region whose stack owns the global tables; this"
                  + " stack grants and alarms its replicas and makes none."),
          p(
              "cutover",
              "`false`",
              "`true` for a pipeline that `sluice cutover` will switch: the reverse pipeline's"
                  + " state tables (`<tablePrefix>reverse-*`) and its consumer groups"
                  + " (`sluice-apply-<pipeline>_reverse-*`) as well."));

  private static final Pattern PIPELINE = Pattern.compile("[a-z][a-z0-9_]{0,47}");
  private static final Pattern AWS_REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]");
  private static final Pattern GROUP = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
  private static final Pattern TABLE_PREFIX = Pattern.compile("[A-Za-z0-9_.-]{0,200}");
  private static final Pattern TOPIC_PREFIX = Pattern.compile("[A-Za-z0-9_.-]{1,180}");
  private static final Pattern VPC = Pattern.compile("vpc-[0-9a-f]{8,17}");
  private static final Pattern SUBNET = Pattern.compile("subnet-[0-9a-f]{8,17}");
  private static final Pattern SECURITY_GROUP = Pattern.compile("sg-[0-9a-f]{8,17}");
  private static final Pattern K8S_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern EKS_CLUSTER = Pattern.compile("[0-9A-Za-z][A-Za-z0-9_-]{0,99}");
  private static final Pattern OIDC_PROVIDER =
      Pattern.compile("arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/.+");
  private static final Pattern DB_RESOURCE_ID = Pattern.compile("(cluster|db)-[A-Z0-9]+");

  /** A Secrets Manager secret's full ARN, with the suffix Secrets Manager adds to the name. */
  private static final Pattern SECRET_ARN =
      Pattern.compile(
          "arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+");

  private static final Pattern DB_USER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
  private static final Pattern STACK_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9-]{0,127}");
  private static final Pattern TAG = Pattern.compile("[\\p{L}\\p{N} _.:/=+@-]{1,128}");

  private final Function<String, Object> context;
  private final List<String> problems = new ArrayList<>();

  private StackConfigReader(Function<String, Object> context) {
    this.context = context;
  }

  /**
   * The configuration the context holds.
   *
   * @param context context values by key, {@code null} where absent
   * @throws IllegalArgumentException naming every problem found
   */
  public static SluiceStackConfig read(Function<String, Object> context) {
    return new StackConfigReader(context).read();
  }

  private SluiceStackConfig read() {
    String pipeline = string("pipeline", null, PIPELINE);
    String name = pipeline == null ? "x" : pipeline;
    MskMode mode = mode();
    List<String> subnets = list("subnetIds", SUBNET, true);
    int brokers = integer("mskBrokers", 3, 1, 30);
    if (mode == MskMode.PROVISIONED) {
      check(
          subnets.size() == 2 || subnets.size() == 3,
          "subnetIds: a provisioned cluster takes 2 or 3 subnets, got " + subnets.size());
      check(
          subnets.isEmpty() || brokers % subnets.size() == 0,
          "mskBrokers: " + brokers + " is not a multiple of the " + subnets.size() + " subnets");
    } else {
      check(
          subnets.size() >= 2 && subnets.size() <= 5,
          "subnetIds: a serverless cluster takes 2 to 5 subnets, got " + subnets.size());
    }
    Optional<String> dbResourceId = optional("dbResourceId", DB_RESOURCE_ID);
    List<String> dbUsers = list("dbUsers", DB_USER, false);
    check(
        dbUsers.isEmpty() || dbResourceId.isPresent(),
        "dbUsers: rds-db:connect needs dbResourceId, the Aurora cluster's resource id");
    List<String> alarmEmails = list("alarmEmails", EMAIL, true);
    List<String> budgetEmails =
        context.apply("budgetEmails") == null ? alarmEmails : list("budgetEmails", EMAIL, true);
    check(
        budgetEmails.size() <= 10,
        "budgetEmails: a budget notification takes at most 10 addresses");
    Optional<String> region = optional("region", AWS_REGION);
    List<String> replicaRegions = list("replicaRegions", AWS_REGION, false);
    Optional<String> tablesRegion = optional("tablesRegion", AWS_REGION);
    check(
        (replicaRegions.isEmpty() && tablesRegion.isEmpty()) || region.isPresent(),
        "region: a pipeline run in two regions (replicaRegions or tablesRegion) needs the stack's"
            + " region");
    check(
        replicaRegions.isEmpty() || tablesRegion.isEmpty(),
        "replicaRegions and tablesRegion: a stack either owns the global tables or uses another"
            + " region's, not both");
    check(
        region.isEmpty() || !replicaRegions.contains(region.get()),
        "replicaRegions: the stack's own region " + region.orElse("") + " holds a replica anyway");
    check(
        region.isEmpty() || !tablesRegion.equals(region),
        "tablesRegion: it names another region than the stack's own");
    SluiceStackConfig config =
        new SluiceStackConfig(
            string("stackName", "sluice-" + name.replace('_', '-'), STACK_NAME),
            pipeline,
            string("tablePrefix", "sluice-" + name + "-", TABLE_PREFIX),
            string("topicPrefix", "sluice." + name, TOPIC_PREFIX),
            list("groups", GROUP, true),
            mode,
            brokers,
            string("mskInstanceType", "kafka.m7g.large", Pattern.compile("kafka\\.[a-z0-9.]+")),
            string("mskKafkaVersion", "3.9.x", Pattern.compile("[0-9]+\\.[0-9]+\\.[0-9x.]+")),
            integer("mskVolumeGib", 100, 1, 16384),
            string("vpcId", null, VPC),
            subnets,
            list("kafkaClientSecurityGroupIds", SECURITY_GROUP, true),
            string("eksClusterName", null, EKS_CLUSTER),
            string("namespace", "sluice", K8S_NAME),
            string("serviceAccount", "sluice", K8S_NAME),
            optional("irsaOidcProviderArn", OIDC_PROVIDER),
            dbResourceId,
            dbUsers,
            list("passwordSecretArns", SECRET_ARN, false),
            optional("sourceDbInstanceId", Pattern.compile("[a-zA-Z][a-zA-Z0-9-]{0,62}")),
            alarmEmails,
            integer("lagAlarmOffsets", 100_000L, 1, Long.MAX_VALUE),
            integer("slotLagAlarmBytes", 10L * 1024 * 1024 * 1024, 1, Long.MAX_VALUE),
            decimal("budgetMonthlyUsd"),
            integer("budgetActualPercent", 80, 1, 1000),
            budgetEmails,
            string("costTagKey", "sluice-pipeline", TAG),
            string("costTagValue", name, TAG),
            bool("cutover"),
            region,
            replicaRegions,
            tablesRegion);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "the CDK context has "
              + problems.size()
              + " problem(s):\n  "
              + String.join("\n  ", problems));
    }
    return config;
  }

  private boolean bool(String key) {
    Object raw = context.apply(key);
    if (raw == null || raw.toString().isBlank()) {
      return false;
    }
    String value = raw.toString().trim();
    check(
        value.equals("true") || value.equals("false"),
        key + ": '" + value + "' is not true or false");
    return value.equals("true");
  }

  private MskMode mode() {
    String raw = string("mskMode", "provisioned", Pattern.compile("provisioned|serverless"));
    return "serverless".equals(raw) ? MskMode.SERVERLESS : MskMode.PROVISIONED;
  }

  private String string(String key, String fallback, Pattern pattern) {
    Object raw = context.apply(key);
    if (raw == null || raw.toString().isBlank()) {
      if (fallback == null) {
        problems.add(key + ": required");
      }
      return fallback;
    }
    String value = raw.toString().trim();
    if (!pattern.matcher(value).matches()) {
      problems.add(key + ": '" + value + "' does not match " + pattern.pattern());
    }
    return value;
  }

  private Optional<String> optional(String key, Pattern pattern) {
    Object raw = context.apply(key);
    return raw == null || raw.toString().isBlank()
        ? Optional.empty()
        : Optional.of(string(key, null, pattern));
  }

  private List<String> list(String key, Pattern pattern, boolean required) {
    Object raw = context.apply(key);
    List<String> values = new ArrayList<>();
    if (raw instanceof List<?> items) {
      items.forEach(i -> values.add(String.valueOf(i).trim()));
    } else if (raw != null) {
      Arrays.stream(raw.toString().split(","))
          .map(String::trim)
          .filter(s -> !s.isEmpty())
          .forEach(values::add);
    }
    if (values.isEmpty() && required) {
      problems.add(key + ": required, at least one");
    }
    for (String v : values) {
      if (!pattern.matcher(v).matches()) {
        problems.add(key + ": '" + v + "' does not match " + pattern.pattern());
      }
    }
    if (values.stream().distinct().count() != values.size()) {
      problems.add(key + ": " + values + " names one twice");
    }
    return values;
  }

  private int integer(String key, int fallback, int min, int max) {
    return (int) integer(key, (long) fallback, min, max);
  }

  private long integer(String key, long fallback, long min, long max) {
    Object raw = context.apply(key);
    if (raw == null) {
      return fallback;
    }
    try {
      long value =
          raw instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
              ? n.longValue()
              : Long.parseLong(raw.toString().trim());
      check(value >= min && value <= max, key + ": " + value + " is outside " + min + ".." + max);
      return value;
    } catch (NumberFormatException e) {
      problems.add(key + ": '" + raw + "' is not a whole number");
      return fallback;
    }
  }

  private double decimal(String key) {
    Object raw = context.apply(key);
    if (raw == null) {
      problems.add(key + ": required");
      return 0;
    }
    try {
      double value = Double.parseDouble(raw.toString().trim());
      check(value > 0 && Double.isFinite(value), key + ": " + raw + " must be above 0");
      return value;
    } catch (NumberFormatException e) {
      problems.add(key + ": '" + raw + "' is not a number");
      return 0;
    }
  }

  private void check(boolean ok, String problem) {
    if (!ok) {
      problems.add(problem);
    }
  }

  private static StackParameter p(String key, String defaultText, String description) {
    return new StackParameter(key, defaultText, description);
  }
}
