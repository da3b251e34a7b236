package dev.claudemesh.core.jcs;

import java.math.BigInteger;

/**
 * Formats a {@code double} exactly as ECMAScript's {@code Number.prototype.toString()} does, which
 * is the number form RFC 8785 requires.
 *
 * <p>The digits are the shortest decimal that rounds back to the same double; among several of
 * that length the one closest to the exact binary value wins, ties going to the even digit. They
 * are generated with the Schubfach method (R. Giulietti, "The Schubfach way to render doubles",
 * 2020–2022): one 126-bit multiplication per bound, no big-number arithmetic on the hot path.
 * {@link Double#toString(double)} is deliberately not used: on Java 17 it is not always shortest,
 * and on every version it keeps two digits for some subnormals where ECMAScript keeps one.
 *
 * <p>Thread-safe and allocation-free apart from the output.
 */
public final class EcmaNumber {

  private static final int Q_MIN = -1074; // exponent of the smallest subnormal, as c * 2^q
  private static final long C_MIN = 1L << 52; // smallest normal significand
  private static final long T_MASK = (1L << 52) - 1;
  private static final long MASK_63 = Long.MAX_VALUE;
  private static final int K_MIN = flog10pow2(Q_MIN);
  private static final int K_MAX = flog10pow2(971); // exponent of Double.MAX_VALUE as c * 2^q

  /** Longest output: "-" + 17 digits + "." + "e-324" is 25; "-0.00000" + 17 digits is 26. */
  private static final int MAX_CHARS = 32;

  /**
   * g(k) for every decimal exponent k in [K_MIN, K_MAX]: with 10^-k = beta * 2^r and 2^125 <=
   * beta < 2^126, g = floor(beta) + 1, stored as its high and low 63 bits.
   */
  private static final long[] G1 = new long[K_MAX - K_MIN + 1];

  private static final long[] G0 = new long[K_MAX - K_MIN + 1];

  static {
    BigInteger low63 = BigInteger.ONE.shiftLeft(63).subtract(BigInteger.ONE);
    for (int k = K_MIN; k <= K_MAX; k++) {
      int r = flog2pow10(-k) - 125;
      BigInteger floorBeta;
      if (k <= 0) {
        BigInteger pow = BigInteger.TEN.pow(-k);
        floorBeta = r <= 0 ? pow.shiftLeft(-r) : pow.shiftRight(r);
      } else {
        floorBeta = BigInteger.ONE.shiftLeft(-r).divide(BigInteger.TEN.pow(k));
      }
      BigInteger g = floorBeta.add(BigInteger.ONE);
      G1[k - K_MIN] = g.shiftRight(63).longValueExact();
      G0[k - K_MIN] = g.and(low63).longValueExact();
    }
  }

  private EcmaNumber() {}

  /**
   * Returns the ECMAScript string form of {@code value}.
   *
   * @throws JcsException if {@code value} is NaN or infinite, which JSON cannot represent
   */
  public static String format(double value) {
    char[] buf = new char[MAX_CHARS];
    return new String(buf, 0, write(buf, value));
  }

  /**
   * Appends the ECMAScript string form of {@code value} to {@code out}.
   *
   * @throws JcsException if {@code value} is NaN or infinite; nothing is appended then
   */
  public static void appendTo(StringBuilder out, double value) {
    char[] buf = new char[MAX_CHARS];
    out.append(buf, 0, write(buf, value));
  }

  /** Writes the form of {@code value} at the start of {@code buf}; returns its length. */
  private static int write(char[] buf, double value) {
    long bits = Double.doubleToRawLongBits(value);
    int biasedExponent = (int) (bits >>> 52) & 0x7FF;
    if (biasedExponent == 0x7FF) {
      throw new JcsException(
          (bits & T_MASK) != 0 ? "NaN is not a JSON number" : "Infinity is not a JSON number");
    }
    if ((bits & MASK_63) == 0) {
      buf[0] = '0'; // both +0 and -0
      return 1;
    }
    int pos = 0;
    if (bits < 0) {
      buf[pos++] = '-';
    }
    long fraction = bits & T_MASK;
    if (biasedExponent == 0) {
      return shortest(buf, pos, Q_MIN, fraction); // subnormal: value = fraction * 2^-1074
    }
    long c = C_MIN | fraction;
    int mq = 1075 - biasedExponent; // value = c * 2^-mq
    if (0 < mq && mq < 53) {
      long integer = c >> mq;
      if (integer << mq == c) { // an integer below 2^53 is its own shortest decimal
        return layout(buf, pos, integer, 0);
      }
    }
    return shortest(buf, pos, -mq, c);
  }

