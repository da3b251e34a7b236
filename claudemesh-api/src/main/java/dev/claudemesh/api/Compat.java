package dev.claudemesh.api;

import com.squareup.moshi.Json;
import java.util.List;

/**
 * {@code GET /v1/compat} (SPEC §3.3): what this daemon can talk to. {@code ipc_apis} are the IPC
 * versions it serves, {@code schema_versions} the store versions it opens, {@code
 * broker_features} the broker features it can negotiate and {@code broker_features_required} the
 * ones a broker must offer.
 */
public record Compat(
    @Json(name = "daemon_version") String daemonVersion,
    @Json(name = "ipc_apis") List<String> ipcApis,
    @Json(name = "schema_versions") List<Integer> schemaVersions,
    @Json(name = "broker_features") List<String> brokerFeatures,
    @Json(name = "broker_features_required") List<String> brokerFeaturesRequired) {

  public Compat {
    ipcApis = List.copyOf(ipcApis);
    schemaVersions = List.copyOf(schemaVersions);
    brokerFeatures = List.copyOf(brokerFeatures);
    brokerFeaturesRequired = List.copyOf(brokerFeaturesRequired);
  }
}
