package io.sluice.core.config;

import io.sluice.core.ConfigException;
import java.util.List;

/**
 * Where database passwords that are not written in the environment come from: RDS IAM
 * authentication tokens and AWS Secrets Manager. The loader asks for one supplier per database;
 * each supplier keeps its value until it is due for renewal, so asking per connection is cheap.
 */
public interface CredentialSources {
  /**
   * Tokens for {@code user} at {@code host:port}, signed for {@code region} and renewed before they
   * expire.
   */
  SecretSource iamToken(String region, String host, int port, String user);

  /**
   * The password held by a Secrets Manager secret ({@code secretId}: an ARN or a name in {@code
   * region}), read again periodically so a rotated password is picked up.
   */
  SecretSource secret(String region, String secretId);

  /** For commands that never reach AWS: configurations that need it are refused at first use. */
  CredentialSources NONE =
      new CredentialSources() {
        @Override
        public SecretSource iamToken(String region, String host, int port, String user) {
          return () -> {
            throw new ConfigException(
                List.of("IAM database authentication is not available in this command"));
          };
        }

        @Override
        public SecretSource secret(String region, String secretId) {
          return () -> {
            throw new ConfigException(
                List.of("passwords from Secrets Manager are not available in this command"));
          };
        }
      };
}
