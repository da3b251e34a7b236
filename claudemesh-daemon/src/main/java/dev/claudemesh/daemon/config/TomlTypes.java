package dev.claudemesh.daemon.config;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseError;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * How the daemon's TOML files ({@code config.toml}, {@code hooks.toml}) describe what is wrong
 * with them: a value's type, the parser's errors.
 */
public final class TomlTypes {
  /** Parse errors named in one message; the rest are counted. */
  private static final int MAX_PARSE_ERRORS_SHOWN = 3;

  private TomlTypes() {}

  /** "not valid TOML: line 3, column 1: …; …; and 2 more". */
  public static String parseErrors(List<TomlParseError> errors) {
    StringBuilder message = new StringBuilder("not valid TOML: ");
    for (int i = 0; i < Math.min(errors.size(), MAX_PARSE_ERRORS_SHOWN); i++) {
      TomlParseError error = errors.get(i);
      if (i > 0) {
        message.append("; ");
      }
      message.append(at(error.position())).append(": ").append(error.getMessage());
    }
    if (errors.size() > MAX_PARSE_ERRORS_SHOWN) {
      message.append("; and ").append(errors.size() - MAX_PARSE_ERRORS_SHOWN).append(" more");
    }
    return message.toString();
  }

  /** "line 3, column 1", or "unknown position". */
  public static String at(@Nullable TomlPosition position) {
    return position == null ? "unknown position"
        : "line " + position.line() + ", column " + position.column();
  }

  /** "a string", "an integer", …, "nothing" for null: what a wrong value was. */
  public static String describe(@Nullable Object value) {
    if (value instanceof String) {
      return "a string";
    } else if (value instanceof Long) {
      return "an integer";
    } else if (value instanceof Double) {
      return "a float";
    } else if (value instanceof Boolean) {
      return "a boolean";
    } else if (value instanceof TomlArray) {
      return "an array";
    } else if (value instanceof TomlTable) {
      return "a table";
    } else if (value == null) {
      return "nothing";
    }
    return "a date or time";
  }
}
