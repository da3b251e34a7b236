package dev.claudemesh.daemon.cli;

import dev.claudemesh.api.ApiJson;
import dev.claudemesh.core.identity.DaemonPaths;
import dev.claudemesh.core.internal.SecureFiles;
import dev.claudemesh.daemon.cli.BackupArchive.CorruptBackupException;
import dev.claudemesh.daemon.cli.Main.CommandFailedException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code claudemesh daemon backup --out FILE} and {@code restore --in FILE}: an encrypted archive
 * (see {@link BackupArchive}) of the state of one daemon directory. The databases are taken with
 * {@code VACUUM INTO}, a consistent snapshot even while a daemon writes. Never in a backup: {@code
 * local_token} (a new one is created at the next start), {@code daemon.pid}, {@code daemon.sock},
 * {@code http.port}, logs.
 */
final class BackupCommands {
  /** Where the passphrase comes from when no file is given. */
  static final String ENV_PASSPHRASE = "CLAUDEMESH_BACKUP_PASSPHRASE";
  /** The top-level state files a backup holds, besides the databases and {@code hooks/}. */
  static final List<String> STATE_FILES = List.of("mesh.json", "keypair.json",
      "keypair-archive.json", "host_fingerprint.json", "config.toml", "schema_version");
  static final List<String> DATABASES = List.of("outbox.db", "inbox.db");
  static final String HOOKS = "hooks";
  /** Files that SPEC §1 gives mode 0644; everything else restored is 0600 (directories 0700). */
  static final Set<String> WORLD_READABLE = Set.of("config.toml", "schema_version");

  private static final int ENTRY_END = 0;
  private static final int ENTRY_FILE = 1;
  private static final int ENTRY_META = 2;

  private BackupCommands() {}

  /** The passphrase options: a file, the environment, or a prompt; never a plain argument. */
  static final class PassphraseOptions {
    @Option(names = "--passphrase-file", paramLabel = "FILE",
        description = "read the passphrase from FILE (one line)")
    @Nullable Path file;

    @Option(names = "--passphrase", interactive = true, arity = "0",
        description = "prompt for the passphrase")
    char @Nullable [] prompted;

    byte[] resolve(CliContext context) {
      String text;
      if (file != null) {
        try {
          text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new CommandFailedException("cannot read --passphrase-file " + file + ": "
              + e.getMessage(), Main.USAGE);
        }
        text = text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
            : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
      } else if (prompted != null) {
        text = new String(prompted);
        Arrays.fill(prompted, '\0');
      } else if (context.env().get(ENV_PASSPHRASE) != null) {
        text = context.env().get(ENV_PASSPHRASE);
      } else {
        throw new CommandFailedException("a passphrase is needed: --passphrase-file FILE, the"
            + " environment variable " + ENV_PASSPHRASE + ", or --passphrase to be prompted",
            Main.USAGE);
      }
      if (text.isEmpty()) {
        throw new CommandFailedException("the passphrase is empty", Main.USAGE);
      }
      return text.getBytes(StandardCharsets.UTF_8);
    }
  }

  @Command(name = "backup", mixinStandardHelpOptions = true,
      description = "Write an encrypted backup of the daemon directory (without local_token).")
  static final class Backup implements Callable<Integer> {
    private final CliContext context;

    @Mixin DaemonCommands.MeshOption mesh = new DaemonCommands.MeshOption();

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "the backup file")
    Path out;

    @Mixin PassphraseOptions passphrase = new PassphraseOptions();

