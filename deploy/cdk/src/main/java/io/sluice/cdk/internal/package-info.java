/**
 * The constructs of the sluice stack: state tables, MSK cluster, pod role and its policy, alarms,
 * budget.
 */
package io.sluice.cdk.internal;