  /** Finds the shortest, closest decimal for the double c * 2^q and writes it at {@code pos}. */
  private static int shortest(char[] buf, int pos, int q, long c) {
    long odd = c & 1; // an odd significand does not own its rounding-interval bounds
    long cb = c << 2;
    long cbr = cb + 2;
    long cbl;
    int k;
    if (c != C_MIN || q == Q_MIN) {
      cbl = cb - 2;
      k = flog10pow2(q);
    } else { // at a power of two the lower neighbour is twice as close
      cbl = cb - 1;
      k = flog10threeQuartersPow2(q);
    }
    int h = q + flog2pow10(-k) + 2;
    long g1 = G1[k - K_MIN];
    long g0 = G0[k - K_MIN];
    long vb = roundToOdd(g1, g0, cb << h);
    long vbl = roundToOdd(g1, g0, cbl << h);
    long vbr = roundToOdd(g1, g0, cbr << h);

    long s = vb >> 2;
    if (s >= 10) {
      // The rounding interval is narrower than 10 units of s, so at most one multiple of ten lies
      // in it: if exactly one does, it is the unique shorter candidate.
      long sp10 = 10 * (s / 10);
      long tp10 = sp10 + 10;
      boolean lowerIn = vbl + odd <= sp10 << 2;
      boolean upperIn = (tp10 << 2) + odd <= vbr;
      if (lowerIn != upperIn) {
        return layout(buf, pos, lowerIn ? sp10 : tp10, k);
      }
    }
    long t = s + 1;
    boolean lowerIn = vbl + odd <= s << 2;
    boolean upperIn = (t << 2) + odd <= vbr;
    if (lowerIn != upperIn) {
      return layout(buf, pos, lowerIn ? s : t, k);
    }
    long cmp = vb - ((s + t) << 1); // both candidates qualify: take the closer, ties to even
    return layout(buf, pos, cmp < 0 || (cmp == 0 && (s & 1) == 0) ? s : t, k);
  }

  /** floor(cp * g / 2^127), with the lowest bit set when the discarded part is non-zero. */
  private static long roundToOdd(long g1, long g0, long cp) {
    long x1 = Math.multiplyHigh(g0, cp);
    long y0 = g1 * cp;
    long y1 = Math.multiplyHigh(g1, cp);
    long z = (y0 >>> 1) + x1;
    long vbp = y1 + (z >>> 63);
    return vbp | (((z & MASK_63) + MASK_63) >>> 63);
  }

  /** floor(e * log10(2)), exact for |e| <= 5,456,721. */
  private static int flog10pow2(int e) {
    return (int) ((e * 661_971_961_083L) >> 41);
  }

  /** floor(log10(3/4 * 2^e)), exact for |e| <= 5,456,721. */
  private static int flog10threeQuartersPow2(int e) {
    return (int) ((e * 661_971_961_083L - 274_743_187_321L) >> 41);
  }

  /** floor(e * log2(10)), exact for |e| <= 1,233. */
  private static int flog2pow10(int e) {
    return (int) ((e * 913_124_641_741L) >> 38);
  }

  /** Appends {@code digits * 10^exponent} (digits > 0) in ECMAScript layout; for tests. */
  static void appendDecimal(StringBuilder out, long digits, int exponent) {
    char[] buf = new char[MAX_CHARS];
    out.append(buf, 0, layout(buf, 0, digits, exponent));
  }

  /**
   * Writes {@code digits * 10^exponent} (digits > 0) at {@code pos} in the layout of ECMAScript's
   * Number::toString: plain up to 21 integer digits, "0.000ddd" down to 1e-6, exponent form
   * otherwise. Returns the end position.
   */
  private static int layout(char[] buf, int pos, long digits, int exponent) {
    while (digits % 10 == 0) {
      digits /= 10;
      exponent++;
    }
    int length = decimalLength(digits);
    int point = exponent + length; // ECMAScript's n: the decimal point sits after n digits
    if (length <= point && point <= 21) {
      writeDigits(buf, pos, digits, length);
      int end = pos + point;
      for (int i = pos + length; i < end; i++) {
        buf[i] = '0';
      }
      return end;
    }
    if (0 < point && point <= 21) {
      writeDigits(buf, pos, digits / POW10[length - point], point);
      buf[pos + point] = '.';
      writeDigits(buf, pos + point + 1, digits % POW10[length - point], length - point);
      return pos + length + 1;
    }
    if (-6 < point && point <= 0) {
      buf[pos++] = '0';
      buf[pos++] = '.';
      for (int i = point; i < 0; i++) {
        buf[pos++] = '0';
      }
      writeDigits(buf, pos, digits, length);
      return pos + length;
    }
    writeDigits(buf, pos + 1, digits, length); // leaves room for the point after the first digit
    buf[pos] = buf[pos + 1];
    if (length > 1) {
      buf[pos + 1] = '.';
      pos += length + 1;
    } else {
      pos += 1;
    }
    int e = point - 1;
    buf[pos++] = 'e';
    buf[pos++] = e < 0 ? '-' : '+';
    int magnitude = Math.abs(e);
    if (magnitude >= 100) {
      buf[pos++] = (char) ('0' + magnitude / 100);
    }
    if (magnitude >= 10) {
      buf[pos++] = (char) ('0' + magnitude / 10 % 10);
    }
    buf[pos++] = (char) ('0' + magnitude % 10);
    return pos;
  }

  private static final long[] POW10 = new long[19];

  static {
    POW10[0] = 1;
    for (int i = 1; i < POW10.length; i++) {
      POW10[i] = POW10[i - 1] * 10;
    }
  }

  private static int decimalLength(long digits) {
    int length = 1;
    while (length < POW10.length && digits >= POW10[length]) {
      length++;
    }
    return length;
  }

  /** Writes exactly {@code count} decimal digits of {@code value} (zero-padded) at {@code pos}. */
  private static void writeDigits(char[] buf, int pos, long value, int count) {
    for (int i = pos + count - 1; i >= pos; i--) {
      buf[i] = (char) ('0' + (int) (value % 10));
      value /= 10;
    }
  }
}