    Backup(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      DaemonPaths paths = MeshLocator.locate(context.env(), mesh.mesh);
      byte[] secret = passphrase.resolve(context);
      Path target = out.toAbsolutePath();
      if (Files.isDirectory(target)) {
        throw new CommandFailedException("--out " + out + " is a directory", Main.USAGE);
      }
      Path snapshots = SecureFiles.createPrivateDirectories(
          paths.dir().resolve(".backup-" + UUID.randomUUID()));
      List<String> names = new ArrayList<>();
      try {
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp-"
            + HexFormat.of().formatHex(dev.claudemesh.core.crypto.SecureRandomBytes.next(6)));
        try {
          try (FileChannel channel = FileChannel.open(temp,
              Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
              SecureFiles.modeAttribute(SecureFiles.FILE_0600))) {
            OutputStream file = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
            try (DataOutputStream sealed = new DataOutputStream(
                BackupArchive.seal(file, secret, BackupArchive.Kdf.MODERATE))) {
              writeMeta(sealed, paths);
              for (String name : STATE_FILES) {
                Path file1 = paths.dir().resolve(name);
                if (Files.isRegularFile(file1, LinkOption.NOFOLLOW_LINKS)) {
                  writeFile(sealed, name, file1);
                  names.add(name);
                }
              }
              for (String name : DATABASES) {
                Path db = paths.dir().resolve(name);
                if (Files.isRegularFile(db, LinkOption.NOFOLLOW_LINKS)) {
                  Path snapshot = snapshots.resolve(name);
                  snapshot(db, snapshot);
                  writeFile(sealed, name, snapshot);
                  names.add(name);
                }
              }
              for (Path hook : hooks(paths.dir().resolve(HOOKS))) {
                String name = HOOKS + "/" + paths.dir().resolve(HOOKS).relativize(hook);
                writeFile(sealed, name, hook);
                names.add(name);
              }
              sealed.writeByte(ENTRY_END);
            }
            channel.force(true);
          }
          Files.setPosixFilePermissions(temp, SecureFiles.FILE_0600);
          try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
          } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
          }
          SecureFiles.fsyncDirectory(target.getParent());
        } finally {
          Files.deleteIfExists(temp);
        }
      } finally {
        Arrays.fill(secret, (byte) 0);
        MeshCommands.deleteTree(snapshots);
      }
      context.out().println("backup of " + paths.dir() + " written to " + target + " ("
          + String.join(", ", names) + "); local_token, the pid file, socket, port file and"
          + " logs are not included");
      return Main.OK;
    }
  }

  private static void writeMeta(DataOutputStream out, DaemonPaths paths) throws IOException {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("format", BackupArchive.VERSION);
    meta.put("dir", paths.dir().getFileName().toString());
    meta.put("created_at", Instant.now().toString());
    byte[] json = ApiJson.toJson(meta).getBytes(StandardCharsets.UTF_8);
    out.writeByte(ENTRY_META);
    out.writeInt(json.length);
    out.write(json);
  }

  private static void writeFile(DataOutputStream out, String name, Path file) throws IOException {
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    int mode = SecureFiles.supportsPosix(file)
        ? bits(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS)) : 0600;
    // the size of the file as opened: a state file replaced meanwhile (atomic rename) is read whole
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ,
        LinkOption.NOFOLLOW_LINKS)) {
      long size = channel.size();
      out.writeByte(ENTRY_FILE);
      out.writeShort(nameBytes.length);
      out.write(nameBytes);
      out.writeShort(mode);
      out.writeLong(size);
      try {
        copyExactly(Channels.newInputStream(channel), out, size);
      } catch (CorruptBackupException e) {
        throw new IOException(file + " shrank while it was backed up", e);
      }
    }
  }

  /** A consistent copy of a live SQLite database: {@code VACUUM INTO} in one read transaction. */
  private static void snapshot(Path db, Path into) throws IOException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout = 10000");
      s.execute("VACUUM INTO '" + into.toString().replace("'", "''") + "'");
    } catch (SQLException e) {
      throw new CommandFailedException("cannot snapshot " + db + ": " + e.getMessage());
    }
  }

  private static List<Path> hooks(Path dir) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
    }
  }

  @Command(name = "restore", mixinStandardHelpOptions = true,
      description = "Restore a daemon directory from an encrypted backup.")
  static final class Restore implements Callable<Integer> {
    private final CliContext context;

    @Mixin DaemonCommands.MeshOption mesh = new DaemonCommands.MeshOption();

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "the backup file")
    Path in;

    @Option(names = "--force", description = "replace a daemon directory that is not empty")
    boolean force;

    @Mixin PassphraseOptions passphrase = new PassphraseOptions();

    Restore(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      if (!Files.isRegularFile(in)) {
        throw new CommandFailedException("--in " + in + " is not a file", Main.USAGE);
      }
      byte[] secret = passphrase.resolve(context);
      DaemonPaths named = namedTarget();
      if (named != null) {
        checkTarget(named);
      }
      Path stagingParent = SecureFiles.createPrivateDirectories(named != null
          ? named.dir().toAbsolutePath().getParent()
          : DaemonPaths.home(context.env()).resolve("daemon"));
      Path staging = stagingParent.resolve(".restore-" + UUID.randomUUID());
      try {
        SecureFiles.createPrivateDirectories(staging);
        Extracted extracted;
        try (InputStream file = new BufferedInputStream(Files.newInputStream(in), 1 << 16);
            InputStream plain = BackupArchive.open(file, secret)) {
          extracted = extract(new DataInputStream(plain), staging);
        } catch (CorruptBackupException | EOFException e) {
          throw new CommandFailedException("wrong passphrase or corrupted backup (" + e.getMessage()
              + "); nothing was written");
        } finally {
          Arrays.fill(secret, (byte) 0);
        }
        DaemonPaths target = named;
        if (target == null) {
          try {
            target = DaemonPaths.resolve(context.env(), extracted.dir);
          } catch (IllegalArgumentException e) {
            throw new CommandFailedException("the backup names the directory \"" + extracted.dir
                + "\", which cannot be used here; restore with --mesh NAME");
          }
          checkTarget(target);
        }
        install(staging, target.dir());
        context.out().println("restored " + extracted.files.size() + " file(s) into "
            + target.dir() + " (" + String.join(", ", extracted.files) + "); a new local_token is"
            + " created at the next start");
        context.out().println("note: on another host the host fingerprint check refuses this"
            + " identity (exit code 4); run `claudemesh daemon accept-host --mesh "
            + target.dir().getFileName() + "` there if this host replaces the original");
        return Main.OK;
      } finally {
        MeshCommands.deleteTree(staging);
      }
    }

    private @Nullable DaemonPaths namedTarget() {
      String override = context.env().get(DaemonPaths.ENV_DAEMON_DIR);
      if (mesh.mesh != null || (override != null && !override.isBlank())) {
        return MeshLocator.directory(context.env(), mesh.mesh);
      }
      return null;
    }

    private void checkTarget(DaemonPaths target) throws IOException {
      if (OperatorCommands.daemonAnswers(target)) {
        throw new CommandFailedException("a daemon answers on " + target.socket() + "; stop it"
            + " with `claudemesh daemon down` before restoring over its directory");
      }
      if (!force && !isEmptyOrAbsent(target.dir())) {
        throw new CommandFailedException(target.dir() + " is not empty; restore with --force to"
            + " replace it, or into another --mesh NAME");
      }
    }
  }

  private static boolean isEmptyOrAbsent(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return true;
    }
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }

  /** What a backup held: its recorded directory name and the files restored. */
  private record Extracted(String dir, List<String> files) {}

  private static Extracted extract(DataInputStream in, Path staging) throws IOException {
    String dir = null;
    List<String> files = new ArrayList<>();
    while (true) {
      int type = in.readUnsignedByte();
      if (type == ENTRY_END) {
        break;
      }
      if (type == ENTRY_META) {
        int length = in.readInt();
        if (length < 0 || length > 1 << 16) {
          throw new CorruptBackupException("bad metadata length " + length);
        }
        Object meta = ApiJson.fromJson(new String(in.readNBytes(length), StandardCharsets.UTF_8),
            Object.class);
        if (meta instanceof Map<?, ?> map && map.get("dir") instanceof String name) {
          dir = name;
        }
        continue;
      }
      if (type != ENTRY_FILE) {
        throw new CorruptBackupException("unknown entry type " + type);
      }
      String name = new String(in.readNBytes(in.readUnsignedShort()), StandardCharsets.UTF_8);
      int archivedMode = in.readUnsignedShort();
      long size = in.readLong();
      Path file = safeTarget(staging, name);
      SecureFiles.createPrivateDirectories(file.getParent());
      Set<PosixFilePermission> mode = modeFor(name, archivedMode);
      // created 0600 (never wider), then given its SPEC mode
      try (FileChannel channel = FileChannel.open(file,
          Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
          SecureFiles.modeAttribute(SecureFiles.FILE_0600))) {
        copyExactly(in, Channels.newOutputStream(channel), size);
        channel.force(true);
      }
      if (SecureFiles.supportsPosix(file)) {
        Files.setPosixFilePermissions(file, mode);
      }
      files.add(name);
    }
    if (dir == null) {
      throw new CorruptBackupException("no metadata entry");
    }
    return new Extracted(dir, files);
  }

  /** SPEC §1 modes: 0644 for config.toml and schema_version, owner-only bits for hooks, else 0600. */
  static Set<PosixFilePermission> modeFor(String name, int archivedMode) {
    if (WORLD_READABLE.contains(name)) {
      return SecureFiles.FILE_0644;
    }
    if (name.startsWith(HOOKS + "/")) {
      Set<PosixFilePermission> owner = PosixFilePermissions.fromString(
          (((archivedMode & 0400) != 0) ? "r" : "-") + (((archivedMode & 0200) != 0) ? "w" : "-")
              + (((archivedMode & 0100) != 0) ? "x" : "-") + "------");
      owner.add(PosixFilePermission.OWNER_READ);
      owner.add(PosixFilePermission.OWNER_WRITE);
      return owner;
    }
    return SecureFiles.FILE_0600;
  }

  /** Names from the archive only ever land inside the staging directory. */
  private static Path safeTarget(Path staging, String name) throws CorruptBackupException {
    Path file = staging.resolve(name).normalize();
    Path hooks = staging.resolve(HOOKS);
    boolean allowed = STATE_FILES.contains(name) || DATABASES.contains(name)
        || (name.startsWith(HOOKS + "/") && !name.contains("\\") && file.startsWith(hooks)
            && !file.equals(hooks));
    if (!allowed) {
      throw new CorruptBackupException("entry name \"" + name + "\" is not allowed");
    }
    return file;
  }

  private static void copyExactly(InputStream in, OutputStream out, long size) throws IOException {
    byte[] buffer = new byte[1 << 16];
    long left = size;
    while (left > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        throw new CorruptBackupException("entry shorter than its recorded size");
      }
      out.write(buffer, 0, n);
      left -= n;
    }
  }

  /** Puts the staged directory in place (0700), replacing an existing one only as a whole. */
  private static void install(Path staging, Path target) throws IOException {
    Files.setPosixFilePermissions(staging, SecureFiles.DIR_0700);
    Path parent = target.toAbsolutePath().getParent();
    SecureFiles.createPrivateDirectories(parent);
    Path old = null;
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      old = parent.resolve("." + target.getFileName() + ".replaced-" + UUID.randomUUID());
      Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    SecureFiles.fsyncDirectory(parent);
    if (old != null) {
      MeshCommands.deleteTree(old);
    }
  }

  private static int bits(Set<PosixFilePermission> permissions) {
    int bits = 0;
    for (PosixFilePermission p : permissions) {
      bits |= 1 << (8 - p.ordinal());
    }
    return bits;
  }
}
