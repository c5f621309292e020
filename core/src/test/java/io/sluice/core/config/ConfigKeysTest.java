package io.sluice.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.config.ConfigKey.Type;
import io.sluice.core.config.ConfigRule.Matches;
import io.sluice.core.config.ConfigRule.NotNegative;
import io.sluice.core.config.ConfigRule.OneOf;
import io.sluice.core.config.ConfigRule.Positive;
import io.sluice.core.config.ConfigRule.Range;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ConfigKeysTest {
  private static List<ConfigKey> everyKey() {
    return Stream.concat(ConfigKeys.ALL.stream(), ConfigKeys.GROUP_KEYS.stream()).toList();
  }

  @Test
  void everyNumberAndDurationStatesItsRule() {
    assertThat(everyKey())
        .filteredOn(k -> k.type() == Type.INT || k.type() == Type.DURATION)
        .allSatisfy(k -> assertThat(k.rule()).as(k.path()).isPresent());
  }

  @Test
  void everyDefaultSatisfiesItsKeysRule() {
    List<String> refused = new ArrayList<>();
    for (ConfigKey k : everyKey()) {
      if (k.defaultValue() != null && k.rule().isPresent() && !admits(k.rule().get(), k)) {
        refused.add(k.path() + " = " + k.defaultValue());
      }
    }
    assertThat(refused).as("defaults their own key's rule refuses").isEmpty();
  }

  private static boolean admits(ConfigRule rule, ConfigKey k) {
    String d = k.defaultValue();
    if (rule instanceof Range r) {
      return r.contains(Integer.parseInt(d));
    } else if (rule instanceof Matches m) {
      return m.matches(d);
    } else if (rule instanceof OneOf o) {
      return o.names().contains(d);
    } else if (rule instanceof NotNegative n) {
      return n.admits(Durations.parse(d));
    } else if (rule instanceof Positive p) {
      return p.admits(Durations.parse(d));
    }
    throw new AssertionError("unknown rule " + rule);
  }

  @Test
  void rulesStateThemselvesForTheReference() {
    assertThat(ConfigRule.between(1, 64).text()).isEqualTo("1 to 64");
    assertThat(ConfigRule.oneOf(BadDataPolicy.class).text()).isEqualTo("`halt`, `dead-letter`");
    assertThat(ConfigRule.matching("[a-z]+", "holds only lowercase letters").text())
        .isEqualTo("`[a-z]+`");
    assertThat(ConfigRule.positive().admits(Duration.ZERO)).isFalse();
    assertThat(ConfigRule.notNegative().admits(Duration.ZERO)).isTrue();
  }

  @Test
  void aRuleMustFitItsKeysType() {
    assertThatThrownBy(
            () ->
                new ConfigKey(
                    "x.y", Type.STRING, false, null, Optional.of(ConfigRule.between(1, 2)), "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("x.y");
  }

  @Test
  void groupFieldsAreTheKeyNamesInsideAnEntry() {
    assertThat(ConfigKeys.GROUP_KEYS.stream().map(ConfigKeys::groupField))
        .containsExactly(
            "name",
            "tables",
            "partitions",
            "truncate",
            "on-bad-data",
            "key-columns",
            "exclude-columns",
            "alert-lag",
            "alert-paused",
            "verify-interval",
            "watermark",
            "append-only",
            "diff-interval");
  }
}
