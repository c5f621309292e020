package io.sluice.cli.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.sluice.cli.MovingClock;
import io.sluice.core.config.SecretSource;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

class AwsCredentialSourcesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final MovingClock clock = new MovingClock();

  @Test
  void aTokenIsRenewedBeforeItExpiresAndKeptThroughABriefSigningFailure() {
    AtomicInteger signed = new AtomicInteger();
    AtomicBoolean failing = new AtomicBoolean();
    AwsCredentialSources sources =
        new AwsCredentialSources(
            clock,
            (region, host, port, user) -> {
              if (failing.get()) {
                throw new IllegalStateException("no credentials");
              }
              return region + "/" + host + ":" + port + "/" + user + "#" + signed.incrementAndGet();
            },
            (region, id) -> "unused");
    SecretSource token = sources.iamToken("eu-west-1", "db", 5432, "sluice_apply");

    assertThat(token.get()).isEqualTo("eu-west-1/db:5432/sluice_apply#1");
    clock.advance(Duration.ofMinutes(9).plusSeconds(59));
    assertThat(token.get()).as("one token serves every connection for 10 minutes").endsWith("#1");
    clock.advance(Duration.ofSeconds(1));
    assertThat(token.get()).as("renewed at 10 minutes, 5 before it expires").endsWith("#2");

    failing.set(true);
    clock.advance(Duration.ofMinutes(14));
    assertThat(token.get()).as("still valid for a minute: kept").endsWith("#2");
    clock.advance(Duration.ofMinutes(1));
    assertThatThrownBy(token::get)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("IAM authentication token of sluice_apply@db:5432")
        .hasMessageContaining("no credentials");
    failing.set(false);
    assertThat(token.get()).endsWith("#3");
    assertThat(signed).hasValue(3);
  }

  @Test
  void theTokenIsAnRdsConnectRequestSignedForTheHostPortUserAndRegion() {
    AwsCredentialSources sources =
        AwsCredentialSources.create(
            clock,
            () ->
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create("AKIDEXAMPLE", "secret")),
            Optional.empty());

    String token =
        sources
            .iamToken(
                "eu-west-1", "reporting.cluster-abc.eu-west-1.rds.amazonaws.com", 5432, "sluice")
            .get();

    assertThat(token)
        .startsWith("reporting.cluster-abc.eu-west-1.rds.amazonaws.com:5432/?")
        .contains("Action=connect")
        .contains("DBUser=sluice&")
        .contains("X-Amz-Algorithm=AWS4-HMAC-SHA256")
        .contains("X-Amz-Credential=AKIDEXAMPLE%2F")
        .contains("%2Feu-west-1%2Frds-db%2Faws4_request")
        .contains("X-Amz-Expires=900")
        .containsPattern("X-Amz-Signature=[0-9a-f]{64}")
        .doesNotContain("secret");
  }

  @Test
  void aSecretsManagerPasswordIsReadAgainEveryFiveMinutesAndWhenRefused() throws IOException {
    AtomicReference<String> stored =
        new AtomicReference<>("{\"username\":\"sluice\",\"password\":\"first\"}");
    List<String> requests = new ArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          JsonNode body = JSON.readTree(exchange.getRequestBody());
          requests.add(
              exchange.getRequestHeaders().getFirst("X-Amz-Target")
                  + " "
                  + body.path("SecretId").asText()
                  + " "
                  + exchange.getRequestHeaders().getFirst("Authorization").startsWith("AWS4"));
          byte[] reply =
              JSON.writeValueAsBytes(
                  JSON.createObjectNode()
                      .put("ARN", body.path("SecretId").asText())
                      .put("Name", "sluice/target")
                      .put("SecretString", stored.get()));
          exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
          exchange.sendResponseHeaders(200, reply.length);
          exchange.getResponseBody().write(reply);
          exchange.close();
        });
    server.start();
    try {
      String arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:sluice/target-AbCdEf";
      AwsCredentialSources sources =
          AwsCredentialSources.create(
              clock,
              () ->
                  StaticCredentialsProvider.create(
                      AwsBasicCredentials.create("AKIDEXAMPLE", "secret")),
              Optional.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort())));
      SecretSource password = sources.secret("eu-west-1", arn);

      assertThat(password.get()).isEqualTo("first");
      assertThat(requests).containsExactly("secretsmanager.GetSecretValue " + arn + " true");

      stored.set("{\"username\":\"sluice\",\"password\":\"rotated\"}");
      clock.advance(Duration.ofMinutes(4));
      assertThat(password.get()).isEqualTo("first");
      assertThat(requests).hasSize(1);
      password.renew(); // the database refused "first"
      assertThat(password.get()).isEqualTo("rotated");
      assertThat(requests).hasSize(2);

      stored.set("{\"username\":\"sluice\",\"password\":\"third\"}");
      clock.advance(Duration.ofMinutes(4));
      assertThat(password.get()).isEqualTo("rotated");
      clock.advance(Duration.ofMinutes(1));
      assertThat(password.get()).isEqualTo("third");
      assertThat(requests).hasSize(3);

      // Secrets Manager away: the kept password is still the best guess.
      server.stop(0);
      clock.advance(Duration.ofMinutes(5));
      assertThat(password.get()).isEqualTo("third");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aSecretHoldsThePasswordItselfOrAsTheJsonFieldPassword() {
    assertThat(AwsCredentialSources.password("s", "pl{ain")).isEqualTo("pl{ain");
    assertThat(AwsCredentialSources.password("s", " {\"password\": \"p\\\"w\"}")).isEqualTo("p\"w");
    assertThatThrownBy(() -> AwsCredentialSources.password("s", "{\"pass\": \"x\"}"))
        .hasMessage("secret s is a JSON object without a string field 'password'");
    assertThatThrownBy(() -> AwsCredentialSources.password("s", "{broken"))
        .hasMessage("secret s is not valid JSON");
    assertThatThrownBy(() -> AwsCredentialSources.password("s", null))
        .hasMessageContaining("has no string value");
  }
}
