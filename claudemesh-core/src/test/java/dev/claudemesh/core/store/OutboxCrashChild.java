package dev.claudemesh.core.store;

import dev.claudemesh.core.fingerprint.DestinationKind;
import dev.claudemesh.core.fingerprint.FingerprintRequest;
import dev.claudemesh.core.fingerprint.Priority;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The child JVM of {@link OutboxCrashTest}; runs until it is killed.
 *
 * <p>Arguments: the outbox directory, a tag that makes this run's ids fresh, a seed. Several
 * threads accept sends with ids {@code <tag>-t<thread>-<n>} (the request is a pure function of
 * the id, see {@link #requestFor}); every few accepts a thread also claims due rows, finishes some
 * at once (done, retry or dead) and holds the others inflight until its next claim, so a kill
 * finds rows inflight.
 *
 * <p>Protocol on stdout, one line per event, each written with a single {@code write} to the
 * pipe and only after the call it reports has returned:
 *
 * <pre>
 * READY                        the outbox is open
 * ACCEPTED id                  accept returned QUEUED (the row is durable)
 * CLAIMED id attempts          claimDue returned the row (now inflight), attempts as stored
 * MARKING id done|retry|dead   about to mark the row (it may or may not commit before a kill)
 * MARKED id done|retry|dead    the mark returned true
 * FAIL text                    something the test must report; the child then exits 3
 * SHUTDOWN_HOOK                printed by a shutdown hook, so never after SIGKILL
 * </pre>
 *
 * Library output that goes to {@code System.out} is sent to stderr so it cannot mix with the
 * protocol.
 */
public final class OutboxCrashChild {
  static final int THREADS = 4;
  /** Every this many accepts a thread runs a claim cycle. */
  static final int CLAIM_EVERY = 4;

  /** The protocol file: appended with one write per line, so a kill never loses a whole line. */
  private static volatile FileOutputStream protocol;

  private OutboxCrashChild() {}

  public static void main(String[] args) throws Exception {
    System.setOut(System.err);
    Path dir = Path.of(args[0]);
    String tag = args[1];
    long seed = Long.parseLong(args[2]);
    protocol = new FileOutputStream(args[3], true);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> emit("SHUTDOWN_HOOK")));
    Outbox outbox = Outbox.builder(dir).open();
    emit("READY");
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      Thread worker = new Thread(() -> work(outbox, tag, thread, new SplittableRandom(seed + thread)),
          "crash-child-" + t);
      worker.start();
    }
    // the workers run until the JVM is killed
  }

  private static void work(Outbox outbox, String tag, int thread, SplittableRandom random) {
    List<OutboxRow> held = new ArrayList<>();
    try {
      for (long n = 0; ; n++) {
        String id = tag + "-t" + thread + "-" + n;
        AcceptResult result = outbox.accept(id, requestFor(id));
        if (result.kind() != AcceptResult.Kind.QUEUED) {
          fail("accept of fresh id " + id + " answered " + result);
        }
        emit("ACCEPTED " + id);
        if (n % CLAIM_EVERY == CLAIM_EVERY - 1) {
          for (OutboxRow row : held) {
            finish(outbox, row, random, thread);
          }
          held.clear();
          for (OutboxRow row : outbox.claimDue(1 + random.nextInt(6))) {
            emit("CLAIMED " + row.clientMessageId() + " " + row.attempts() + " t" + thread);
            if (random.nextInt(10) < 4) {
              held.add(row); // stays inflight until this thread's next cycle, or the kill
            } else {
              finish(outbox, row, random, thread);
            }
          }
        }
      }
    } catch (Throwable e) {
      e.printStackTrace();
      fail(thread + ": " + e);
    }
  }

  private static void finish(Outbox outbox, OutboxRow row, SplittableRandom random, int thread)
      throws IOException {
    String id = row.clientMessageId();
    int fate = random.nextInt(20);
    String op = fate < 10 ? "done" : fate < 17 ? "retry" : "dead";
    emit("MARKING " + id + " " + op + " t" + thread);
    boolean changed;
    if (op.equals("done")) {
      changed = outbox.markDone(id, "bm-" + id, "h-" + id, true);
    } else if (op.equals("retry")) {
      changed = outbox.markRetry(id, "crash-test transient");
    } else {
      changed = outbox.markDead(id, "crash-test permanent");
    }
    if (!changed) {
      fail("mark " + op + " of " + id + " (claimed by this thread, so inflight) changed nothing");
    }
    emit("MARKED " + id + " " + op + " t" + thread);
  }

  /**
   * The request sent under {@code id}: DM to a 64-hex member or topic post, bodies from empty to
   * a few KB with non-ASCII text, some with meta or a reply-to. Deterministic, so the test can
   * check what was stored.
   */
  static FingerprintRequest requestFor(String id) {
    SplittableRandom r = new SplittableRandom(id.hashCode() * 0x9E3779B97F4A7C15L + id.length());
    FingerprintRequest.Builder b = FingerprintRequest.builder();
    if (r.nextBoolean()) {
      StringBuilder hex = new StringBuilder(64);
      for (int i = 0; i < 64; i++) {
        hex.append(Character.forDigit(r.nextInt(16), 16));
      }
      b.destinationKind(DestinationKind.DM).destinationRef(hex.toString());
    } else {
      b.destinationKind(DestinationKind.TOPIC).destinationRef("crash-topic-" + r.nextInt(5));
    }
    b.priority(Priority.values()[r.nextInt(Priority.values().length)]);
    if (r.nextInt(4) == 0) {
      Map<String, Object> meta = new LinkedHashMap<>();
      meta.put("id", id);
      meta.put("n", r.nextInt(1_000_000));
      meta.put("flags", List.of(r.nextBoolean(), "x"));
      b.meta(meta);
    }
    if (r.nextInt(5) == 0) {
      b.replyToId("reply-" + r.nextInt(1000));
    }
    int size = r.nextInt(10) == 0 ? 1000 + r.nextInt(3000) : r.nextInt(400);
    String[] words = {"hello", "grüße", "雪", "🙂", "outbox", "\n", "\"quoted\"", "tab\t"};
    StringBuilder body = new StringBuilder(size + 16).append(id).append(' ');
    while (body.length() < size) {
      body.append(words[r.nextInt(words.length)]).append(' ');
    }
    return b.body(body.toString()).build();
  }

  private static void fail(String text) {
    emit("FAIL " + text.replace('\n', ' '));
    Runtime.getRuntime().halt(3);
  }

  /** One line, one write: the pipe never holds half of a line unless the JVM dies inside write. */
  static void emit(String line) {
    byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
    synchronized (OutboxCrashChild.class) {
      try {
        protocol.write(bytes);
      } catch (IOException e) {
        Runtime.getRuntime().halt(4); // the test is gone
      }
    }
  }
}
