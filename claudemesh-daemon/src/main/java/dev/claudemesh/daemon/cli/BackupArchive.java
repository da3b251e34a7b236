package dev.claudemesh.daemon.cli;

import dev.claudemesh.core.crypto.Argon2id;
import dev.claudemesh.core.crypto.DecryptionFailedException;
import dev.claudemesh.core.crypto.SealedEnvelope;
import dev.claudemesh.core.crypto.SecretBox;
import dev.claudemesh.core.crypto.SecureRandomBytes;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * The encrypted backup format of {@code claudemesh daemon backup} (version 1).
 *
 * <pre>
 * header (plaintext, 62 bytes):
 *   magic "CMBACKUP" | version u8 = 1 | kdf u8 = 1 (Argon2id v1.3)
 *   | opslimit u32 | memlimit u64 (bytes) | salt 16 | nonce prefix 16 | reserved u16 = 0
 * chunks, until one marked final:
 *   length u32 | XSalsa20-Poly1305 secretbox of (final u8 | data), nonce = prefix | index u64 BE
 * plaintext stream:
 *   sha256(header) 32 | entries
 * </pre>
 *
 * The key is Argon2id(passphrase, salt). The nonce counter stops reordering, the final flag stops
 * truncation, and the header hash inside the sealed stream makes any header change fail. A wrong
 * passphrase and a changed byte are the same failure: the first chunk does not authenticate.
 */
final class BackupArchive {
  static final byte[] MAGIC = "CMBACKUP".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;
  static final int KDF_ARGON2ID13 = 1;
  static final int HEADER_LENGTH = 8 + 1 + 1 + 4 + 8 + 16 + 16 + 2;
  static final int CHUNK = 1 << 20;
  private static final int NONCE_PREFIX = 16;

  /** Argon2id presets by their stored parameters (libsodium's moderate is what backups use). */
  enum Kdf {
    MODERATE(3, 256L << 20, Argon2id.Cost.MODERATE),
    INTERACTIVE(2, 64L << 20, Argon2id.Cost.INTERACTIVE);

    final int opsLimit;
    final long memLimit;
    final Argon2id.Cost cost;

    Kdf(int opsLimit, long memLimit, Argon2id.Cost cost) {
      this.opsLimit = opsLimit;
      this.memLimit = memLimit;
      this.cost = cost;
    }

    static Kdf of(long opsLimit, long memLimit) throws CorruptBackupException {
      for (Kdf kdf : values()) {
        if (kdf.opsLimit == opsLimit && kdf.memLimit == memLimit) {
          return kdf;
        }
      }
      throw new CorruptBackupException("unsupported Argon2id parameters ops=" + opsLimit
          + " mem=" + memLimit);
    }
  }

  /** The file is not a backup this code can open, or did not authenticate. */
  static final class CorruptBackupException extends IOException {
    private static final long serialVersionUID = 1L;

    CorruptBackupException(String detail) {
      super(detail);
    }
  }

  private BackupArchive() {}

