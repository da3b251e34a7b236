package dev.claudemesh.daemon.hooks;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * {@code kill(2)} and {@code getpgid(2)} through libc, and a {@code /proc} count of a process
 * group's live members. Every method degrades to "unknown" when libc cannot be bound.
 */
final class PosixProcesses {
  static final int SIGTERM = 15;
  static final int SIGKILL = 9;

  private static final Path PROC = Path.of("/proc");

  /** The libc functions used; bound once, lazily. */
  interface LibC extends Library {
    int kill(int pid, int sig);

    int getpgid(int pid);
  }

  private static final class Holder {
    static final @Nullable LibC LIBC = load();

    private static @Nullable LibC load() {
      try {
        return Native.load("c", LibC.class);
      } catch (UnsatisfiedLinkError | RuntimeException e) {
        return null;
      }
    }
  }

  private PosixProcesses() {}

  /** Whether libc could be bound. */
  static boolean available() {
    return Holder.LIBC != null;
  }

  /** The process group of {@code pid}, or -1 when unknown. */
  static int getpgid(int pid) {
    LibC libc = Holder.LIBC;
    return libc == null ? -1 : libc.getpgid(pid);
  }

  /** Sends {@code signal} to process group {@code pgid}; true when at least one member got it. */
  static boolean killGroup(int pgid, int signal) {
    LibC libc = Holder.LIBC;
    if (libc == null || pgid <= 1) {
      return false;
    }
    return libc.kill(-pgid, signal) == 0;
  }

  /**
   * The number of processes in group {@code pgid} that have not exited, zombies not counted; -1
   * when {@code /proc} cannot tell (not Linux), in which case {@link #groupExists} is the answer.
   */
  static int liveGroupMembers(int pgid) {
    if (!Files.isDirectory(PROC.resolve("self"))) {
      return -1;
    }
    int count = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
          continue;
        }
        String stat;
        try {
          stat = Files.readString(entry.resolve("stat"), StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException gone) {
          continue;
        }
        // pid (comm) state ppid pgrp ... ; comm may contain spaces and parentheses
        int close = stat.lastIndexOf(')');
        if (close < 0) {
          continue;
        }
        String[] fields = stat.substring(close + 1).trim().split(" ");
        if (fields.length < 3) {
          continue;
        }
        String state = fields[0];
        if (state.equals("Z") || state.equals("X")) {
          continue;
        }
        try {
          if (Integer.parseInt(fields[2]) == pgid) {
            count++;
          }
        } catch (NumberFormatException ignored) {
          // not a stat line we understand
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return count;
  }

  /** Whether group {@code pgid} has any member, zombies included ({@code kill(-pgid, 0)}). */
  static boolean groupExists(int pgid) {
    return killGroup(pgid, 0);
  }

  /**
   * Whether group {@code pgid} still has a live member: {@code kill(-pgid, 0)} first (cheap, and
   * the common "nothing left" answer), then {@code /proc} to discount zombies where it exists.
   */
  static boolean groupAlive(int pgid) {
    if (!groupExists(pgid)) {
      return false;
    }
    int live = liveGroupMembers(pgid);
    return live != 0;
  }
}
