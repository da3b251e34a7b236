package dev.claudemesh.core.crypto;

import com.goterl.lazysodium.SodiumJava;
import com.goterl.lazysodium.utils.LibraryLoader;
import java.util.Locale;

/**
 * The loaded libsodium. The copy bundled with lazysodium is tried first; if it cannot load on this
 * platform, a system libsodium; if neither loads, every use fails with one message naming what to
 * install.
 */
final class NativeSodium {
  private NativeSodium() {}

  private static final class Holder {
    static final SodiumJava SODIUM = load();
  }

  static SodiumJava get() {
    try {
      return Holder.SODIUM;
    } catch (ExceptionInInitializerError | NoClassDefFoundError e) {
      throw new IllegalStateException(unavailableMessage(), e);
    }
  }

  private static SodiumJava load() {
    Throwable bundledFailure;
    try {
      return initialized(new SodiumJava(LibraryLoader.Mode.BUNDLED_ONLY));
    } catch (RuntimeException | LinkageError e) {
      bundledFailure = e;
    }
    try {
      return initialized(new SodiumJava(LibraryLoader.Mode.SYSTEM_ONLY));
    } catch (RuntimeException | LinkageError e) {
      IllegalStateException failure = new IllegalStateException(unavailableMessage(), e);
      failure.addSuppressed(bundledFailure);
      throw failure;
    }
  }

  private static SodiumJava initialized(SodiumJava sodium) {
    if (sodium.sodium_init() < 0) {
      throw new IllegalStateException("sodium_init() failed");
    }
    return sodium;
  }

  static String unavailableMessage() {
    return "libsodium could not be loaded: the copy bundled for "
        + System.getProperty("os.name", "?").toLowerCase(Locale.ROOT)
        + "/"
        + System.getProperty("os.arch", "?")
        + " did not load and no system libsodium was found; install libsodium"
        + " (Debian/Ubuntu: apt-get install libsodium23; Fedora: dnf install libsodium;"
        + " macOS: brew install libsodium; Alpine: apk add libsodium)";
  }
}
