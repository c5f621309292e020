package io.sluice.checkpoint;

import io.sluice.core.config.DynamoDbConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/** Builds the DynamoDB client every sluice process uses, from the pipeline configuration. */
public final class DynamoDbClients {
  private DynamoDbClients() {}

  public static DynamoDbClient create(DynamoDbConfig config) {
    DynamoDbClientBuilder b =
        DynamoDbClient.builder()
            .region(Region.of(config.region()))
            .httpClientBuilder(UrlConnectionHttpClient.builder());
    config.endpoint().ifPresent(b::endpointOverride);
    if (config.localCredentials()) {
      b.credentialsProvider(
          StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")));
    } else {
      b.credentialsProvider(DefaultCredentialsProvider.builder().build());
    }
    return b.build();
  }
}
