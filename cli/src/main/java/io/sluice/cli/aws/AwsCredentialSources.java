package io.sluice.cli.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.core.config.CredentialSources;
import io.sluice.core.config.SecretSource;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsUtilities;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;

/**
 * Database credentials from AWS, for every connection sluice opens: RDS IAM authentication tokens
 * and Secrets Manager passwords, both signed with the AWS default credentials chain (IRSA or EKS
 * Pod Identity on EKS).
 *
 * <p>A token is valid for 15 minutes and is renewed after 10, so a connection opened at any moment
 * presents one with at least 5 minutes left; connections already open are not affected by its
 * expiry. A Secrets Manager password is read again every 5 minutes, so connections opened after a
 * rotation use the new password within that time (the attempts between are refused by the database
 * and retried).
 */
public final class AwsCredentialSources implements CredentialSources {
  static final Duration TOKEN_RENEWAL = Duration.ofMinutes(10);
  static final Duration TOKEN_LIFETIME = Duration.ofMinutes(15);
  static final Duration SECRET_RENEWAL = Duration.ofMinutes(5);

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Signs an RDS IAM authentication token. */
  interface TokenSigner {
    String sign(String region, String host, int port, String user);
  }

  /** Reads a secret's string. */
  interface SecretReader {
    String read(String region, String secretId);
  }

  private final Clock clock;
  private final TokenSigner signer;
  private final SecretReader reader;

  AwsCredentialSources(Clock clock, TokenSigner signer, SecretReader reader) {
    this.clock = clock;
    this.signer = signer;
    this.reader = reader;
  }

  /** Signs and reads with the AWS default credentials chain, created at first use. */
  public static AwsCredentialSources create(Clock clock) {
    return create(clock, () -> DefaultCredentialsProvider.builder().build(), Optional.empty());
  }

  /** The same with given AWS credentials, and Secrets Manager reached at {@code endpoint}. */
  static AwsCredentialSources create(
      Clock clock, Supplier<AwsCredentialsProvider> credentials, Optional<URI> secretsEndpoint) {
    Aws aws = new Aws(credentials, secretsEndpoint);
    return new AwsCredentialSources(clock, aws::sign, aws::read);
  }

  @Override
  public SecretSource iamToken(String region, String host, int port, String user) {
    return new Renewing(
        "the IAM authentication token of " + user + "@" + host + ":" + port,
        clock,
        TOKEN_RENEWAL,
        TOKEN_LIFETIME,
        () -> signer.sign(region, host, port, user));
  }

  @Override
  public SecretSource secret(String region, String secretId) {
    // A rotated password makes the kept one useless, but the kept one is still the best guess
    // while Secrets Manager cannot be reached.
    return new Renewing(
        "the password in secret " + secretId,
        clock,
        SECRET_RENEWAL,
        Duration.ofDays(365),
        () -> password(secretId, reader.read(region, secretId)));
  }

  /**
   * The password in a secret's string: the string itself, or the {@code password} field of a JSON
   * object (the form RDS-managed and rotated secrets have).
   */
  static String password(String secretId, String secretString) {
    if (secretString == null) {
      throw new IllegalStateException(
          "secret " + secretId + " has no string value (a binary secret cannot hold a password)");
    }
    String s = secretString.strip();
    if (!s.startsWith("{")) {
      return secretString;
    }
    try {
      JsonNode password = JSON.readTree(s).path("password");
      if (!password.isTextual()) {
        throw new IllegalStateException(
            "secret " + secretId + " is a JSON object without a string field 'password'");
      }
      return password.asText();
    } catch (IOException e) {
      throw new IllegalStateException("secret " + secretId + " is not valid JSON", e);
    }
  }

  /** The AWS clients, one per region, made when first needed. */
  private static final class Aws {
    private final Supplier<AwsCredentialsProvider> newCredentials;
    private final Optional<URI> secretsEndpoint;
    private final Map<String, RdsUtilities> rds = new ConcurrentHashMap<>();
    private final Map<String, SecretsManagerClient> secrets = new ConcurrentHashMap<>();
    private AwsCredentialsProvider credentials;

    Aws(Supplier<AwsCredentialsProvider> newCredentials, Optional<URI> secretsEndpoint) {
      this.newCredentials = newCredentials;
      this.secretsEndpoint = secretsEndpoint;
    }

    private synchronized AwsCredentialsProvider credentials() {
      if (credentials == null) {
        credentials = newCredentials.get();
      }
      return credentials;
    }

    String sign(String region, String host, int port, String user) {
      return rds.computeIfAbsent(
              region,
              r ->
                  RdsUtilities.builder()
                      .region(Region.of(r))
                      .credentialsProvider(credentials())
                      .build())
          .generateAuthenticationToken(b -> b.hostname(host).port(port).username(user));
    }

    String read(String region, String secretId) {
      return secrets
          .computeIfAbsent(region, this::secretsClient)
          .getSecretValue(b -> b.secretId(secretId))
          .secretString();
    }

    private SecretsManagerClient secretsClient(String region) {
      SecretsManagerClientBuilder b =
          SecretsManagerClient.builder()
              .region(Region.of(region))
              .credentialsProvider(credentials())
              .httpClientBuilder(UrlConnectionHttpClient.builder());
      secretsEndpoint.ifPresent(b::endpointOverride);
      return b.build();
    }
  }
}
