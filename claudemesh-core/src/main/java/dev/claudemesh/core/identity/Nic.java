package dev.claudemesh.core.identity;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One network interface as the host probes see it: name, hardware address, loopback flag and
 * whether the platform says it is backed by hardware. Immutable; MACs are not secrets, so {@link
 * #toString()} prints them.
 */
final class Nic {
  private static final HexFormat MAC_FORMAT = HexFormat.ofDelimiter(":");

  /** What the platform says about the hardware behind an interface. */
  enum Kind {
    /** Backed by a device (Linux: {@code /sys/class/net/<name>/device} exists). */
    PHYSICAL,
    /** Known to be software-only: a bridge, tunnel, container link or VM adapter. */
    VIRTUAL,
    /** The platform does not say; the name and MAC rules decide alone. */
    UNKNOWN
  }

  private final String name;
  private final byte @Nullable [] mac;
  private final boolean loopback;
  private final Kind kind;

  /**
   * @param name the OS interface name ({@code eth0}, {@code en0}, {@code wlan1})
   * @param mac the hardware address as reported, or null when the interface has none
   */
  Nic(String name, byte @Nullable [] mac, boolean loopback, Kind kind) {
    this.name = Objects.requireNonNull(name, "name == null");
    this.mac = mac == null ? null : mac.clone();
    this.loopback = loopback;
    this.kind = Objects.requireNonNull(kind, "kind == null");
  }

  String name() {
    return name;
  }

  /** A copy of the hardware address, or null when the interface has none. */
  byte @Nullable [] mac() {
    return mac == null ? null : mac.clone();
  }

  boolean loopback() {
    return loopback;
  }

  Kind kind() {
    return kind;
  }

  /** The hardware address as lowercase colon-separated hex, whatever its length. */
  Optional<String> formattedMac() {
    return mac == null ? Optional.empty() : Optional.of(MAC_FORMAT.formatHex(mac));
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof Nic)) {
      return false;
    }
    Nic other = (Nic) o;
    return name.equals(other.name)
        && Arrays.equals(mac, other.mac)
        && loopback == other.loopback
        && kind == other.kind;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, Arrays.hashCode(mac), loopback, kind);
  }

  @Override
  public String toString() {
    return "Nic{name="
        + name
        + ", mac="
        + formattedMac().orElse("none")
        + ", loopback="
        + loopback
        + ", kind="
        + kind
        + "}";
  }
}
