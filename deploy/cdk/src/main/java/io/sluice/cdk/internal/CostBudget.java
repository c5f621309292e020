package io.sluice.cdk.internal;

import io.sluice.cdk.SluiceStackConfig;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.budgets.CfnBudget;
import software.constructs.Construct;

/**
 * A monthly cost budget over what carries the pipeline's cost-allocation tag, mailing when actual
 * spend passes a share of it and when the month's forecast passes all of it. The tag counts only
 * once activated as a cost-allocation tag in the billing console.
 */
public final class CostBudget extends Construct {
  public CostBudget(Construct scope, String id, SluiceStackConfig config) {
    super(scope, id);
    List<CfnBudget.SubscriberProperty> subscribers =
        config.budgetEmails().stream()
            .map(
                e ->
                    CfnBudget.SubscriberProperty.builder()
                        .subscriptionType("EMAIL")
                        .address(e)
                        .build())
            .toList();
    CfnBudget.Builder.create(this, "Budget")
        .budget(
            CfnBudget.BudgetDataProperty.builder()
                .budgetName(config.stackName())
                .budgetType("COST")
                .timeUnit("MONTHLY")
                .budgetLimit(
                    CfnBudget.SpendProperty.builder()
                        .amount(config.budgetMonthlyUsd())
                        .unit("USD")
                        .build())
                .costFilters(
                    Map.of(
                        "TagKeyValue",
                        List.of("user:" + config.costTagKey() + "$" + config.costTagValue())))
                .build())
        .notificationsWithSubscribers(
            List.of(
                notify("ACTUAL", config.budgetActualPercent(), subscribers),
                notify("FORECASTED", 100, subscribers)))
        // not taggable through Tags.of: the cost tag goes on by hand
        .resourceTags(
            List.of(
                CfnBudget.ResourceTagProperty.builder()
                    .key(config.costTagKey())
                    .value(config.costTagValue())
                    .build()))
        .build();
  }

  private static CfnBudget.NotificationWithSubscribersProperty notify(
      String type, int percent, List<CfnBudget.SubscriberProperty> subscribers) {
    return CfnBudget.NotificationWithSubscribersProperty.builder()
        .notification(
            CfnBudget.NotificationProperty.builder()
                .notificationType(type)
                .comparisonOperator("GREATER_THAN")
                .threshold(percent)
                .thresholdType("PERCENTAGE")
                .build())
        .subscribers(subscribers)
        .build();
  }
}
