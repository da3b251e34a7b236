package dev.claudemesh.core.store;

import dev.claudemesh.core.fingerprint.DestinationKind;
import dev.claudemesh.core.fingerprint.FingerprintRequest;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Child JVM for {@link OutboxCrashTest}: accepts sends from four threads until killed, printing
 * {@code ACCEPTED <id>} only after each accept has returned, and moves some rows inflight (and
 * some further) so a kill catches every state.
 */
public final class OutboxCrashChild {
  private OutboxCrashChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String round = args[1];
    PrintStream out = new PrintStream(System.out, false, "UTF-8");
    Outbox outbox = Outbox.builder(dir).open();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      Thread worker = new Thread(() -> {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        try {
          for (long n = 0; ; n++) {
            String id = "r" + round + "-t" + thread + "-" + n;
            FingerprintRequest request = random.nextBoolean()
                ? FingerprintRequest.builder().destinationKind(DestinationKind.DM).destinationRef("cd".repeat(32))
                    .body("dm " + "z".repeat(random.nextInt(4000))).build()
                : FingerprintRequest.builder().destinationKind(DestinationKind.TOPIC).destinationRef("ops")
                    .meta(Map.of("n", n, "tags", List.of("a", "b"))).body("post " + n).build();
            outbox.accept(id, request);
            synchronized (out) {
              out.println("ACCEPTED " + id);
              out.flush();
            }
            if (thread == 0 && n % 5 == 0) {
              for (OutboxRow row : outbox.claimDue(3)) {
                int fate = random.nextInt(4);
                if (fate == 1) {
                  outbox.markDone(row.clientMessageId(), "b-" + row.clientMessageId(), null, true);
                } else if (fate == 2) {
                  outbox.markRetry(row.clientMessageId(), "transient");
                } // else: left inflight for the kill to catch
              }
            }
          }
        } catch (Exception e) {
          e.printStackTrace();
          System.exit(3);
        }
      });
      worker.start();
    }
    Thread.sleep(Long.MAX_VALUE);
  }
}
