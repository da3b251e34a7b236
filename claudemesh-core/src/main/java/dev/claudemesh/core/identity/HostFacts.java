package dev.claudemesh.core.identity;

import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link HostProbe} found on this machine: the OS host id and the stable MAC address, each
 * absent when no source worked. Both are inputs to the host fingerprint (SPEC §2.3).
 */
final class HostFacts {
  private final Optional<String> hostId;
  private final Optional<String> stableMac;

  /**
   * @param hostId trimmed OS host id (machine-id, IOPlatformUUID, MachineGuid, kern.hostuuid)
   * @param stableMac lowercase colon-separated MAC ("aa:bb:cc:dd:ee:ff") of the selected NIC
   */
  HostFacts(Optional<String> hostId, Optional<String> stableMac) {
    this.hostId = Objects.requireNonNull(hostId, "hostId == null");
    this.stableMac = Objects.requireNonNull(stableMac, "stableMac == null");
  }

  Optional<String> hostId() {
    return hostId;
  }

  Optional<String> stableMac() {
    return stableMac;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HostFacts
        && hostId.equals(((HostFacts) o).hostId)
        && stableMac.equals(((HostFacts) o).stableMac);
  }

  @Override
  public int hashCode() {
    return Objects.hash(hostId, stableMac);
  }

  @Override
  public String toString() {
    return "HostFacts{hostId=" + hostId.orElse("none") + ", stableMac=" + stableMac.orElse("none") + "}";
  }
}
