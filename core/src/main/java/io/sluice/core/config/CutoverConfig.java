package io.sluice.core.config;

import java.time.Duration;
import java.util.List;

/**
 * Settings of {@code sluice cutover}.
 *
 * @param maxLag the largest apply lag at which a cutover starts
 * @param quiet how long the source must show no captured change before writers count as stopped
 * @param revokeWritesFrom roles whose INSERT, UPDATE, DELETE and TRUNCATE on the groups' tables are
 *     revoked on the old primary at the freeze and restored on rollback
 * @param timeout how long each waiting step of a cutover waits (drain, switch-over)
 * @param reverseReplicaRole the reverse pipeline applies to the old primary with {@code
 *     session_replication_role = replica}
 */
public record CutoverConfig(
    Duration maxLag,
    Duration quiet,
    List<String> revokeWritesFrom,
    Duration timeout,
    boolean reverseReplicaRole) {
  public CutoverConfig {
    revokeWritesFrom = List.copyOf(revokeWritesFrom);
  }
}
