package dev.claudemesh.testing;

import dev.claudemesh.core.Peer;
import dev.claudemesh.core.events.EventKinds;
import dev.claudemesh.core.events.PeerEvent;
import dev.claudemesh.core.store.InboxMessage;
import dev.claudemesh.core.store.InboxPage;
import dev.claudemesh.core.store.InboxQuery;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/** Test helpers: waiting, reading whole inboxes, collecting message events. */
final class Inboxes {
  private Inboxes() {}

  static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  /** One page of an inbox: a peer's or a store opened directly. */
  interface Pages {
    InboxPage query(InboxQuery query) throws IOException;
  }

  /** Every row of the peer's inbox, newest first. */
  static List<InboxMessage> all(Peer peer) throws IOException {
    return all(peer::inbox);
  }

  /** Every row, newest first, following the cursor to the last page. */
  static List<InboxMessage> all(Pages pages) throws IOException {
    List<InboxMessage> out = new ArrayList<>();
    String cursor = null;
    do {
      InboxPage page = pages.query(InboxQuery.newest().limit(InboxQuery.MAX_LIMIT).cursor(cursor));
      out.addAll(page.messages());
      cursor = page.nextCursor().orElse(null);
    } while (cursor != null);
    return out;
  }

  static int count(Peer peer) {
    try {
      return all(peer).size();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Collects the peer's {@code message} events from now on. */
  static List<PeerEvent> messages(Peer peer) {
    List<PeerEvent> events = new CopyOnWriteArrayList<>();
    peer.events(e -> {
      if (e.kind().equals(EventKinds.MESSAGE)) {
        events.add(e);
      }
    });
    return events;
  }
}
