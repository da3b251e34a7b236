package dev.claudemesh.core.jcs;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An immutable JSON object whose members are already in RFC 8785 order (keys sorted by UTF-16 code
 * units, no duplicates), so writing it needs no second sort.
 */
final class CanonicalObject extends AbstractMap<String, @Nullable Object> {
  final String[] keys;
  final @Nullable Object[] values;

  CanonicalObject(String[] keys, @Nullable Object[] values) {
    this.keys = keys;
    this.values = values;
  }

  @Override
  public int size() {
    return keys.length;
  }

  @Override
  public boolean containsKey(Object key) {
    return key instanceof String && Arrays.binarySearch(keys, key) >= 0;
  }

  @Override
  public @Nullable Object get(Object key) {
    if (!(key instanceof String)) {
      return null;
    }
    int index = Arrays.binarySearch(keys, key);
    return index >= 0 ? values[index] : null;
  }

  @Override
  public Set<Entry<String, @Nullable Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return keys.length;
      }

      @Override
      public Iterator<Entry<String, @Nullable Object>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < keys.length;
          }

          @Override
          public Entry<String, @Nullable Object> next() {
            if (next >= keys.length) {
              throw new NoSuchElementException();
            }
            int i = next++;
            return new SimpleImmutableEntry<>(keys[i], values[i]);
          }
        };
      }
    };
  }
}
