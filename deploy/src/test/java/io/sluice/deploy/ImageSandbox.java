package io.sluice.deploy;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An image's layers unpacked into a directory and its entrypoint run there the way a Kubernetes pod
 * with {@code readOnlyRootFilesystem} runs it, without a container engine: in new mount, PID and
 * network namespaces, the root read-only, a fresh tmpfs on {@code /tmp} (the chart's emptyDir),
 * {@code /proc}, the host's {@code /dev}, a directory mounted read-only on {@code /etc/sluice} (the
 * chart's ConfigMap), as a numeric uid and gid with no supplementary groups. The network namespace
 * has no interface up, so nothing leaves the machine. Needs root and util-linux's {@code unshare}.
 */
final class ImageSandbox {
  private final Path rootfs;

  private ImageSandbox(Path rootfs) {
    this.rootfs = rootfs;
  }

  /** Aborts the test (fails it under {@code CI=true}) unless this process may build sandboxes. */
  static void requireRoot() throws IOException {
    int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    if (uid != 0) {
      ImageTarball.missing(
          "running the image needs root (mount namespaces, chroot, a uid switch); this test runs"
              + " as uid "
              + uid);
    }
    if (!Files.isExecutable(Path.of("/usr/bin/unshare"))) {
      ImageTarball.missing("running the image needs util-linux's /usr/bin/unshare");
    }
  }

  /** Unpacks the image's layers, lowest first, into an emptied {@code dir}. */
  static ImageSandbox unpack(OciImage image, Path dir) throws IOException, InterruptedException {
    delete(dir);
    Files.createDirectories(dir);
    for (String digest : image.layerDigests()) {
      Process tar =
          new ProcessBuilder(
                  "tar", "--warning=no-unknown-keyword", "-xzf", "-", "-C", dir.toString())
              .redirectErrorStream(true)
              .start();
      try (InputStream layer = image.blobStream(digest);
          OutputStream in = tar.getOutputStream()) {
        layer.transferTo(in);
      }
      String out = new String(tar.getInputStream().readAllBytes());
      if (tar.waitFor() != 0) {
        throw new IllegalStateException("unpacking layer " + digest + " failed: " + out);
      }
    }
    for (String mountPoint : List.of("dev", "proc", "tmp", "etc/sluice")) {
      Files.createDirectories(dir.resolve(mountPoint));
    }
    return new ImageSandbox(dir);
  }

  /**
   * Starts {@code command} (an entrypoint and its arguments) in {@code workingDir} of the image, as
   * {@code uid:gid}, with exactly {@code env}, {@code config} mounted on {@code /etc/sluice}, and
   * stdout and stderr into {@code log}. The returned process is the namespaces' parent; the command
   * itself is its only descendant.
   */
  Process start(
      List<String> command,
      Map<String, String> env,
      String workingDir,
      String uidGid,
      Path config,
      Path log)
      throws IOException {
    String[] ids = uidGid.split(":");
    String mounts =
        String.join(
            " && ",
            "mount --bind \"$R\" \"$R\"",
            "mount -o remount,bind,ro \"$R\"",
            "mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs \"$R/tmp\"",
            "mount -t proc proc \"$R/proc\"",
            "mount --rbind /dev \"$R/dev\"",
            "mount --bind -o ro \"$C\" \"$R/etc/sluice\"",
            "exec env -i \"$@\"");
    List<String> cmd = new ArrayList<>();
    cmd.addAll(
        List.of("unshare", "--mount", "--pid", "--net", "--fork", "--kill-child", "sh", "-c"));
    cmd.add(mounts);
    cmd.add("sh");
    env.forEach((k, v) -> cmd.add(k + "=" + v));
    cmd.addAll(
        List.of(
            "unshare",
            "--root=" + rootfs,
            "--wd=" + workingDir,
            "--setuid",
            ids[0],
            "--setgid",
            ids[1],
            "--"));
    cmd.addAll(command);
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().put("R", rootfs.toString());
    pb.environment().put("C", config.toString());
    return pb.start();
  }

  /** Runs {@code command} to its end (at most a minute) and returns its exit code. */
  int run(
      List<String> command,
      Map<String, String> env,
      String workingDir,
      String uidGid,
      Path config,
      Path log)
      throws IOException, InterruptedException {
    Process p = start(command, env, workingDir, uidGid, config, log);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new IllegalStateException(command + " did not finish within a minute");
    }
    return p.exitValue();
  }

  /** Removes the unpacked tree. */
  void delete() throws IOException {
    delete(rootfs);
  }

  private static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
