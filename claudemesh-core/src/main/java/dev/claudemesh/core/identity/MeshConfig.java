package dev.claudemesh.core.identity;

import dev.claudemesh.core.internal.SecureFiles;
import dev.claudemesh.core.internal.StateFiles;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** {@code mesh.json}: which mesh this daemon is a member of, and where its broker is. */
public final class MeshConfig {
  private static final Set<String> BROKER_SCHEMES = Set.of("ws", "wss", "http", "https");

  private final String meshId;
  private final String memberId;
  private final String slug;
  private final String brokerUrl;
  private final String displayName;

  /**
   * @throws IllegalArgumentException if a field is empty, the slug is unsafe, or the broker URL is
   *     not an absolute ws/wss/http/https URL
   */
  public MeshConfig(String meshId, String memberId, String slug, String brokerUrl, String displayName) {
    this.meshId = nonEmpty(meshId, "mesh_id");
    this.memberId = nonEmpty(memberId, "member_id");
    DaemonPaths.checkSlug(slug);
    this.slug = slug;
    this.brokerUrl = checkBrokerUrl(brokerUrl);
    this.displayName = nonEmpty(displayName, "display_name");
  }

  public String meshId() {
    return meshId;
  }

  public String memberId() {
    return memberId;
  }

  public String slug() {
    return slug;
  }

  public String brokerUrl() {
    return brokerUrl;
  }

  public String displayName() {
    return displayName;
  }

  /** Reads {@code mesh.json}; a missing or wrong field is a {@link StateFiles.MalformedStateException}. */
  public static MeshConfig read(Path file) throws IOException {
    Map<String, ?> json = StateFiles.readObject(file);
    try {
      return new MeshConfig(
          StateFiles.requireString(json, "mesh_id", file),
          StateFiles.requireString(json, "member_id", file),
          StateFiles.requireString(json, "slug", file),
          StateFiles.requireString(json, "broker_url", file),
          StateFiles.requireString(json, "display_name", file));
    } catch (IllegalArgumentException e) {
      throw new StateFiles.MalformedStateException(file, e.getMessage());
    }
  }

  /** Writes {@code mesh.json} atomically with mode 0600. */
  public void write(Path file) throws IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("mesh_id", meshId);
    json.put("member_id", memberId);
    json.put("slug", slug);
    json.put("broker_url", brokerUrl);
    json.put("display_name", displayName);
    StateFiles.writeObject(file, json, SecureFiles.FILE_0600);
  }

  private static String nonEmpty(String value, String field) {
    Objects.requireNonNull(value, field + " == null");
    if (value.isBlank()) {
      throw new IllegalArgumentException(field + " is empty");
    }
    return value;
  }

  private static String checkBrokerUrl(String url) {
    nonEmpty(url, "broker_url");
    try {
      URI uri = new URI(url);
      if (uri.getScheme() == null || !BROKER_SCHEMES.contains(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException("broker_url must be an absolute ws, wss, http or https URL: " + url);
      }
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("broker_url is not a URL: " + url, e);
    }
    return url;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof MeshConfig)) {
      return false;
    }
    MeshConfig other = (MeshConfig) o;
    return meshId.equals(other.meshId) && memberId.equals(other.memberId) && slug.equals(other.slug)
        && brokerUrl.equals(other.brokerUrl) && displayName.equals(other.displayName);
  }

  @Override
  public int hashCode() {
    return Objects.hash(meshId, memberId, slug, brokerUrl, displayName);
  }

  @Override
  public String toString() {
    return "MeshConfig{slug=" + slug + ", meshId=" + meshId + ", memberId=" + memberId
        + ", brokerUrl=" + brokerUrl + ", displayName=" + displayName + "}";
  }
}
