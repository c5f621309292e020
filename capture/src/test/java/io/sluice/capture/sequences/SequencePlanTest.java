package io.sluice.capture.sequences;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SequencePlanTest {
  private static final SequenceDefinition UP =
      new SequenceDefinition("bigint", 1, 1, Long.MAX_VALUE, 1, 1, false);
  private static final SequenceDefinition UP_BY_10 =
      new SequenceDefinition("bigint", 10, 1, Long.MAX_VALUE, 1, 1, false);
  private static final SequenceDefinition DOWN =
      new SequenceDefinition("bigint", -1, Long.MIN_VALUE, -1, -1, 1, false);
  private static final SequenceDefinition SMALL =
      new SequenceDefinition("smallint", 1, 1, 32767, 1, 1, false);

  private static SequenceState called(long v) {
    return new SequenceState(v, true);
  }

  private static SequenceState fresh(long v) {
    return new SequenceState(v, false);
  }

  @Test
  void setsTheTargetToTheSourcesLastValuePlusTheMargin() {
    SequencePlan p = SequencePlan.of(UP, called(500), UP, fresh(1), 1000);

    assertThat(p).isEqualTo(new SequencePlan(called(1500), true, false));
  }

  @Test
  void aSourceNotYetCalledHandedOutOneIncrementLess() {
    // setval(s, 500, false): the next nextval returns 500, so 499 is the last handed out.
    assertThat(fresh(500).handedOut(1)).isEqualTo(499);
    assertThat(fresh(500).handedOut(10)).isEqualTo(490);
    assertThat(fresh(-500).handedOut(-1)).isEqualTo(-499);
    assertThat(SequencePlan.of(UP, fresh(500), UP, fresh(1), 0).state()).isEqualTo(called(499));
    assertThat(SequencePlan.of(UP_BY_10, fresh(500), UP_BY_10, fresh(1), 0).state())
        .isEqualTo(called(490));
  }

  @Test
  void aFreshSourceWithoutMarginLeavesAFreshTargetAlone() {
    SequencePlan p = SequencePlan.of(UP, fresh(1), UP, fresh(1), 0);

    assertThat(p.change()).isFalse();
    assertThat(p.state()).isEqualTo(fresh(1));
  }

  @Test
  void neverMovesATargetBackwards() {
    SequencePlan p = SequencePlan.of(UP, called(500), UP, called(9000), 1000);

    assertThat(p).isEqualTo(new SequencePlan(called(9000), false, false));
    assertThat(SequencePlan.of(UP, called(500), UP, called(1500), 1000).change()).isFalse();
  }

  @Test
  void aDescendingSequenceGetsTheSourceMinusTheMarginAndNeverMovesUp() {
    assertThat(SequencePlan.of(DOWN, called(-500), DOWN, fresh(-1), 1000))
        .isEqualTo(new SequencePlan(called(-1500), true, false));
    assertThat(SequencePlan.of(DOWN, called(-500), DOWN, called(-9000), 1000).change()).isFalse();
    assertThat(SequencePlan.of(DOWN, fresh(-1), DOWN, fresh(-1), 0).change()).isFalse();
  }

  @Test
  void holdsAValuePastMaxvalueAtTheBoundAndSaysSo() {
    SequencePlan p = SequencePlan.of(SMALL, called(32000), SMALL, fresh(1), 1000);

    // 32767 is handed out next: above anything the source handed out.
    assertThat(p).isEqualTo(new SequencePlan(fresh(32767), true, true));
  }

  @Test
  void aSpentSourceLeavesTheTargetSpentTooRatherThanHandingOutItsLastValue() {
    SequencePlan p = SequencePlan.of(SMALL, called(32767), SMALL, fresh(1), 1000);

    assertThat(p).isEqualTo(new SequencePlan(called(32767), true, true));
    assertThat(SequencePlan.of(SMALL, called(32767), SMALL, called(32767), 1000))
        .isEqualTo(new SequencePlan(called(32767), false, true));
  }

  @Test
  void holdsADescendingValuePastMinvalueAtTheBound() {
    SequenceDefinition down = new SequenceDefinition("integer", -1, -100, -1, -1, 1, false);

    assertThat(SequencePlan.of(down, called(-50), down, fresh(-1), 1000))
        .isEqualTo(new SequencePlan(fresh(-100), true, true));
  }

  @Test
  void aClampNeverMovesTheTargetBack() {
    SequencePlan p = SequencePlan.of(SMALL, called(30000), SMALL, called(32767), 5000);

    assertThat(p.change()).isFalse();
    assertThat(p.state()).isEqualTo(called(32767));
  }

  @Test
  void arithmeticHoldsAtTheEndsOfLong() {
    assertThat(SequencePlan.saturatedAdd(Long.MAX_VALUE, 1)).isEqualTo(Long.MAX_VALUE);
    assertThat(SequencePlan.saturatedAdd(Long.MIN_VALUE, -1)).isEqualTo(Long.MIN_VALUE);
    assertThat(SequencePlan.of(UP, called(Long.MAX_VALUE - 5), UP, fresh(1), 1000))
        .isEqualTo(new SequencePlan(fresh(Long.MAX_VALUE), true, true));
  }

  @Test
  void refusesANegativeMarginAndAZeroIncrement() {
    assertThatThrownBy(() -> SequencePlan.of(UP, called(1), UP, fresh(1), -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SequenceDefinition("bigint", 0, 1, 2, 1, 1, false))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
