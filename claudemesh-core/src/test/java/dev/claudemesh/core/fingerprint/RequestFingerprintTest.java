package dev.claudemesh.core.fingerprint;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.jcs.JcsException;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestFingerprintTest {
  private static final String PUBKEY = "a".repeat(64);

  private static FingerprintRequest.Builder dm() {
    return FingerprintRequest.builder()
        .destinationKind(DestinationKind.DM)
        .destinationRef(PUBKEY)
        .body("hello");
  }

  @Test
  void matchesTheSpecFormulaSpelledOutByHand() throws Exception {
    FingerprintRequest request =
        dm().priority(Priority.NOW).replyToId("msg-1").meta(Map.of("b", 1, "a", "x")).build();
    ByteArrayOutputStream preimage = new ByteArrayOutputStream();
    for (String part : List.of("1", "dm", PUBKEY, "msg-1", "now", "{\"a\":\"x\",\"b\":1}")) {
      preimage.write(part.getBytes(UTF_8));
      preimage.write(0);
    }
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    preimage.write(HexFormat.of().formatHex(sha.digest("hello".getBytes(UTF_8))).getBytes(UTF_8));
    String expected = HexFormat.of().formatHex(sha.digest(preimage.toByteArray()));

    RequestFingerprint fingerprint = RequestFingerprint.of(request);
    assertEquals(expected, fingerprint.hex());
    assertEquals(expected.substring(0, 16), fingerprint.prefixHex());
    assertEquals(32, fingerprint.bytes().length);
  }

  @Test
  void absentNullAndEmptyMetaFingerprintAlike() {
    RequestFingerprint absent = RequestFingerprint.of(dm().build());
    assertEquals(absent, RequestFingerprint.of(dm().meta(null).build()));
    assertEquals(absent, RequestFingerprint.of(dm().meta(Map.of()).build()));
    assertNotEquals(absent, RequestFingerprint.of(dm().meta(Map.of("k", "v")).build()));
  }

  @Test
  void metaKeyOrderDoesNotMatterButValuesDo() {
    Map<String, Object> ab = new LinkedHashMap<>();
    ab.put("a", 1);
    ab.put("b", List.of(1.0, "x"));
    Map<String, Object> ba = new LinkedHashMap<>();
    ba.put("b", List.of(1, "x"));
    ba.put("a", 1.0);
    assertEquals(RequestFingerprint.of(dm().meta(ab).build()), RequestFingerprint.of(dm().meta(ba).build()));
    assertNotEquals(
        RequestFingerprint.of(dm().meta(ab).build()),
        RequestFingerprint.of(dm().meta(Map.of("a", 2)).build()));
  }

  @Test
  void nullAndEmptyReplyToFingerprintAlike() {
    assertEquals(
        RequestFingerprint.of(dm().replyToId(null).build()),
        RequestFingerprint.of(dm().replyToId("").build()));
  }

  @Test
  void everyFieldChangesTheFingerprint() {
    RequestFingerprint base = RequestFingerprint.of(dm().build());
    assertNotEquals(base, RequestFingerprint.of(dm().body("hello!").build()));
    assertNotEquals(base, RequestFingerprint.of(dm().priority(Priority.LOW).build()));
    assertNotEquals(base, RequestFingerprint.of(dm().replyToId("r").build()));
    assertNotEquals(base, RequestFingerprint.of(dm().destinationRef("b".repeat(64)).build()));
    assertNotEquals(
        base, RequestFingerprint.of(dm().destinationKind(DestinationKind.QUEUE).build()));
  }

  @Test
  void roundTripsThroughHexAndBytes() {
    RequestFingerprint fingerprint = RequestFingerprint.of(dm().build());
    assertEquals(fingerprint, RequestFingerprint.fromHex(fingerprint.hex().toUpperCase(java.util.Locale.ROOT)));
    assertEquals(fingerprint, RequestFingerprint.fromBytes(fingerprint.bytes()));
    assertTrue(fingerprint.matches(RequestFingerprint.fromHex(fingerprint.hex())));
    assertEquals("a request fingerprint is 64 hex characters, got 3",
        assertThrows(IllegalArgumentException.class, () -> RequestFingerprint.fromHex("abc")).getMessage());
    assertEquals("a request fingerprint has 32 bytes, got 1",
        assertThrows(IllegalArgumentException.class, () -> RequestFingerprint.fromBytes(new byte[1])).getMessage());
  }

  @Test
  void rejectsWhatCannotBeFingerprinted() {
    assertEquals("unsupported envelope_version \"2\" (only \"1\" is defined)",
        assertThrows(IllegalArgumentException.class, () -> dm().envelopeVersion("2")).getMessage());
    assertEquals("destination_ref contains a NUL character",
        assertThrows(IllegalArgumentException.class, () -> dm().destinationRef("a\0b")).getMessage());
    assertEquals("destination_ref is empty",
        assertThrows(IllegalArgumentException.class, () -> dm().destinationRef("")).getMessage());
    assertEquals("unknown priority \"urgent\" (expected now, next or low)",
        assertThrows(IllegalArgumentException.class, () -> Priority.fromWire("urgent")).getMessage());
    assertEquals("unknown destination_kind \"group\" (expected topic, dm or queue)",
        assertThrows(IllegalArgumentException.class, () -> DestinationKind.fromWire("group")).getMessage());
    assertEquals("body is not valid Unicode (lone surrogate)",
        assertThrows(IllegalArgumentException.class,
            () -> RequestFingerprint.of(dm().body("x\uD800").build())).getMessage());
    assertThrows(JcsException.class,
        () -> RequestFingerprint.of(dm().meta(Map.of("n", Double.POSITIVE_INFINITY)).build()));
    assertEquals("destinationKind is required",
        assertThrows(IllegalStateException.class,
            () -> FingerprintRequest.builder().destinationRef("t").body("b").build()).getMessage());
  }

  @Test
  void toStringNeverShowsBodyOrMeta() {
    FingerprintRequest request = dm().body("secret body").meta(Map.of("token", "hunter2")).build();
    String text = request.toString();
    assertFalse(text.contains("secret"), text);
    assertFalse(text.contains("hunter2"), text);
    assertTrue(text.contains("body=11 chars"), text);
  }
}
