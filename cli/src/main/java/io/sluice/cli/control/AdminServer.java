package io.sluice.cli.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sluice.core.config.AdminConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP API every sluice process serves, JSON in and out:
 *
 * <ul>
 *   <li>{@code GET /groups}, {@code GET /groups/{group}}: desired and actual state, partitions;
 *   <li>{@code GET /capture}: what capture does, how far it captured, its last error;
 *   <li>{@code POST /groups/{group}/pause} with {@code {"reason": "...", "by": "..."}} and {@code
 *       POST /groups/{group}/resume} (optional {@code {"by": "..."}}): 202, and a no-op when the
 *       group is already in that state ({@code "changed": false}).
 * </ul>
 *
 * <p>Every request needs {@code Authorization: Bearer <token>}: the read token may read, the
 * operate token may read and operate. Answers 401 without a known token (always, when no token is
 * configured), 403 for a read token on an operation, 404 for an unknown group or path, 400 for a
 * bad body, 405 for another method.
 *
 * <p>Three paths need no token, for Prometheus and Kubernetes probes: {@code GET /metrics} (the
 * Prometheus text format), {@code GET /health} (200 while the process serves) and {@code GET
 * /ready} (200 when every part of the process is connected and none halted, else 503 with the
 * reasons).
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY = 64 * 1024;

  private final Control view;
  private final AdminConfig config;
  private final Probes probes;
  private final HttpServer server;
  private final ExecutorService executor;

  private enum Role {
    READ,
    OPERATE
  }

  /** The groups the API reads and operates. */
  public interface Control extends ControlClient {
    /** The pipeline's name. */
    String pipeline();

    boolean hasGroup(String group);
  }

  /** What the unauthenticated endpoints report. */
  public interface Probes {
    /** The process's meters in the Prometheus text format. */
    String scrape();

    /** Why the process is not ready; empty when it is. */
    java.util.List<String> notReady();
  }

  /** The cutover endpoint: {@code sluice cutover} run by the process that serves the API. */
  public interface Cutovers {
    /**
     * Starts a cutover in the background.
     *
     * @return false when one is running already
     * @throws IllegalArgumentException for a group the pipeline does not have
     */
    boolean start(
        java.util.List<String> groups,
        boolean rollback,
        boolean dryRun,
        boolean assumeFrozen,
        String by);

    /** The cutover state, and the steps of the latest run so far. */
    Map<String, Object> status();
  }

  private volatile Cutovers cutovers;

  /** Serves {@code GET} and {@code POST /cutover} through {@code c}. */
  public AdminServer serving(Cutovers c) {
    this.cutovers = c;
    return this;
  }

  public AdminServer(Control view, AdminConfig config, Probes probes) throws IOException {
    this.view = view;
    this.config = config;
    this.probes = probes;
    this.server = HttpServer.create(new InetSocketAddress(config.bind(), config.port()), 0);
    this.executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "sluice-admin");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/groups", this::handle);
    server.createContext("/capture", this::capture);
    server.createContext("/cutover", this::cutover);
    server.createContext("/failover", this::failover);
    server.createContext("/metrics", this::metrics);
    server.createContext("/health", ex -> probe(ex, java.util.List.of()));
    server.createContext("/ready", ex -> probe(ex, probes.notReady()));
    server.start();
    log.info("admin API on http://{}:{}/groups", config.bind(), port());
  }

  /** The port the API listens on (the chosen one when configured as 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  private void metrics(HttpExchange ex) throws IOException {
    try (ex) {
      if (!ex.getRequestMethod().equals("GET")) {
        send(ex, 405, error("only GET on /metrics"));
        return;
      }
      byte[] body = probes.scrape().getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    } catch (RuntimeException e) {
      log.warn("metrics scrape failed: {}", e.toString());
      send(ex, 500, error(e.toString()));
    }
  }

  private void probe(HttpExchange ex, java.util.List<String> problems) throws IOException {
    try (ex) {
      if (!ex.getRequestMethod().equals("GET")) {
        send(ex, 405, error("only GET on " + ex.getRequestURI().getPath()));
        return;
      }
      var body = JSON.createObjectNode().put("status", problems.isEmpty() ? "UP" : "DOWN");
      problems.forEach(body.putArray("problems")::add);
      send(ex, problems.isEmpty() ? 200 : 503, body);
    }
  }

  /** {@code GET /capture}: what capture is doing; read or operate token. */
  private void capture(HttpExchange ex) throws IOException {
    try (ex) {
      if (authorize(ex).isEmpty()) {
        return;
      }
      if (!ex.getRequestMethod().equals("GET")) {
        send(ex, 405, error("only GET on /capture"));
        return;
      }
      send(ex, 200, JSON.valueToTree(view.capture()));
    } catch (RuntimeException e) {
      log.warn("admin API request {} failed: {}", ex.getRequestURI(), e.toString());
      send(ex, 500, error(e.getMessage() == null ? e.toString() : e.getMessage()));
    }
  }

  /**
   * {@code GET /cutover} (read token): the state and the latest run; {@code POST /cutover} (operate
   * token) with {@code {"groups": [...], "rollback": false, "dryRun": false, "assumeFrozen": false,
   * "by": "..."}}: 202 when it started, 409 while another runs.
   */
  private void cutover(HttpExchange ex) throws IOException {
    try (ex) {
      Optional<Role> role = authorize(ex);
      if (role.isEmpty()) {
        return;
      }
      Cutovers c = cutovers;
      if (c == null) {
        send(ex, 404, error("this process does not run cutovers"));
        return;
      }
      if (ex.getRequestMethod().equals("GET")) {
        send(ex, 200, JSON.valueToTree(c.status()));
        return;
      }
      if (!ex.getRequestMethod().equals("POST")) {
        send(ex, 405, error("only GET and POST on /cutover"));
        return;
      }
      if (role.get() != Role.OPERATE) {
        send(ex, 403, error("the read token may not run a cutover"));
        return;
      }
      Optional<JsonNode> read = body(ex);
      if (read.isEmpty()) {
        return;
      }
      JsonNode body = read.get();
      java.util.List<String> groups = new java.util.ArrayList<>();
      JsonNode g = body.get("groups");
      if (g != null && !g.isArray()) {
        send(ex, 400, error("\"groups\" must be a list of group names"));
        return;
      }
      if (g != null) {
        g.forEach(n -> groups.add(n.asText()));
      }
      String by = text(body, "by").orElse("admin-api");
      boolean started;
      try {
        started =
            c.start(
                groups,
                body.path("rollback").asBoolean(false),
                body.path("dryRun").asBoolean(false),
                body.path("assumeFrozen").asBoolean(false),
                by);
      } catch (IllegalArgumentException e) {
        send(ex, 404, error(e.getMessage()));
        return;
      }
      if (!started) {
        send(ex, 409, error("a cutover is running; GET /cutover shows it"));
        return;
      }
      log.info("admin API: cutover asked for by {}", by);
      send(ex, 202, JSON.valueToTree(c.status()));
    } catch (RuntimeException e) {
      log.warn("admin API request {} failed: {}", ex.getRequestURI(), e.toString());
      send(ex, 500, error(e.getMessage() == null ? e.toString() : e.getMessage()));
    }
  }

  /**
   * {@code GET /failover} (read token): {@code {"active": region}} ({@code null} for a pipeline run
   * in one region); {@code POST /failover} (operate token) with {@code {"to": "...", "reason":
   * "...", "by": "..."}}: 202 {@code {"active": ..., "changed": true|false}}; 400 without a region
   * or a reason, or for a pipeline run in one region.
   */
  private void failover(HttpExchange ex) throws IOException {
    try (ex) {
      Optional<Role> role = authorize(ex);
      if (role.isEmpty()) {
        return;
      }
      if (ex.getRequestMethod().equals("GET")) {
        Map<String, Object> answer = new java.util.HashMap<>();
        answer.put("active", view.activeRegion().orElse(null));
        send(ex, 200, JSON.valueToTree(answer));
        return;
      }
      if (!ex.getRequestMethod().equals("POST")) {
        send(ex, 405, error("only GET and POST on /failover"));
        return;
      }
      if (role.get() != Role.OPERATE) {
        send(ex, 403, error("the read token may not fail over"));
        return;
      }
      Optional<JsonNode> read = body(ex);
      if (read.isEmpty()) {
        return;
      }
      Optional<String> to = text(read.get(), "to").filter(r -> !r.isBlank());
      Optional<String> reason = text(read.get(), "reason").filter(r -> !r.isBlank());
      if (to.isEmpty() || reason.isEmpty()) {
        send(ex, 400, error("a failover needs \"to\" (the region) and a \"reason\""));
        return;
      }
      String by = text(read.get(), "by").orElse("admin-api");
      boolean changed;
      try {
        changed = view.failover(to.get(), reason.get(), by);
      } catch (IllegalArgumentException e) {
        send(ex, 400, error(e.getMessage()));
        return;
      }
      log.info(
          "admin API: failover to region {} by {}{}", to.get(), by, changed ? "" : " (already so)");
      send(ex, 202, JSON.valueToTree(Map.of("active", to.get(), "changed", changed)));
    } catch (RuntimeException e) {
      log.warn("admin API request {} failed: {}", ex.getRequestURI(), e.toString());
      send(ex, 500, error(e.getMessage() == null ? e.toString() : e.getMessage()));
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      Optional<Role> role = authorize(ex);
      if (role.isEmpty()) {
        return;
      }
      String[] path = ex.getRequestURI().getPath().replaceAll("/+$", "").split("/");
      // "", "groups"[, group[, action]]
      String method = ex.getRequestMethod();
      if (path.length == 2) {
        if (!method.equals("GET")) {
          send(ex, 405, error("only GET on /groups"));
          return;
        }
        send(ex, 200, JSON.valueToTree(view.groups()));
        return;
      }
      String group = path[2];
      if (!view.hasGroup(group) && path.length <= 4) {
        send(ex, 404, error("no group '" + group + "' in pipeline " + view.pipeline()));
        return;
      }
      if (path.length == 3) {
        if (!method.equals("GET")) {
          send(ex, 405, error("only GET on /groups/" + group));
          return;
        }
        send(ex, 200, JSON.valueToTree(view.group(group).orElseThrow()));
        return;
      }
      if (path.length == 4 && (path[3].equals("pause") || path[3].equals("resume"))) {
        if (!method.equals("POST")) {
          send(ex, 405, error("only POST on /groups/" + group + "/" + path[3]));
          return;
        }
        if (role.get() != Role.OPERATE) {
          send(ex, 403, error("the read token may not pause or resume groups"));
          return;
        }
        operate(ex, group, path[3].equals("pause"));
        return;
      }
      send(ex, 404, error("no such resource: " + ex.getRequestURI().getPath()));
    } catch (RuntimeException e) {
      log.warn("admin API request {} failed: {}", ex.getRequestURI(), e.toString());
      try {
        send(ex, 500, error(e.getMessage() == null ? e.toString() : e.getMessage()));
      } catch (IOException | RuntimeException alreadySent) {
        // the response had begun; the client sees a broken reply
      }
    }
  }

  /**
   * The request's body as a JSON object (an empty body is an empty object), or empty after
   * answering 400 for a body too large, not JSON, or not an object.
   */
  private Optional<JsonNode> body(HttpExchange ex) throws IOException {
    JsonNode body;
    try (InputStream in = ex.getRequestBody()) {
      byte[] bytes = in.readNBytes(MAX_BODY + 1);
      if (bytes.length > MAX_BODY) {
        send(ex, 400, error("body larger than " + MAX_BODY + " bytes"));
        return Optional.empty();
      }
      body = bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      send(ex, 400, error("body is not JSON: " + e.getOriginalMessage()));
      return Optional.empty();
    }
    if (body == null || !body.isObject()) {
      send(ex, 400, error("body must be a JSON object"));
      return Optional.empty();
    }
    return Optional.of(body);
  }

  private void operate(HttpExchange ex, String group, boolean pause) throws IOException {
    Optional<JsonNode> read = body(ex);
    if (read.isEmpty()) {
      return;
    }
    JsonNode body = read.get();
    String by = text(body, "by").orElse("admin-api");
    boolean changed;
    if (pause) {
      Optional<String> reason = text(body, "reason").filter(r -> !r.isBlank());
      if (reason.isEmpty()) {
        send(ex, 400, error("pausing needs a \"reason\" (a non-empty string)"));
        return;
      }
      changed = view.pause(group, reason.get(), by);
    } else {
      changed = view.resume(group, by);
    }
    log.info(
        "admin API: group {} {} by {}{}",
        group,
        pause ? "pause" : "resume",
        by,
        changed ? "" : " (already so)");
    send(
        ex,
        202,
        JSON.valueToTree(
            Map.of("group", group, "desired", pause ? "PAUSED" : "RUNNING", "changed", changed)));
  }

  private static Optional<String> text(JsonNode body, String field) {
    JsonNode v = body.get(field);
    return v != null && v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
  }

  /** The caller's role, or empty after answering 401 to a request without a known token. */
  private Optional<Role> authorize(HttpExchange ex) throws IOException {
    Optional<Role> role = role(ex.getRequestHeaders().getFirst("Authorization"));
    if (role.isEmpty()) {
      ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"sluice\"");
      send(ex, 401, error("a valid bearer token is required"));
    }
    return role;
  }

  private Optional<Role> role(String authorization) {
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return Optional.empty();
    }
    String token = authorization.substring("Bearer ".length()).trim();
    if (matches(token, config.operateToken().value())) {
      return Optional.of(Role.OPERATE);
    }
    if (matches(token, config.readToken().value())) {
      return Optional.of(Role.READ);
    }
    return Optional.empty();
  }

  /** Constant-time comparison; an unset token matches nothing. */
  private static boolean matches(String given, String configured) {
    return !configured.isEmpty()
        && MessageDigest.isEqual(
            given.getBytes(StandardCharsets.UTF_8), configured.getBytes(StandardCharsets.UTF_8));
  }

  private static JsonNode error(String message) {
    return JSON.createObjectNode().put("error", message);
  }

  private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
