package dev.claudemesh.core.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.jspecify.annotations.Nullable;

/**
 * One SQLite database file: a single writer thread that batches concurrent write tasks into one
 * {@code BEGIN IMMEDIATE} transaction (group commit: one fsync for the batch, each task its own
 * savepoint and its own result, no result released before the commit is durable), and a small
 * pool of read connections that see only committed data (WAL). Writers never contend, so {@code
 * SQLITE_BUSY} cannot reach a caller.
 *
 * <p>Internal plumbing shared by the daemon's stores and the reference broker's SQLite store; not
 * an API.
 */
public final class SqliteFile implements AutoCloseable {
  /** Work done inside the writer's transaction. Exceptions roll back only this task. */
  public interface WriteTask<T> {
    T run(Connection connection) throws SQLException;
  }

  /** Work done on a read connection. */
  public interface ReadTask<T> {
    T run(Connection connection) throws SQLException;
  }

  public static final int MAX_BATCH = 256;
  private static final int READERS = 4;

  private final Path file;
  private final String name;
  private final Connection writer;
  private final BlockingQueue<Connection> readers;
  private final LinkedBlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
  private final Thread writerThread;
  private volatile boolean closed;
  private volatile long commits;
  private final java.util.Map<String, java.sql.PreparedStatement> writerStatements = new java.util.HashMap<>();
  /** Per read connection; a connection is used by one read task at a time. */
  private final java.util.Map<Connection, java.util.Map<String, java.sql.PreparedStatement>> readerStatements =
      new java.util.concurrent.ConcurrentHashMap<>();

  private SqliteFile(Path file, String name, Connection writer, BlockingQueue<Connection> readers) {
    this.file = file;
    this.name = name;
    this.writer = writer;
    this.readers = readers;
    for (Connection reader : readers) {
      readerStatements.put(reader, new java.util.HashMap<>());
    }
    this.writerThread = new Thread(this::runWriter, "claudemesh-" + name + "-writer");
    this.writerThread.setDaemon(true);
  }

  /**
   * Opens (creating with mode 0600 if missing) a database in WAL mode with {@code
   * synchronous=FULL}. The schema is the caller's business.
   */
  public static SqliteFile open(Path file, String name) throws IOException {
    if (!Files.exists(file)) {
      SecureFiles.writeAtomically(file, new byte[0], SecureFiles.FILE_0600); // SQLite takes an empty file as new
    }
    Connection writer = null;
    BlockingQueue<Connection> readers = new ArrayBlockingQueue<>(READERS);
    try {
      writer = connect(file, false);
      try (Statement s = writer.createStatement()) {
        try (ResultSet rs = s.executeQuery("PRAGMA journal_mode=WAL")) {
          if (!rs.next() || !"wal".equalsIgnoreCase(rs.getString(1))) {
            throw new SQLException("could not switch " + file.getFileName() + " to WAL mode");
          }
        }
      }
      for (int i = 0; i < READERS; i++) {
        readers.add(connect(file, true));
      }
    } catch (SQLException e) {
      closeQuietly(writer);
      readers.forEach(SqliteFile::closeQuietly);
      throw new IOException(file.getFileName() + " cannot be opened as a SQLite database: " + e.getMessage(), e);
    }
    SqliteFile db = new SqliteFile(file, name, writer, readers);
    db.writerThread.start();
    return db;
  }

