package dev.claudemesh.core.identity;

import dev.claudemesh.core.crypto.Ed25519SigningKey;
import dev.claudemesh.core.internal.StateFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads identities joined with the original claudemesh CLI from its {@code ~/.claudemesh/config.json}
 * ({@code claudemesh join --from-config}): {@code {meshes:[{meshId, memberId, slug, brokerUrl,
 * pubkey, secretKey, displayName?|name?}], displayName?}}.
 */
public final class OriginalCliConfig {
  /** One mesh found in the file: its {@code mesh.json} content and its signing key. */
  public static final class ImportedMesh {
    private final MeshConfig mesh;
    private final Ed25519SigningKey key;

    ImportedMesh(MeshConfig mesh, Ed25519SigningKey key) {
      this.mesh = mesh;
      this.key = key;
    }

    public MeshConfig mesh() {
      return mesh;
    }

    public Ed25519SigningKey key() {
      return key;
    }

    @Override
    public String toString() {
      return "ImportedMesh{" + mesh + ", pubkey=" + key.publicKey().hex() + "}";
    }
  }

  private OriginalCliConfig() {}

  /**
   * Reads every mesh of the file.
   *
   * @throws StateFiles.MalformedStateException naming the mesh and field that is missing or
   *     inconsistent (a secret key whose public half is not {@code pubkey})
   */
  public static List<ImportedMesh> read(Path configJson) throws IOException {
    Map<String, ?> root = StateFiles.readObject(configJson);
    Object meshes = root.get("meshes");
    if (!(meshes instanceof List)) {
      throw new StateFiles.MalformedStateException(configJson, "\"meshes\" must be an array");
    }
    String rootName = StateFiles.optionalString(root, "displayName", configJson);
    List<ImportedMesh> result = new ArrayList<>();
    int index = 0;
    for (Object item : (List<?>) meshes) {
      if (!(item instanceof Map)) {
        throw new StateFiles.MalformedStateException(configJson, "meshes[" + index + "] must be an object");
      }
      @SuppressWarnings("unchecked")
      Map<String, ?> entry = (Map<String, ?>) item;
      result.add(readMesh(configJson, index++, entry, rootName));
    }
    return result;
  }

  /** The mesh with {@code slug}, for {@code --from-config <slug>}. */
  public static ImportedMesh find(Path configJson, String slug) throws IOException {
    List<String> slugs = new ArrayList<>();
    for (ImportedMesh mesh : read(configJson)) {
      if (mesh.mesh().slug().equals(slug)) {
        return mesh;
      }
      slugs.add(mesh.mesh().slug());
    }
    throw new IllegalArgumentException("no mesh \"" + slug + "\" in " + configJson.getFileName() + "; it has " + slugs);
  }

  private static ImportedMesh readMesh(Path file, int index, Map<String, ?> entry, String rootName) throws IOException {
    String slug = StateFiles.requireString(entry, "slug", file);
    String where = "meshes[" + index + "] (" + slug + ")";
    try {
      String pubkey = StateFiles.requireString(entry, "pubkey", file);
      Ed25519SigningKey key = Ed25519SigningKey.fromInsecureSecretHex(StateFiles.requireString(entry, "secretKey", file));
      if (!key.publicKey().hex().equalsIgnoreCase(pubkey)) {
        throw new StateFiles.MalformedStateException(file, where + ": secretKey does not belong to pubkey");
      }
      String displayName = StateFiles.optionalString(entry, "displayName", file);
      if (displayName == null) {
        displayName = StateFiles.optionalString(entry, "name", file);
      }
      if (displayName == null) {
        displayName = rootName != null ? rootName : slug;
      }
      MeshConfig mesh = new MeshConfig(
          StateFiles.requireString(entry, "meshId", file),
          StateFiles.requireString(entry, "memberId", file),
          slug,
          StateFiles.requireString(entry, "brokerUrl", file),
          displayName);
      return new ImportedMesh(mesh, key);
    } catch (IllegalArgumentException e) {
      throw new StateFiles.MalformedStateException(file, where + ": " + e.getMessage());
    }
  }
}
