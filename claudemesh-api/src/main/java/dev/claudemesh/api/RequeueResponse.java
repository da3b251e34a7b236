package dev.claudemesh.api;

import com.squareup.moshi.Json;

/**
 * The answer to a requeue (SPEC §4.7): the old row, now {@code aborted} and superseded, and the new
 * {@code pending} row with its id.
 */
public record RequeueResponse(
    @Json(name = "aborted_id") String abortedId,
    @Json(name = "id") String id,
    @Json(name = "client_message_id") String clientMessageId,
    String status) {}