  private static Connection connect(Path file, boolean readOnly) throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout=30000");
      s.execute("PRAGMA synchronous=FULL");
      s.execute("PRAGMA foreign_keys=ON");
      if (readOnly) {
        s.execute("PRAGMA query_only=1");
      }
    }
    return c;
  }

  public Path file() {
    return file;
  }

  /** Number of committed write transactions so far (for tests of group commit). */
  public long commits() {
    return commits;
  }

  /**
   * Runs {@code task} in the next group commit and returns its result once the transaction is
   * durable.
   *
   * @throws IOException if the commit failed (the task's writes are not there) or the file is closed
   */
  public <T> T write(WriteTask<T> task) throws IOException {
    Pending<T> pending = new Pending<>(task, false);
    enqueue(pending);
    return await(pending);
  }

  /**
   * Queues {@code task} for the next group commit without waiting: the future completes once the
   * transaction is durable (with the task's result), or exceptionally with the task's exception or
   * an {@link IOException} for a failed commit. For callers that must not block (socket threads).
   */
  public <T> CompletableFuture<T> writeAsync(WriteTask<T> task) {
    Pending<T> pending = new Pending<>(task, false);
    enqueue(pending);
    return pending.future;
  }

  /**
   * Queues a task, or fails it if the file is closed. A task queued while {@link #close()} runs is
   * either taken by the writer or the close drain, or taken back here and failed: none waits
   * forever.
   */
  private void enqueue(Pending<?> pending) {
    if (closed) {
      pending.future.completeExceptionally(new IOException(name + " is closed"));
      return;
    }
    queue.add(pending);
    if (closed && queue.remove(pending)) {
      pending.future.completeExceptionally(new IOException(name + " is closed"));
    }
  }

  private <T> T await(Pending<T> pending) throws IOException {
    try {
      return pending.future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted waiting for the " + name + " commit");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException) {
        throw (IOException) cause;
      }
      if (cause instanceof SQLException) {
        throw new IOException(name + ": " + cause.getMessage(), cause);
      }
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new IOException(cause);
    }
  }

  /**
   * A prepared statement kept open for the life of its connection, for hot paths: on the writer
   * connection (inside a write task) or on a pooled read connection (inside a read task, which
   * holds that connection alone). The caller must not close it and must close its result sets.
   */
  public java.sql.PreparedStatement cached(Connection c, String sql) throws SQLException {
    java.util.Map<String, java.sql.PreparedStatement> statements;
    if (c == writer) {
      statements = writerStatements;
    } else {
      statements = readerStatements.get(c);
      if (statements == null) {
        throw new IllegalStateException("cached statements are for tasks on this file's connections");
      }
    }
    java.sql.PreparedStatement statement = statements.get(sql);
    if (statement == null) {
      statement = c.prepareStatement(sql);
      statements.put(sql, statement);
    }
    statement.clearParameters();
    return statement;
  }

  /**
   * Runs {@code task} on the writer thread between transactions, for statements that cannot run
   * inside one ({@code VACUUM}).
   */
  public <T> T writeOutsideTransaction(WriteTask<T> task) throws IOException {
    Pending<T> pending = new Pending<>(task, true);
    enqueue(pending);
    return await(pending);
  }

  /** Runs a read on a pooled connection. */
  public <T> T read(ReadTask<T> task) throws IOException {
    if (closed) {
      throw new IOException(name + " is closed");
    }
    Connection c;
    try {
      c = readers.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted waiting for a " + name + " reader");
    }
    try {
      return task.run(c);
    } catch (SQLException e) {
      throw new IOException(name + ": " + e.getMessage(), e);
    } finally {
      readers.add(c);
    }
  }

  private void runWriter() {
    List<Pending<?>> batch = new ArrayList<>();
    while (true) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        break;
      }
      queue.drainTo(batch, MAX_BATCH - 1);
      boolean stop = batch.removeIf(p -> p.task == null);
      List<Pending<?>> outside = new ArrayList<>();
      for (Pending<?> pending : batch) {
        if (pending.outside) {
          outside.add(pending);
        }
      }
      batch.removeAll(outside);
      if (!batch.isEmpty()) {
        executeBatch(batch);
      }
      if (!outside.isEmpty()) {
        closeCachedStatements(); // statements left prepared would block VACUUM ("statements in progress")
      }
      for (Pending<?> pending : outside) { // autocommit, after the batch's COMMIT
        try {
          pending.runIn(writer);
        } catch (Throwable t) {
          pending.failure = t;
        }
        pending.complete();
      }
      batch.clear();
      if (stop) {
        break;
      }
    }
  }

  private void executeBatch(List<Pending<?>> batch) {
    boolean isolate = batch.size() > 1; // a lone task's failure rolls back the whole transaction
    // transaction control is prepared once like the tasks' hot statements: parsing SAVEPOINT and
    // RELEASE for every task cost more than many of the tasks themselves
    try (Statement s = writer.createStatement()) {
      cached(writer, "BEGIN IMMEDIATE").execute();
      if (!isolate) {
        Pending<?> only = batch.get(0);
        try {
          only.runIn(writer);
        } catch (Throwable t) {
          s.execute("ROLLBACK");
          only.failure = t;
          only.complete();
          return;
        }
      }
      for (Pending<?> pending : isolate ? batch : List.<Pending<?>>of()) {
        cached(writer, "SAVEPOINT task").execute();
        try {
          pending.runIn(writer);
          cached(writer, "RELEASE task").execute();
        } catch (Throwable t) { // a task's own failure: undo only its writes
          s.execute("ROLLBACK TO task");
          s.execute("RELEASE task");
          pending.failure = t;
        }
      }
      cached(writer, "COMMIT").execute();
      commits++;
    } catch (SQLException | RuntimeException e) {
      try (Statement s = writer.createStatement()) {
        s.execute("ROLLBACK");
      } catch (SQLException ignored) {
        // not in a transaction any more
      }
      IOException failure = new IOException(name + " commit failed: " + e.getMessage(), e);
      for (Pending<?> pending : batch) {
        pending.future.completeExceptionally(failure);
      }
      return;
    }
    for (Pending<?> pending : batch) {
      pending.complete();
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    queue.add(new Pending<>(null, false));
    try {
      writerThread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Pending<?> left; (left = queue.poll()) != null; ) {
      left.future.completeExceptionally(new IOException(name + " is closed"));
    }
    closeCachedStatements();
    closeQuietly(writer);
    for (Connection c; (c = readers.poll()) != null; ) {
      java.util.Map<String, java.sql.PreparedStatement> statements = readerStatements.remove(c);
      if (statements != null) {
        statements.values().forEach(SqliteFile::closeQuietly);
      }
      closeQuietly(c);
    }
  }

  private static void closeQuietly(java.sql.PreparedStatement statement) {
    try {
      statement.close();
    } catch (SQLException ignored) {
      // closing
    }
  }

  private void closeCachedStatements() {
    for (java.sql.PreparedStatement statement : writerStatements.values()) {
      try {
        statement.close();
      } catch (SQLException ignored) {
        // closing
      }
    }
    writerStatements.clear();
  }

  private static void closeQuietly(@Nullable Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing
      }
    }
  }

  private static final class Pending<T> {
    final @Nullable WriteTask<T> task;
    final CompletableFuture<T> future = new CompletableFuture<>();
    @Nullable T result;
    @Nullable Throwable failure;
    final boolean outside;

    Pending(@Nullable WriteTask<T> task, boolean outside) {
      this.task = task;
      this.outside = outside;
    }

    void runIn(Connection c) throws SQLException {
      result = task.run(c);
    }

    void complete() {
      if (failure != null) {
        future.completeExceptionally(failure);
      } else {
        future.complete(result);
      }
    }
  }
}
