package io.sluice.cli.control;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.core.SluiceException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** `sluice ctl` through the admin API of a running sluice process. */
public final class ApiClient implements ControlClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  public ApiClient(URI base, String token) {
    this.base = URI.create(base.toString().replaceAll("/+$", "") + "/");
    this.token = token;
  }

  @Override
  public List<GroupView> groups() {
    return JSON.convertValue(
        call("GET", "groups", null, 200).orElseThrow(), new TypeReference<>() {});
  }

  @Override
  public CaptureView capture() {
    return JSON.convertValue(call("GET", "capture", null, 200).orElseThrow(), CaptureView.class);
  }

  @Override
  public Optional<GroupView> group(String name) {
    return call("GET", "groups/" + encode(name), null, 200)
        .map(n -> JSON.convertValue(n, GroupView.class));
  }

  @Override
  public boolean pause(String group, String reason, String by) {
    return changed(
        call("POST", "groups/" + encode(group) + "/pause", Map.of("reason", reason, "by", by), 202),
        group);
  }

  @Override
  public boolean resume(String group, String by) {
    return changed(
        call("POST", "groups/" + encode(group) + "/resume", Map.of("by", by), 202), group);
  }

  @Override
  public boolean failover(String region, String reason, String by) {
    return call("POST", "failover", Map.of("to", region, "reason", reason, "by", by), 202)
        .orElseThrow()
        .path("changed")
        .asBoolean();
  }

  @Override
  public Optional<String> activeRegion() {
    JsonNode active = call("GET", "failover", null, 200).orElseThrow().path("active");
    return active.isTextual() ? Optional.of(active.asText()) : Optional.empty();
  }

  @Override
  public void close() {
    // HttpClient needs no closing on Java 17
  }

  private static boolean changed(Optional<JsonNode> answer, String group) {
    return answer
        .orElseThrow(() -> new IllegalArgumentException("no group '" + group + "'"))
        .path("changed")
        .asBoolean();
  }

  /** The JSON answer, or empty on 404; anything but {@code expected} and 404 throws. */
  private Optional<JsonNode> call(String method, String path, Object body, int expected) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + token)
            .header("Accept", "application/json");
    try {
      b.method(
          method,
          body == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
      HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      JsonNode answer = r.body().length == 0 ? null : JSON.readTree(r.body());
      if (r.statusCode() == expected) {
        return Optional.ofNullable(answer);
      }
      if (r.statusCode() == 404 && path.startsWith("groups/")) {
        return Optional.empty();
      }
      String why = answer == null ? "" : answer.path("error").asText("");
      throw new SluiceException(
          "admin API "
              + method
              + " "
              + base.resolve(path)
              + " answered "
              + r.statusCode()
              + (why.isEmpty() ? "" : ": " + why));
    } catch (IOException e) {
      throw new SluiceException(
          "admin API " + base.resolve(path) + " unreachable: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SluiceException("interrupted while calling the admin API", e);
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
