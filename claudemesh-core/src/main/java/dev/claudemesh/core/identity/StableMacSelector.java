package dev.claudemesh.core.identity;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Picks the {@code stable_mac} of SPEC §2.3: the first interface by name that survives the
 * exclusion rules, as lowercase colon-separated hex. Stateless.
 */
final class StableMacSelector {
  /** Why an interface cannot supply the stable MAC. */
  enum Exclusion {
    LOOPBACK,
    /** A tunnel, container/VM bridge or Apple peer-to-peer link, recognised by its name. */
    EXCLUDED_NAME,
    /** The platform reports the interface as software-only. */
    PLATFORM_VIRTUAL,
    NO_MAC,
    NOT_SIX_BYTES,
    ALL_ZERO,
    /** Bit 0x02 of the first byte: randomised Wi-Fi, VM and container MACs set it. */
    LOCALLY_ADMINISTERED
  }

  /** Name prefixes of SPEC §2.3, compared with the lowercased interface name. */
  static final List<String> EXCLUDED_NAME_PREFIXES =
      List.of(
          // tunnels
          "tailscale",
          "wg",
          "utun",
          "ppp",
          "tun",
          "tap",
          // container and VM bridges
          "docker",
          "br-",
          "veth",
          "vboxnet",
          "vmnet",
          "bridge",
          // Apple Wireless Direct Link, low-latency WLAN, internal links and access points
          "awdl",
          "llw",
          "anpi",
          "ap");

  private static final int LOCALLY_ADMINISTERED_BIT = 0x02;

  private StableMacSelector() {}

  /**
   * The MAC of the eligible interface whose name sorts first ({@link String#compareTo} order), or
   * empty when none is eligible.
   */
  static Optional<String> select(List<Nic> nics) {
    return nics.stream()
        .filter(nic -> exclusion(nic) == null)
        .min(Comparator.comparing(Nic::name))
        .flatMap(Nic::formattedMac);
  }

  /** The first rule that rules this interface out, or null when it is eligible. */
  static @Nullable Exclusion exclusion(Nic nic) {
    if (nic.loopback()) {
      return Exclusion.LOOPBACK;
    }
    String name = nic.name().toLowerCase(Locale.ROOT);
    for (String prefix : EXCLUDED_NAME_PREFIXES) {
      if (name.startsWith(prefix)) {
        return Exclusion.EXCLUDED_NAME;
      }
    }
    if (nic.kind() == Nic.Kind.VIRTUAL) {
      return Exclusion.PLATFORM_VIRTUAL;
    }
    byte[] mac = nic.mac();
    if (mac == null) {
      return Exclusion.NO_MAC;
    }
    if (mac.length != 6) {
      return Exclusion.NOT_SIX_BYTES;
    }
    if (isAllZero(mac)) {
      return Exclusion.ALL_ZERO;
    }
    if ((mac[0] & LOCALLY_ADMINISTERED_BIT) != 0) {
      return Exclusion.LOCALLY_ADMINISTERED;
    }
    return null;
  }

  private static boolean isAllZero(byte[] mac) {
    for (byte b : mac) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }
}
