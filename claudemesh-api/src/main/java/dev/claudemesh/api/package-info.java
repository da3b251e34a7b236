/**
 * The daemon's local {@code /v1} API as data (SPEC §3): route and header constants in {@link
 * dev.claudemesh.api.Routes}, stable error codes with their HTTP status in {@link
 * dev.claudemesh.api.ErrorCodes}, the RFC 9457 body in {@link dev.claudemesh.api.Problem}, one
 * record per request and response body, and {@link dev.claudemesh.api.ApiJson} to read and write
 * them. Shared by the daemon and the typed client; depends on Moshi only.
 */
@NullMarked
package dev.claudemesh.api;

import org.jspecify.annotations.NullMarked;
