package dev.claudemesh.daemon.config;

import org.jspecify.annotations.Nullable;
import org.tomlj.TomlArray;
import org.tomlj.TomlTable;

/** How the daemon's TOML files ({@code config.toml}, {@code hooks.toml}) name a value's type in errors. */
public final class TomlTypes {
  private TomlTypes() {}

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
