package dev.claudemesh.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.claudemesh.core.fingerprint.DestinationKind;
import dev.claudemesh.core.fingerprint.FingerprintRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** close() stops every thread a store started, and a closed store refuses work. */
class StoreThreadsTest {
  @TempDir Path dir;

  private static List<String> storeThreads() {
    return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
        .filter(name -> name.startsWith("claudemesh-")).sorted().collect(Collectors.toList());
  }

  @Test
  void closingTheStoresLeavesNoThreadBehind() throws Exception {
    List<String> before = storeThreads();
    Outbox outbox = Outbox.builder(dir).open();
    Inbox inbox = Inbox.builder(dir).open();
    inbox.startMaintenance();
    outbox.accept("x", FingerprintRequest.builder().destinationKind(DestinationKind.TOPIC).destinationRef("t").body("b").build());
    inbox.insertIfNew(InboxMessage.builder().mesh("m").senderMemberId("s").clientMessageId("1").senderPubkey("p")
        .senderName("n").receivedAt(Instant.now()).build());
    outbox.close();
    inbox.close();
    for (int i = 0; i < 50 && !storeThreads().equals(before); i++) {
      Thread.sleep(20);
    }
    assertEquals(before, storeThreads());
    assertThrows(IOException.class, () -> outbox.find("x"));
    assertThrows(IOException.class, () -> inbox.query(InboxQuery.newest()));
  }
}
