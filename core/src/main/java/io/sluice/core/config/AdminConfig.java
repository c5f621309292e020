package io.sluice.core.config;

/**
 * The admin HTTP API every sluice process serves.
 *
 * @param port TCP port; 0 picks a free one
 * @param bind address to listen on
 * @param readToken bearer token that may read state (empty: none)
 * @param operateToken bearer token that may read state and pause or resume groups (empty: none)
 */
public record AdminConfig(int port, String bind, Secret readToken, Secret operateToken) {}
