package dev.claudemesh.api;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST /v1/profile} (SPEC §3.3): every member is optional and only the present ones change;
 * the answer is the resulting profile, same shape.
 */
public record Profile(
    @Nullable String summary,
    @Nullable String status,
    @Nullable Boolean visible,
    @Nullable String avatar,
    @Nullable String title,
    @Nullable String bio,
    @Nullable List<String> capabilities) implements ApiRequest {
  public Profile {
    capabilities = Copies.list(capabilities);
  }
}
