package io.sluice.cdk;

import software.amazon.awscdk.App;

/**
 * The CDK app: one {@link SluiceStack} from the context of {@code cdk.json} and {@code -c} options.
 * A context that does not validate stops synthesis with every problem listed.
 */
public final class SluiceCdkApp {
  private SluiceCdkApp() {}

  public static void main(String[] args) {
    App app = new App();
    SluiceStackConfig config = StackConfigReader.read(k -> app.getNode().tryGetContext(k));
    new SluiceStack(app, config);
    app.synth();
  }
}
