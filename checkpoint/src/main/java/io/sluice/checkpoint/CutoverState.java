package io.sluice.checkpoint;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which way each table group of a pipeline runs, as {@code sluice cutover} left it: forward (from
 * the configured source to the configured target) unless it is reversed, and neither way while it
 * is switching. Every process of the pipeline runs each group in the direction this says.
 *
 * @param reversed groups whose changes flow from the configured target (the new primary) back to
 *     the configured source
 * @param switching groups whose old direction is stopped and whose new one has not started yet: a
 *     switch under way, or one interrupted and to be finished by running the command again
 * @param revoked write privileges a freeze took from the application's roles, per database side
 *     ({@code source} or {@code target}), then role, then table; given back when that side becomes
 *     the primary again
 * @param lastSwitch the latest switch begun, if any
 * @param version the item's version, for conditional writes; 0 before any switch
 */
public record CutoverState(
    Set<String> reversed,
    Set<String> switching,
    Map<String, Map<String, Map<String, String>>> revoked,
    Optional<Switch> lastSwitch,
    long version) {
  public CutoverState {
    reversed = Set.copyOf(reversed);
    switching = Set.copyOf(switching);
    revoked = copy(revoked);
  }

  /** A pipeline no cutover ever touched: every group forward. */
  public static CutoverState initial() {
    return new CutoverState(Set.of(), Set.of(), Map.of(), Optional.empty(), 0);
  }

  /** Whether the group runs reversed now (switching groups run neither way). */
  public boolean isReversed(String group) {
    return reversed.contains(group) && !switching.contains(group);
  }

  /** Whether the group runs forward now. */
  public boolean isForward(String group) {
    return !reversed.contains(group) && !switching.contains(group);
  }

  /**
   * One switch of direction: which groups, which way, who began it and when, and the positions that
   * bound it.
   *
   * @param rollback false for a cutover (forward to reversed), true for a rollback
   * @param finalPosition the old primary's WAL position once its writers had stopped: everything up
   *     to it was applied and verified before the switch
   * @param startPosition where the new direction's stream starts on the new primary (its slot's
   *     consistent point); 0 until the slot exists
   */
  public record Switch(
      boolean rollback,
      List<String> groups,
      String by,
      Instant at,
      long finalPosition,
      long startPosition) {
    public Switch {
      groups = List.copyOf(groups);
    }
  }

  private static Map<String, Map<String, Map<String, String>>> copy(
      Map<String, Map<String, Map<String, String>>> m) {
    Map<String, Map<String, Map<String, String>>> out = new TreeMap<>();
    m.forEach(
        (side, roles) -> {
          Map<String, Map<String, String>> r = new TreeMap<>();
          roles.forEach((role, tables) -> r.put(role, Map.copyOf(tables)));
          out.put(side, Map.copyOf(r));
        });
    return Map.copyOf(out);
  }
}
