/**
 * The pipeline configuration: one immutable record per component, parsed once from YAML plus {@code
 * SLUICE_*} environment overrides, validated as a whole (every problem reported at once), then
 * sealed. {@link io.sluice.core.config.ConfigKeys} describes every key with its default and the
 * {@link io.sluice.core.config.ConfigRule} its value must satisfy; the loader checks values through
 * these descriptors, and the configuration reference in {@code docs/configuration.md} is generated
 * from them.
 */
package io.sluice.core.config;
