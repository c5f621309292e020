package io.sluice.cdk;

/**
 * One parameter of the CDK app, as CDK context ({@code cdk.json} or {@code -c key=value}).
 *
 * @param key the context key
 * @param defaultText the default as the docs state it; empty when the parameter is required
 * @param description what it sets
 */
public record StackParameter(String key, String defaultText, String description) {
  public boolean required() {
    return defaultText.isEmpty();
  }
}