  /** Starts a sealed stream on {@code out}: writes the header, returns where plaintext goes. */
  static OutputStream seal(OutputStream out, byte[] passphrase, Kdf kdf) throws IOException {
    byte[] salt = SecureRandomBytes.next(Argon2id.SALT_LENGTH);
    byte[] prefix = SecureRandomBytes.next(NONCE_PREFIX);
    ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH);
    header.put(MAGIC).put((byte) VERSION).put((byte) KDF_ARGON2ID13).putInt(kdf.opsLimit)
        .putLong(kdf.memLimit).put(salt).put(prefix).putShort((short) 0);
    byte[] headerBytes = header.array();
    out.write(headerBytes);
    byte[] key = Argon2id.deriveKey(passphrase, salt, SecretBox.KEY_LENGTH, kdf.cost);
    SealingStream sealing = new SealingStream(out, key, prefix);
    sealing.write(sha256(headerBytes));
    return sealing;
  }

  /**
   * Opens a sealed stream: reads and checks the header, derives the key, returns the plaintext.
   * Reading it throws {@link CorruptBackupException} at the first chunk that does not authenticate.
   */
  static InputStream open(InputStream in, byte[] passphrase) throws IOException {
    byte[] headerBytes = new byte[HEADER_LENGTH];
    try {
      new DataInputStream(in).readFully(headerBytes);
    } catch (EOFException e) {
      throw new CorruptBackupException("shorter than a backup header");
    }
    ByteBuffer header = ByteBuffer.wrap(headerBytes);
    byte[] magic = new byte[MAGIC.length];
    header.get(magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new CorruptBackupException("not a claudemesh backup (bad magic)");
    }
    int version = header.get() & 0xff;
    if (version != VERSION) {
      throw new CorruptBackupException("backup format version " + version
          + " is not supported (this claudemesh reads version " + VERSION + ")");
    }
    int kdfId = header.get() & 0xff;
    if (kdfId != KDF_ARGON2ID13) {
      throw new CorruptBackupException("unknown key derivation " + kdfId);
    }
    Kdf kdf = Kdf.of(header.getInt() & 0xffffffffL, header.getLong());
    byte[] salt = new byte[Argon2id.SALT_LENGTH];
    header.get(salt);
    byte[] prefix = new byte[NONCE_PREFIX];
    header.get(prefix);
    byte[] key = Argon2id.deriveKey(passphrase, salt, SecretBox.KEY_LENGTH, kdf.cost);
    OpeningStream opening = new OpeningStream(in, key, prefix);
    byte[] bound = opening.readNBytes(32);
    if (!MessageDigest.isEqual(bound, sha256(headerBytes))) {
      throw new CorruptBackupException("header does not match its sealed hash");
    }
    return opening;
  }

  private static byte[] nonce(byte[] prefix, long index) {
    return ByteBuffer.allocate(SealedEnvelope.NONCE_LENGTH).put(prefix).putLong(index).array();
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
  }

  /** Buffers plaintext into chunks and seals each; {@link #close} seals the final chunk. */
  private static final class SealingStream extends OutputStream {
    private final DataOutputStream out;
    private final byte[] key;
    private final byte[] prefix;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(CHUNK);
    private long index;
    private boolean closed;

    SealingStream(OutputStream out, byte[] key, byte[] prefix) {
      this.out = new DataOutputStream(out);
      this.key = key;
      this.prefix = prefix;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        int n = Math.min(len, CHUNK - buffer.size());
        buffer.write(b, off, n);
        off += n;
        len -= n;
        if (buffer.size() == CHUNK) {
          emit(false);
        }
      }
    }

    private void emit(boolean last) throws IOException {
      byte[] data = buffer.toByteArray();
      buffer.reset();
      byte[] plain = new byte[data.length + 1];
      plain[0] = (byte) (last ? 1 : 0);
      System.arraycopy(data, 0, plain, 1, data.length);
      SealedEnvelope sealed = SecretBox.encrypt(plain, nonce(prefix, index++), key);
      byte[] ciphertext = Base64.getDecoder().decode(sealed.ciphertextBase64());
      out.writeInt(ciphertext.length);
      out.write(ciphertext);
    }

    @Override
    public void close() throws IOException {
      if (!closed) {
        closed = true;
        emit(true);
        out.flush();
        Arrays.fill(key, (byte) 0);
      }
    }
  }

  /** Reads and authenticates chunk by chunk; trailing bytes after the final chunk are refused. */
  private static final class OpeningStream extends InputStream {
    private final DataInputStream in;
    private final byte[] key;
    private final byte[] prefix;
    private byte[] current = new byte[0];
    private int offset;
    private long index;
    private boolean finished;

    OpeningStream(InputStream in, byte[] key, byte[] prefix) {
      this.in = new DataInputStream(in);
      this.key = key;
      this.prefix = prefix;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      while (offset == current.length) {
        if (finished) {
          return -1;
        }
        next();
      }
      int n = Math.min(len, current.length - offset);
      System.arraycopy(current, offset, b, off, n);
      offset += n;
      return n;
    }

    private void next() throws IOException {
      int length;
      byte[] ciphertext;
      try {
        length = in.readInt();
        if (length < SealedEnvelope.MAC_LENGTH + 1 || length > CHUNK + 1 + SealedEnvelope.MAC_LENGTH) {
          throw new CorruptBackupException("chunk " + index + " has an impossible length " + length);
        }
        ciphertext = in.readNBytes(length);
        if (ciphertext.length != length) {
          throw new CorruptBackupException("truncated in chunk " + index);
        }
      } catch (EOFException e) {
        throw new CorruptBackupException("truncated before its final chunk");
      }
      byte[] plain;
      try {
        Base64.Encoder b64 = Base64.getEncoder();
        plain = SecretBox.decrypt(SealedEnvelope.fromBase64(
            b64.encodeToString(nonce(prefix, index)), b64.encodeToString(ciphertext)), key);
      } catch (DecryptionFailedException e) {
        throw new CorruptBackupException("chunk " + index + " did not authenticate");
      }
      index++;
      if (plain[0] == 1) {
        finished = true;
        if (in.read() != -1) {
          throw new CorruptBackupException("bytes after the final chunk");
        }
      } else if (plain[0] != 0) {
        throw new CorruptBackupException("chunk " + (index - 1) + " has a bad flag");
      }
      current = Arrays.copyOfRange(plain, 1, plain.length);
      offset = 0;
    }

    @Override
    public void close() throws IOException {
      Arrays.fill(key, (byte) 0);
      in.close();
    }

    @Override
    public String toString() {
      return "OpeningStream{chunk=" + index + "}";
    }
  }
}
