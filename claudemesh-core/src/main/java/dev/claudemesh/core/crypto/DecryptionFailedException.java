package dev.claudemesh.core.crypto;

import java.security.GeneralSecurityException;

/**
 * A ciphertext did not authenticate under the given keys: wrong key, wrong nonce, or tampered or
 * truncated data. The message never contains key material or plaintext.
 */
public final class DecryptionFailedException extends GeneralSecurityException {
  private static final long serialVersionUID = 1L;

  public DecryptionFailedException(String message) {
    super(message);
  }
}
