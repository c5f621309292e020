package io.sluice.cdk;

/** How the MSK cluster of a pipeline is run. */
public enum MskMode {
  /** MSK Serverless: no brokers to size, capacity and storage billed by use. */
  SERVERLESS,
  /** MSK provisioned: a fixed number of brokers of one instance type, with EBS storage. */
  PROVISIONED
}
