package io.sluice.core.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.error.ErrorClass;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetrierTest {
  /** A clock that the sleeper moves: retries take no real time. */
  private final MutableClock clock = new MutableClock();

  private final List<Duration> slept = new ArrayList<>();
  private final Sleeper sleeper =
      d -> {
        slept.add(d);
        clock.advance(d);
      };

  /** IOExceptions are retriable here, anything else fatal. */
  private final Retrier retrier =
      new Retrier(
          new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1)),
          e -> e instanceof IOException ? ErrorClass.RETRIABLE : ErrorClass.FATAL,
          sleeper,
          clock,
          bound -> bound - 1); // the top of each jitter range

  @Test
  void retriesARetriableErrorUntilTheWorkSucceedsAndReportsTheOutage() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Recorder recorder = new Recorder();

    String result =
        retrier.call(
            () -> {
              if (calls.incrementAndGet() <= 12) {
                throw new IOException("target away");
              }
              return "written";
            },
            recorder);

    assertThat(result).isEqualTo("written");
    assertThat(calls).hasValue(13);
    assertThat(recorder.attempts).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
    // doubling from 100 ms, never above the 1 s bound: no attempt limit, the wait is bounded
    assertThat(slept.subList(0, 5))
        .containsExactly(
            Duration.ofMillis(100),
            Duration.ofMillis(200),
            Duration.ofMillis(400),
            Duration.ofMillis(800),
            Duration.ofMillis(1000));
    assertThat(slept).allMatch(d -> d.compareTo(Duration.ofSeconds(1)) <= 0);
    assertThat(recorder.recoveredAfter).isEqualTo(12);
    assertThat(recorder.outage).isEqualTo(slept.stream().reduce(Duration.ZERO, Duration::plus));
  }

  @Test
  void aFatalErrorIsRethrownAtOnceWithoutWaiting() {
    AtomicInteger calls = new AtomicInteger();
    IllegalStateException fatal = new IllegalStateException("wrong password");

    assertThatThrownBy(
            () ->
                retrier.call(
                    () -> {
                      calls.incrementAndGet();
                      throw fatal;
                    },
                    new Recorder()))
        .isSameAs(fatal);
    assertThat(calls).hasValue(1);
    assertThat(slept).isEmpty();
  }

  @Test
  void givesUpWithTheLastErrorOnceKeepTryingTurnsFalse() {
    AtomicInteger calls = new AtomicInteger();
    IOException last = new IOException("still away");

    assertThatThrownBy(
            () ->
                retrier.call(
                    () -> {
                      calls.incrementAndGet();
                      throw last;
                    },
                    () -> calls.get() < 3,
                    new Recorder()))
        .isSameAs(last);
    assertThat(calls).hasValue(3);
    assertThat(slept).hasSize(2);
  }

  @Test
  void theJitterStaysInTheUpperHalfOfEachBound() {
    Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10));
    for (int attempt = 1; attempt <= 20; attempt++) {
      Duration low = backoff.delay(attempt, bound -> 0);
      Duration high = backoff.delay(attempt, bound -> bound - 1);
      long cap = Math.min(10_000, 200L << Math.min(attempt - 1, 20));
      assertThat(low.toMillis()).isEqualTo(cap / 2);
      assertThat(high.toMillis()).isEqualTo(cap);
    }
  }

  private static final class Recorder implements Retrier.Listener {
    final List<Integer> attempts = new ArrayList<>();
    int recoveredAfter = -1;
    Duration outage;

    @Override
    public void retrying(int attempt, Throwable error, Duration next) {
      attempts.add(attempt);
    }

    @Override
    public void recovered(int failures, Duration outage) {
      recoveredAfter = failures;
      this.outage = outage;
    }
  }

  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-12-07T10:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
