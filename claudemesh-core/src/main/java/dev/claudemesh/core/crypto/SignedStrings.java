package dev.claudemesh.core.crypto;

import java.util.Objects;

/**
 * The exact strings claudemesh signs with a member key, and their signatures: the broker hello
 * (SPEC §7.1) and the join request (SPEC §8.6). Signatures are 128 lowercase hex characters.
 */
public final class SignedStrings {
  private SignedStrings() {}

  /** {@code meshId|memberId|pubkey|timestamp}, the string a hello signs. */
  public static String hello(String meshId, String memberId, String pubkeyHex, long timestampMs) {
    Objects.requireNonNull(meshId, "meshId == null");
    Objects.requireNonNull(memberId, "memberId == null");
    Objects.requireNonNull(pubkeyHex, "pubkeyHex == null");
    return meshId + "|" + memberId + "|" + pubkeyHex + "|" + timestampMs;
  }

  /** {@code join|invite|pubkey|timestamp}, the string a join request signs. */
  public static String join(String invite, String pubkeyHex, long timestampMs) {
    Objects.requireNonNull(invite, "invite == null");
    Objects.requireNonNull(pubkeyHex, "pubkeyHex == null");
    return "join|" + invite + "|" + pubkeyHex + "|" + timestampMs;
  }

  /** Signs a hello with {@code key}; the pubkey in the string is the key's own. */
  public static String signHello(Ed25519SigningKey key, String meshId, String memberId, long timestampMs) {
    return key.signHex(hello(meshId, memberId, key.publicKey().hex(), timestampMs));
  }

  /** Whether {@code signatureHex} is a valid hello signature by {@code pubkey}. */
  public static boolean verifyHello(
      Ed25519PublicKey pubkey, String meshId, String memberId, long timestampMs, String signatureHex) {
    return pubkey.verifyHex(hello(meshId, memberId, pubkey.hex(), timestampMs), signatureHex);
  }

  /** Signs a join request with {@code key}. */
  public static String signJoin(Ed25519SigningKey key, String invite, long timestampMs) {
    return key.signHex(join(invite, key.publicKey().hex(), timestampMs));
  }
}
