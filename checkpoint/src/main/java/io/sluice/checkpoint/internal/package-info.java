/** Item layouts and attribute names of the DynamoDB state tables. */
package io.sluice.checkpoint.internal;
