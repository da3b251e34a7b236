package dev.claudemesh.api;

import com.squareup.moshi.Json;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/version} (SPEC §3.3): {@code ipc_api} is always {@code "v1"} here;
 * {@code broker_features_negotiated} maps each negotiated broker feature to its parameters
 * (SPEC §7.2), empty before the first hello.
 */
public record Version(
    @Json(name = "daemon_version") String daemonVersion,
    @Json(name = "ipc_api") String ipcApi,
    @Json(name = "ipc_features") List<String> ipcFeatures,
    @Json(name = "schema_version") int schemaVersion,
    @Json(name = "broker_features_negotiated")
        Map<String, Object> brokerFeaturesNegotiated) {

  public Version {
    ipcFeatures = List.copyOf(ipcFeatures);
    brokerFeaturesNegotiated = Copies.map(brokerFeaturesNegotiated);
  }

  /** This API module's version and feature list, with the daemon's own values. */
  public static Version current(String daemonVersion, int schemaVersion,
      Map<String, Object> brokerFeaturesNegotiated) {
    return new Version(daemonVersion, Routes.API_VERSION, Routes.IPC_FEATURES, schemaVersion,
        brokerFeaturesNegotiated);
  }
}
