package dev.claudemesh.core.broker;

import dev.claudemesh.core.CapturedLogs;
import dev.claudemesh.core.crypto.Ed25519SigningKey;
import dev.claudemesh.core.protocol.SendFrame;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Shared setup: a member key, a builder with shrunk durations, frames with secret bodies. */
final class BrokerTests {
  static final String MESH = "mesh-1";
  static final String MEMBER = "member-1";
  static final String PEER_PUBKEY = "ab".repeat(32);
  private static final SecureRandom RANDOM = new SecureRandom();

  private BrokerTests() {}

  static Ed25519SigningKey key() {
    Ed25519SigningKey key = Ed25519SigningKey.generate();
    CapturedLogs.rememberSecret(key.insecureSecretHex());
    CapturedLogs.rememberSecret(key.insecureSeedHex());
    return key;
  }

  /** Durations shrunk so reconnects happen in tens of milliseconds; pings and silence are off. */
  static BrokerConnection.Builder builder(FakeBroker broker, BrokerListener listener) {
    return BrokerConnection.builder()
        .url(broker.url())
        .signingKey(key())
        .meshId(MESH)
        .memberId(MEMBER)
        .displayName("alice")
        .cwd("/work/project")
        .hostname("host-1")
        .listener(listener)
        .helloAckTimeout(Duration.ofMillis(500))
        .ackTimeout(Duration.ofSeconds(5))
        .pingInterval(Duration.ZERO)
        .silenceTimeout(Duration.ofMinutes(5))
        .backoffMin(Duration.ofMillis(20))
        .backoffMax(Duration.ofMillis(100));
  }

  /** Base64 of random bytes, remembered as a secret: it must never reach the log. */
  static String secretBody(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return CapturedLogs.rememberSecret(Base64.getEncoder().encodeToString(b));
  }

  static SendFrame dm(String id) {
    byte[] nonce = new byte[24];
    RANDOM.nextBytes(nonce);
    String secretMeta = CapturedLogs.rememberSecret("meta-secret-" + RANDOM.nextLong());
    return new SendFrame(id, PEER_PUBKEY, "next", Base64.getEncoder().encodeToString(nonce),
        secretBody(48), null, List.of(), Map.of("note", secretMeta), id, "cd".repeat(32), "1", "dm",
        PEER_PUBKEY);
  }

  /** A valid DM push as the broker would send it. */
  static String pushJson(String messageId) {
    byte[] nonce = new byte[24];
    RANDOM.nextBytes(nonce);
    return "{\"type\":\"push\",\"messageId\":\"" + messageId + "\",\"meshId\":\"" + MESH + "\","
        + "\"senderPubkey\":\"" + PEER_PUBKEY + "\",\"senderMemberPubkey\":\"" + PEER_PUBKEY + "\","
        + "\"senderMemberId\":\"member-2\",\"senderName\":\"bob\",\"priority\":\"next\","
        + "\"nonce\":\"" + Base64.getEncoder().encodeToString(nonce) + "\",\"ciphertext\":\"" + secretBody(40)
        + "\",\"createdAt\":1700000000000,\"client_message_id\":\"c-" + messageId + "\","
        + "\"delivery_id\":\"d-" + messageId + "\"}";
  }

  static String systemPush(String messageId, String event, String eventData) {
    return "{\"type\":\"push\",\"messageId\":\"" + messageId + "\",\"meshId\":\"" + MESH + "\","
        + "\"senderPubkey\":\"broker\",\"senderMemberPubkey\":\"broker\",\"senderMemberId\":\"broker\","
        + "\"senderName\":\"broker\",\"priority\":\"next\",\"createdAt\":1700000000000,"
        + "\"delivery_id\":\"d-" + messageId + "\",\"subtype\":\"system\",\"event\":\"" + event + "\","
        + "\"eventData\":" + eventData + "}";
  }

  /** Polls {@code condition} for up to 10 s. */
  static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 10 s: " + what);
      }
      Thread.sleep(5);
    }
  }
}
