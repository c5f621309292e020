/**
 * The AWS CDK app of sluice: its configuration from CDK context ({@link
 * io.sluice.cdk.StackConfigReader}) and the stack of one pipeline ({@link
 * io.sluice.cdk.SluiceStack}).
 */
package io.sluice.cdk;
