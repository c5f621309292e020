package io.sluice.embedded.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.sluice.embedded.EmbeddedPostgres;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Measures one interval (a drain): started by {@link #start}, ended by {@link #finish()}. Starting
 * resets the peaks of the JVM's heap pools, so two meters must not overlap.
 */
public final class ResourceMeter {
  private final long sourcePid;
  private final long targetPid;
  private final long startNanos;
  private final double box;
  private final double jvm;
  private final double sourcePg;
  private final double targetPg;
  private final long gcMillis;
  private final Map<Long, Long> threadCpuNanos;
  private final AtomicLong peakLive = new AtomicLong();
  private final NotificationListener afterGc = this::afterGc;

  private ResourceMeter(long sourcePid, long targetPid) {
    this.sourcePid = sourcePid;
    this.targetPid = targetPid;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.isValid()) {
        pool.resetPeakUsage();
      }
    }
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(afterGc, null, null);
      }
    }
    this.threadCpuNanos = threadCpu();
    this.gcMillis = gcMillis();
    this.jvm = jvmCpuSeconds();
    this.sourcePg = ProcCpu.treeSeconds(sourcePid);
    this.targetPg = ProcCpu.treeSeconds(targetPid);
    this.box = ProcCpu.boxBusySeconds();
    this.startNanos = System.nanoTime();
  }

  /** Starts measuring, with the two servers' process trees read from their postmaster pids. */
  public static ResourceMeter start(EmbeddedPostgres source, EmbeddedPostgres target) {
    return new ResourceMeter(pid(source), pid(target));
  }

  public ResourceUsage finish() {
    double wall = (System.nanoTime() - startNanos) / 1e9;
    double boxNow = ProcCpu.boxBusySeconds();
    double sourceNow = ProcCpu.treeSeconds(sourcePid);
    double targetNow = ProcCpu.treeSeconds(targetPid);
    double jvmNow = jvmCpuSeconds();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        try {
          emitter.removeNotificationListener(afterGc);
        } catch (ListenerNotFoundException e) {
          // not registered on this collector
        }
      }
    }
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.isValid()) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return new ResourceUsage(
        wall,
        boxNow - box,
        jvmNow - jvm,
        sourceNow - sourcePg,
        targetNow - targetPg,
        peak,
        peakLive.get(),
        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax(),
        (gcMillis() - gcMillis) / 1000.0,
        threadFamilies());
  }

  /** Heap in use after each collection, over all heap pools, as the collector reports it. */
  private void afterGc(Notification n, Object handback) {
    if (!n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
      return;
    }
    GarbageCollectionNotificationInfo info =
        GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
    long used = 0;
    for (Map.Entry<String, MemoryUsage> pool :
        info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
      if (HEAP_POOLS.contains(pool.getKey())) {
        used += pool.getValue().getUsed();
      }
    }
    peakLive.accumulateAndGet(used, Math::max);
  }

  private static final Set<String> HEAP_POOLS =
      ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(p -> p.getType() == MemoryType.HEAP)
          .map(MemoryPoolMXBean::getName)
          .collect(Collectors.toUnmodifiableSet());

  private Map<String, Double> threadFamilies() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<String, Double> byFamily = new HashMap<>();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long now = threads.getThreadCpuTime(info.getThreadId());
      if (now < 0) {
        continue;
      }
      long delta = now - threadCpuNanos.getOrDefault(info.getThreadId(), 0L);
      String family = info.getThreadName().replaceAll("[0-9]+", "#");
      byFamily.merge(family, delta / 1e9, Double::sum);
    }
    Map<String, Double> sorted = new LinkedHashMap<>();
    byFamily.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  private static Map<Long, Long> threadCpu() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<Long, Long> cpu = new HashMap<>();
    if (!threads.isThreadCpuTimeSupported()) {
      return cpu;
    }
    for (long id : threads.getAllThreadIds()) {
      long t = threads.getThreadCpuTime(id);
      if (t >= 0) {
        cpu.put(id, t);
      }
    }
    return cpu;
  }

  private static long gcMillis() {
    long total = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      total += Math.max(0, gc.getCollectionTime());
    }
    return total;
  }

  private static double jvmCpuSeconds() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime() / 1e9;
    }
    return 0;
  }

  private static long pid(EmbeddedPostgres server) {
    return ProcCpu.available() ? ProcCpu.postmasterPid(server.dataDirectory()) : 0;
  }
}
