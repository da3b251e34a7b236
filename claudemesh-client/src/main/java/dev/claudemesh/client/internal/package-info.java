/**
 * Plumbing of the client: the Unix socket adapter for OkHttp, the Server-Sent Events reader and
 * id minting. Public only so the client package can use it; not a supported API.
 */
@NullMarked
package dev.claudemesh.client.internal;

import org.jspecify.annotations.NullMarked;
