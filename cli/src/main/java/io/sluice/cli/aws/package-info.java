/** Database credentials from AWS: RDS IAM authentication tokens and Secrets Manager passwords. */
package io.sluice.cli.aws;
