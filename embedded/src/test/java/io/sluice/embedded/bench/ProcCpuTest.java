package io.sluice.embedded.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ProcCpuTest {
  /** About 50 ms of CPU in the shell, then exit. */
  private static final String BUSY_CHILD = "i=0; while [ $i -lt 40000 ]; do i=$((i+1)); done";

  @Test
  void aTreeNeverLosesTheTimeOfAChildReapedWhileItIsRead() throws Exception {
    assertThat(ProcCpu.available())
        .as("Linux /proc, which the benchmarks' CPU figures are read from")
        .isTrue();
    long self = ProcessHandle.current().pid();
    List<Double> readings = new ArrayList<>();
    AtomicBoolean done = new AtomicBoolean();
    Thread reader =
        new Thread(
            () -> {
              while (!done.get()) {
                readings.add(ProcCpu.treeSeconds(self));
              }
            });
    reader.start();
    try {
      for (int i = 0; i < 12; i++) {
        Process child = new ProcessBuilder("sh", "-c", BUSY_CHILD).start();
        assertThat(child.waitFor()).isZero();
      }
    } finally {
      done.set(true);
      reader.join();
    }
    assertThat(readings).hasSizeGreaterThan(12);
    for (int i = 1; i < readings.size(); i++) {
      assertThat(readings.get(i))
          .as("reading %d of this JVM's tree after %s", i, readings.get(i - 1))
          .isGreaterThanOrEqualTo(readings.get(i - 1));
    }
  }
}
