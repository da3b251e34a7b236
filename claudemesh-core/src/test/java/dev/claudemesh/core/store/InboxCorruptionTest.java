package dev.claudemesh.core.store;

import static dev.claudemesh.core.store.InboxTest.T0;
import static dev.claudemesh.core.store.InboxTest.message;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.CapturedLogs;
import dev.claudemesh.core.store.InboxTest.TestClock;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC §4.8: a corrupt inbox is moved aside and replaced (it is a cache); files are private. */
class InboxCorruptionTest {
  private static final String QUARANTINED = "inbox.db.corrupt-20261122T090000Z";

  @TempDir Path dir;

  @Test
  void aFileThatIsNotADatabaseIsQuarantinedWithItsWalAndShm() throws IOException {
    byte[] garbage = "this is not sqlite ".repeat(300).getBytes(UTF_8);
    Files.write(dir.resolve("inbox.db"), garbage);
    Files.write(dir.resolve("inbox.db-wal"), "stale wal".getBytes(UTF_8));
    Files.write(dir.resolve("inbox.db-shm"), "stale shm".getBytes(UTF_8));
    int loggedBefore = quarantineLogLines().size();

    try (Inbox inbox = Inbox.builder(dir).clock(new TestClock()).open()) {
      assertEquals(List.of(), inbox.query(InboxQuery.newest()).messages(), "a fresh, empty inbox");
      assertTrue(inbox.insertIfNew(message("a", "1", T0).build()).inserted(), "that works");
      assertEquals(1, inbox.query(InboxQuery.newest()).messages().size());
    }
    assertEquals(List.of(QUARANTINED, QUARANTINED + "-shm", QUARANTINED + "-wal"), quarantined());
    assertArrayEquals(garbage, Files.readAllBytes(dir.resolve(QUARANTINED)), "kept as it was, for inspection");
    assertEquals("stale wal", Files.readString(dir.resolve(QUARANTINED + "-wal")));
    List<String> logged = quarantineLogLines();
    assertEquals(loggedBefore + 1, logged.size(), "one line: " + logged);
    String line = logged.get(logged.size() - 1);
    assertTrue(line.startsWith("ERROR dev.claudemesh.core.store.Inbox - inbox.db is corrupt ("), line);
    assertTrue(line.contains("not a database"), line);
  }

  @Test
  void aDatabaseWithADamagedPageIsQuarantinedAndReplaced() throws IOException {
    try (Inbox inbox = Inbox.builder(dir).open()) {
      List<InboxMessage> many = new ArrayList<>();
      for (int i = 0; i < 3000; i++) {
        many.add(message("s" + (i % 5), "m" + i, T0.plusMillis(i)).topic("t" + (i % 7)).build());
      }
      inbox.insertBulk(many);
    }
    Path file = dir.resolve("inbox.db");
    int loggedBefore = quarantineLogLines().size();
    long pages = Files.size(file) / 4096;
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(pages / 2 * 4096); // one page in the middle of the b-trees, the header left intact
      raf.write("scribbled over by a faulty disk ".repeat(128).getBytes(UTF_8));
    }

    try (Inbox inbox = Inbox.builder(dir).clock(new TestClock()).open()) {
      assertEquals(List.of(), inbox.query(InboxQuery.newest()).messages(), "a fresh, empty inbox");
      assertTrue(inbox.insertIfNew(message("s0", "m0", T0).build()).inserted(), "the old ids are gone with it");
    }
    assertEquals(List.of(QUARANTINED), quarantined());
    assertEquals("rw-------", mode(dir.resolve(QUARANTINED)), "the quarantined copy stays private");
    List<String> logged = quarantineLogLines();
    assertEquals(loggedBefore + 1, logged.size(), "one line: " + logged);
  }

  @Test
  void aFileThatCannotBeOpenedForAnotherReasonIsLeftAlone() throws IOException {
    Files.createDirectory(dir.resolve("inbox.db")); // cannot be opened, but not corrupt
    IOException e = assertThrows(IOException.class, () -> Inbox.builder(dir).open());
    assertTrue(e.getMessage().startsWith("inbox.db cannot be opened as a SQLite database"), e.getMessage());
    assertTrue(Files.isDirectory(dir.resolve("inbox.db")));
    assertEquals(List.of(), quarantined());
  }

  @Test
  void theDatabaseAndItsWalAndShmAreCreated0600() throws IOException {
    try (Inbox inbox = Inbox.builder(dir).open()) {
      inbox.insertIfNew(message("a", "1", T0).build());
      for (String name : List.of("inbox.db", "inbox.db-wal", "inbox.db-shm")) {
        assertEquals("rw-------", mode(dir.resolve(name)), name);
      }
    }
  }

  private static List<String> quarantineLogLines() {
    return CapturedLogs.linesContaining("moved it to " + QUARANTINED + " and started an empty inbox");
  }

  private static String mode(Path file) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
  }

  private List<String> quarantined() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("inbox.db.corrupt-")).sorted()
          .collect(Collectors.toList());
    }
  }
}
