package dev.claudemesh.core.crypto;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class CryptoTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void signsRfc8032TestVectorOne() {
    Ed25519SigningKey key = Ed25519SigningKey.fromSeed(
        HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
    assertEquals("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", key.publicKey().hex());
    String signature = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
        + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";
    assertEquals(signature, HEX.formatHex(key.sign(new byte[0])));
    assertTrue(key.publicKey().verify(new byte[0], HEX.parseHex(signature)));
    assertFalse(key.publicKey().verify(new byte[] {1}, HEX.parseHex(signature)));
    assertFalse(key.publicKey().verifyHex("", "zz"));
  }

  @Test
  void secretHexRoundTripsAndRejectsInconsistentHalves() {
    Ed25519SigningKey key = Ed25519SigningKey.generate();
    assertEquals(key, Ed25519SigningKey.fromInsecureSecretHex(key.insecureSecretHex()));
    assertEquals(key.insecureSecretHex(), key.insecureSeedHex() + key.publicKey().hex());
    String other = Ed25519SigningKey.generate().publicKey().hex();
    assertEquals("ed25519 secret key is inconsistent: its public half does not match its seed",
        assertThrows(IllegalArgumentException.class,
            () -> Ed25519SigningKey.fromInsecureSecretHex(key.insecureSeedHex() + other)).getMessage());
    assertEquals("ed25519 secret key must be 128 hex characters, got 4",
        assertThrows(IllegalArgumentException.class, () -> Ed25519SigningKey.fromInsecureSecretHex("abcd")).getMessage());
  }

  @Test
  void convertedKeysFormAPair() {
    Ed25519SigningKey key = Ed25519SigningKey.generate();
    assertEquals(key.publicKey().toX25519(), key.toX25519().publicKey());
  }

  @Test
  void boxRoundTripsAndFailsClosed() throws Exception {
    Ed25519SigningKey alice = Ed25519SigningKey.generate();
    Ed25519SigningKey bob = Ed25519SigningKey.generate();
    byte[] message = "héllo 🌍\0".getBytes(UTF_8);
    SealedEnvelope envelope = Box.seal(message, bob.publicKey().toX25519(), alice.toX25519());
    SealedEnvelope wire = SealedEnvelope.fromBase64(envelope.nonceBase64(), envelope.ciphertextBase64());
    assertEquals(envelope, wire);
    assertArrayEquals(message, Box.open(wire, alice.publicKey().toX25519(), bob.toX25519()));
    Ed25519SigningKey eve = Ed25519SigningKey.generate();
    assertThrows(DecryptionFailedException.class, () -> Box.open(wire, alice.publicKey().toX25519(), eve.toX25519()));
    assertNotEquals(envelope.nonceBase64(),
        Box.seal(message, bob.publicKey().toX25519(), alice.toX25519()).nonceBase64());
    assertEquals("nonce must be 24 bytes, got 3",
        assertThrows(IllegalArgumentException.class, () -> SealedEnvelope.fromBase64("AAAA", "AAAAAAAAAAAAAAAAAAAAAA==")).getMessage());
  }

  @Test
  void precomputedBoxIsByteIdenticalToCryptoBoxEasy() throws Exception {
    Ed25519SigningKey alice = Ed25519SigningKey.generate();
    Ed25519SigningKey bob = Ed25519SigningKey.generate();
    Box.SharedKey aliceToBob = Box.precompute(bob.publicKey().toX25519(), alice.toX25519());
    for (int size : new int[] {0, 1, 255, 4096}) {
      byte[] message = new byte[size];
      java.util.Arrays.fill(message, (byte) size);
      byte[] nonce = SecureRandomBytes.next(SealedEnvelope.NONCE_LENGTH);
      SealedEnvelope direct = Box.seal(message, nonce, bob.publicKey().toX25519(), alice.toX25519());
      assertEquals(direct, aliceToBob.seal(message, nonce), "size " + size);
      SealedEnvelope random = aliceToBob.seal(message);
      assertArrayEquals(message, Box.open(random, alice.publicKey().toX25519(), bob.toX25519()));
      assertArrayEquals(message, Box.precompute(alice.publicKey().toX25519(), bob.toX25519()).open(random));
    }
    Box.SharedKey eve = Box.precompute(alice.publicKey().toX25519(), Ed25519SigningKey.generate().toX25519());
    assertThrows(DecryptionFailedException.class, () -> eve.open(aliceToBob.seal(new byte[3])));
    assertFalse(aliceToBob.toString().contains(alice.toX25519().insecureSecretHex()));
  }

  @Test
  void secretBoxAndSealedBoxRoundTrip() throws Exception {
    byte[] key = SecureRandomBytes.next(32);
    SealedEnvelope envelope = SecretBox.encrypt("x".repeat(2000).getBytes(UTF_8), key);
    assertEquals("x".repeat(2000), new String(SecretBox.decrypt(envelope, key), UTF_8));
    assertThrows(DecryptionFailedException.class, () -> SecretBox.decrypt(envelope, SecureRandomBytes.next(32)));

    Ed25519SigningKey bob = Ed25519SigningKey.generate();
    byte[] sealed = SealedBox.seal(new byte[0], bob.publicKey().toX25519());
    assertEquals(48, sealed.length);
    assertArrayEquals(new byte[0], SealedBox.open(sealed, bob.toX25519()));
    assertThrows(DecryptionFailedException.class, () -> SealedBox.open(sealed, Ed25519SigningKey.generate().toX25519()));
    assertThrows(DecryptionFailedException.class, () -> SealedBox.open(new byte[3], bob.toX25519()));
  }

  @Test
  void argon2idIsDeterministicPerSalt() {
    byte[] salt = new byte[16];
    byte[] a = Argon2id.deriveKey("pw".getBytes(UTF_8), salt, 32, Argon2id.Cost.INTERACTIVE);
    assertArrayEquals(a, Argon2id.deriveKey("pw".getBytes(UTF_8), salt, 32, Argon2id.Cost.INTERACTIVE));
    salt[0] = 1;
    assertFalse(java.util.Arrays.equals(a, Argon2id.deriveKey("pw".getBytes(UTF_8), salt, 32, Argon2id.Cost.INTERACTIVE)));
  }

  @Test
  void helloSignatureCoversTheSpecString() {
    Ed25519SigningKey key = Ed25519SigningKey.generate();
    String pub = key.publicKey().hex();
    assertEquals("mesh-1|member-2|" + pub + "|1767225600000", SignedStrings.hello("mesh-1", "member-2", pub, 1767225600000L));
    String signature = SignedStrings.signHello(key, "mesh-1", "member-2", 1767225600000L);
    assertEquals(128, signature.length());
    assertTrue(key.publicKey().verifyHex("mesh-1|member-2|" + pub + "|1767225600000", signature));
    assertTrue(SignedStrings.verifyHello(key.publicKey(), "mesh-1", "member-2", 1767225600000L, signature));
    assertFalse(SignedStrings.verifyHello(key.publicKey(), "mesh-1", "member-2", 1767225600001L, signature));
    assertEquals("join|inv|" + pub + "|5", SignedStrings.join("inv", pub, 5));
  }

  @Test
  void toStringNeverShowsSecrets() {
    Ed25519SigningKey key = Ed25519SigningKey.generate();
    X25519SecretKey box = key.toX25519();
    for (String text : new String[] {key.toString(), box.toString()}) {
      assertFalse(text.contains(key.insecureSeedHex()), text);
      assertFalse(text.contains(box.insecureSecretHex()), text);
    }
    assertTrue(key.toString().contains(key.publicKey().hex()));
    SealedEnvelope envelope = Box.seal("secret body".getBytes(UTF_8), key.publicKey().toX25519(), box);
    assertEquals("SealedEnvelope{nonce=24 bytes, ciphertext=27 bytes}", envelope.toString());
  }
}
