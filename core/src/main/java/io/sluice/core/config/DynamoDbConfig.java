package io.sluice.core.config;

import java.net.URI;
import java.util.Optional;

/** Where checkpoints and control state live. */
public record DynamoDbConfig(
    String region, Optional<URI> endpoint, String tablePrefix, boolean localCredentials) {}
