package io.sluice.checkpoint;

import io.sluice.core.config.ApplyConfig;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * What an apply worker shares with the other workers of its group: checkpoints, leases and the
 * group's control state, the initial load's progress, one worker identity, and the clock leases
 * expire on.
 *
 * @param workerId unique among the live workers of a pipeline; a restarted worker may reuse it
 * @param controlPoll how often the worker reads its group's desired state
 */
public record ControlPlane(
    ApplyCheckpointStore checkpoints,
    LeaseStore leases,
    GroupControlStore control,
    LoadProgressStore load,
    String workerId,
    Clock clock,
    Duration controlPoll) {

  /** The DynamoDB-backed control plane, on the system clock. */
  public static ControlPlane dynamoDb(
      DynamoDbClient client, StateTables tables, ApplyConfig apply, String workerId) {
    return dynamoDb(client, tables, apply, workerId, Clock.systemUTC());
  }

  /**
   * The DynamoDB-backed control plane on the given clock (tests move it), over state tables that
   * exist ({@link StateTables#ensureExist}).
   */
  public static ControlPlane dynamoDb(
      DynamoDbClient client, StateTables tables, ApplyConfig apply, String workerId, Clock clock) {
    return new ControlPlane(
        new DynamoDbApplyCheckpointStore(client, tables, clock),
        new DynamoDbLeaseStore(client, tables, clock, apply.leaseTimeout()),
        new DynamoDbGroupControlStore(client, tables, clock),
        new DynamoDbLoadProgressStore(client, tables, clock),
        workerId,
        clock,
        apply.controlPoll());
  }

  /**
   * This process's worker identity: {@code SLUICE_WORKER_ID} when set (a pod name), else host name
   * and process id.
   */
  public static String defaultWorkerId() {
    Optional<String> configured =
        Optional.ofNullable(System.getenv("SLUICE_WORKER_ID")).filter(s -> !s.isBlank());
    if (configured.isPresent()) {
      return configured.get();
    }
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "unknown-host";
    }
    return host + "-" + ManagementFactory.getRuntimeMXBean().getPid();
  }
}
