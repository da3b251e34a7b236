/**
 * libsodium primitives in the exact wire forms claudemesh uses (SPEC §2.1, §7.1, §7.3): ed25519
 * signing, ed25519 → X25519 conversion, {@code crypto_box_easy}, {@code crypto_secretbox}, sealed
 * boxes and Argon2id.
 *
 * <p>Keys and signatures travel as lowercase hex, nonces and ciphertexts as standard base64 with
 * padding. Secret-key types never show key material in {@code toString()}; the only way to read it
 * is a method whose name says {@code insecure}.
 */
@NullMarked
package dev.claudemesh.core.crypto;

import org.jspecify.annotations.NullMarked;
