package io.sluice.cli.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sluice.cli.PipelineConfigs;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice ctl}: the operator's view of a pipeline's groups, and pause and resume. */
@Command(
    name = "ctl",
    mixinStandardHelpOptions = true,
    description =
        "Show and change the state of a pipeline's table groups, straight from DynamoDB (-c) or"
            + " through the admin API of a running sluice process (--api).",
    subcommands = {
      CtlCommand.Groups.class,
      CtlCommand.Status.class,
      CtlCommand.Pause.class,
      CtlCommand.Resume.class,
      CtlCommand.Failover.class,
      ResnapshotCommand.class
    })
public final class CtlCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Where the state is read: one of a configuration file or an admin API. */
  static final class Target {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Where where;

    @Option(
        names = "--token",
        defaultValue = "${env:SLUICE_CTL_TOKEN}",
        paramLabel = "TOKEN",
        description = "Bearer token for --api (default: $SLUICE_CTL_TOKEN).")
    String token;

    static final class Where {
      @Option(
          names = {"-c", "--config"},
          paramLabel = "FILE",
          description = "Pipeline configuration: read DynamoDB and Kafka directly.")
      Path config;

      @Option(
          names = "--api",
          paramLabel = "URL",
          description = "Admin API of a running sluice process, e.g. http://sluice-apply:8081.")
      URI api;
    }

    ControlClient open() {
      if (where.api != null) {
        if (token == null || token.isBlank()) {
          throw new IllegalArgumentException("--api needs --token or SLUICE_CTL_TOKEN");
        }
        return new ApiClient(where.api, token);
      }
      return io.sluice.cli.cutover.DirectedControl.open(
          PipelineConfigs.load(where.config), Clock.systemUTC());
    }
  }

  private static void report(
      CommandSpec spec, String group, boolean changed, String done, String already) {
    spec.commandLine().getOut().println("group " + group + " " + (changed ? done : already));
  }

  private static String operator(String by) {
    if (by != null && !by.isBlank()) {
      return by;
    }
    String user = System.getenv("USER");
    return user == null || user.isBlank() ? "sluice-ctl" : user;
  }

  @Command(
      name = "failover",
      mixinStandardHelpOptions = true,
      description =
          "Make another region the pipeline's active one: its processes capture and apply from"
              + " the state replicated to it, the other region's stand by. Audited.")
  static final class Failover implements Callable<Integer> {
    @Mixin Target target;
    @Spec CommandSpec spec;

    @Option(names = "--to", required = true, paramLabel = "REGION", description = "The region.")
    String region;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why.")
    String reason;

    @Option(names = "--by", paramLabel = "NAME", description = "Who (default: $USER).")
    String by;

    @Override
    public Integer call() {
      try (ControlClient c = target.open()) {
        boolean changed;
        try {
          changed = c.failover(region, reason, operator(by));
        } catch (IllegalArgumentException e) {
          spec.commandLine().getErr().println("sluice ctl failover: " + e.getMessage());
          return 2;
        }
        spec.commandLine()
            .getOut()
            .println(
                changed
                    ? "region " + region + " is active now; the other region's processes stand by"
                    : "region " + region + " was active already");
      }
      return 0;
    }
  }

  @Command(name = "groups", mixinStandardHelpOptions = true, description = "List the groups.")
  static final class Groups implements Callable<Integer> {
    @Mixin Target target;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (ControlClient c = target.open()) {
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
            "%-20s %-8s %-8s %10s %12s  %s%n",
            "GROUP", "DESIRED", "ACTUAL", "PARTITIONS", "LAG EVENTS", "REASON");
        for (GroupView g : c.groups()) {
          long lag = g.partitions().stream().mapToLong(p -> Math.max(0, p.lagEvents())).sum();
          out.printf(
              "%-20s %-8s %-8s %10d %12d  %s%n",
              g.group(), g.desired(), g.actual(), g.partitions().size(), lag, g.reason());
        }
        out.flush();
      }
      return 0;
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description =
          "Desired and actual state, each partition's owner, checkpoint and lag, and the last"
              + " error, of one group or all.")
  static final class Status implements Callable<Integer> {
    @Mixin Target target;
    @Spec CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "GROUP", description = "One group (default: all).")
    String group;

    @Option(names = "--json", description = "Print JSON, as the admin API answers.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      try (ControlClient c = target.open()) {
        List<GroupView> groups;
        if (group == null) {
          groups = c.groups();
        } else {
          Optional<GroupView> one = c.group(group);
          if (one.isEmpty()) {
            spec.commandLine().getErr().println("sluice ctl: no group '" + group + "'");
            return 3;
          }
          groups = List.of(one.get());
        }
        PrintWriter out = spec.commandLine().getOut();
        CaptureView capture = c.capture();
        if (json) {
          ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
          Object shown =
              group == null ? Map.of("capture", capture, "groups", groups) : groups.get(0);
          out.println(m.writeValueAsString(shown));
        } else {
          c.activeRegion().ifPresent(r -> out.println("active region: " + r));
          print(out, capture);
          groups.forEach(g -> print(out, g));
        }
        out.flush();
      }
      return 0;
    }

    /** Capture first: while it does not run, no group is in step, whatever apply reports. */
    private static void print(PrintWriter out, CaptureView c) {
      out.printf(
          "capture: %s%s%s%n",
          c.state(),
          c.worker().isEmpty() ? "" : " in " + c.worker(),
          c.capturedThrough().isEmpty()
              ? ""
              : String.format(
                  ", captured through %s (%.1f s ago)", c.capturedThrough(), c.lagSeconds()));
      if (!c.lastError().isEmpty()) {
        out.printf("  last error: %s%n", c.lastError());
      }
      if (!c.standbys().isEmpty()) {
        out.printf("  standing by: %s%n", String.join(", ", c.standbys()));
      }
      LoadView l = c.load();
      if (!l.state().equals("NONE")) {
        out.printf(
            "  initial load: %s, %d of %d chunks, %,d rows copied of about %,d%n",
            l.state(), l.chunksCopied(), l.chunks(), l.rowsCopied(), l.rowsEstimated());
      }
    }

    private static void print(PrintWriter out, GroupView g) {
      out.printf("group %s: desired %s, actual %s%n", g.group(), g.desired(), g.actual());
      if (!g.changedAt().isEmpty()) {
        out.printf(
            "  %s by %s at %s%s%n",
            g.desired().equals("PAUSED") ? "paused" : "resumed",
            g.changedBy(),
            g.changedAt(),
            g.reason().isEmpty() ? "" : ": " + g.reason());
      }
      if (!g.lastError().isEmpty()) {
        out.printf("  last error: %s%n", g.lastError());
      }
      for (GroupView.Worker w : g.workers()) {
        out.printf(
            "  worker %s: %s, partitions %s, reported %s%n",
            w.worker(), w.state(), w.partitions(), w.reportedAt());
      }
      out.printf(
          "  %9s  %-24s %5s %12s %14s %12s %10s%n",
          "PARTITION", "OWNER", "EPOCH", "CHECKPOINT", "LSN", "LAG EVENTS", "LAG S");
      for (GroupView.Partition p : g.partitions()) {
        out.printf(
            "  %9d  %-24s %5d %12d %14s %12s %10s%n",
            p.partition(),
            p.owner().isEmpty() ? "-" : p.owner(),
            p.leaseEpoch(),
            p.checkpoint(),
            p.checkpointLsn().isEmpty() ? "-" : p.checkpointLsn(),
            p.lagEvents() < 0 ? "?" : Long.toString(p.lagEvents()),
            p.lagSeconds() < 0 ? "?" : String.format("%.1f", p.lagSeconds()));
      }
    }
  }

  @Command(
      name = "pause",
      mixinStandardHelpOptions = true,
      description =
          "Pause a group: its apply stops at a batch boundary with checkpoints written; capture"
              + " goes on and Kafka keeps the backlog. A no-op when paused already.")
  static final class Pause implements Callable<Integer> {
    @Mixin Target target;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "GROUP")
    String group;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why.")
    String reason;

    @Option(names = "--by", paramLabel = "NAME", description = "Who (default: $USER).")
    String by;

    @Override
    public Integer call() {
      if (reason.isBlank()) {
        throw new IllegalArgumentException("--reason must not be empty");
      }
      try (ControlClient c = target.open()) {
        boolean changed = c.pause(group, reason, operator(by));
        spec.commandLine()
            .getOut()
            .println(
                changed ? "group " + group + " paused" : "group " + group + " was paused already");
      }
      return 0;
    }
  }

  @Command(
      name = "resume",
      mixinStandardHelpOptions = true,
      description = "Resume a paused group from its checkpoints. A no-op when it runs already.")
  static final class Resume implements Callable<Integer> {
    @Mixin Target target;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "GROUP")
    String group;

    @Option(names = "--by", paramLabel = "NAME", description = "Who (default: $USER).")
    String by;

    @Override
    public Integer call() {
      try (ControlClient c = target.open()) {
        report(spec, group, c.resume(group, operator(by)), "resumed", "was running already");
      }
      return 0;
    }
  }
}
