/**
 * The one retry mechanism of sluice: {@link io.sluice.core.retry.Retrier} runs work again with
 * bounded exponential backoff and jitter while a classifier calls its error retriable, on an
 * injected {@link java.time.Clock} and {@link io.sluice.core.retry.Sleeper} so that tests need no
 * real time. Target writes, checkpoint saves, capture restarts and lease reads all go through it.
 */
package io.sluice.core.retry;
