package dev.claudemesh.core.jcs;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * A slow, obviously-correct oracle for the shortest round-trip decimal: exact big-decimal
 * arithmetic over the rounding interval, trying one more significant digit at a time. Independent
 * of the Schubfach code under test; only the final layout is shared.
 */
final class ExactShortest {
  private ExactShortest() {}

  static String format(double value) {
    if (value == 0) {
      return "0";
    }
    if (value < 0) {
      return "-" + format(-value);
    }
    BigDecimal exact = new BigDecimal(value);
    BigDecimal two = BigDecimal.valueOf(2);
    BigDecimal below = new BigDecimal(Math.nextDown(value));
    BigDecimal above =
        value == Double.MAX_VALUE
            ? exact.add(new BigDecimal(Math.ulp(value))) // the next binade would start here
            : new BigDecimal(Math.nextUp(value));
    BigDecimal low = exact.add(below).divide(two);
    BigDecimal high = exact.add(above).divide(two);
    boolean evenSignificand = (Double.doubleToRawLongBits(value) & 1) == 0;
    for (int digits = 1; digits <= 17; digits++) {
      BigDecimal down = exact.round(new MathContext(digits, RoundingMode.FLOOR));
      BigDecimal up = exact.round(new MathContext(digits, RoundingMode.CEILING));
      boolean downIn = inside(down, low, high, evenSignificand);
      boolean upIn = inside(up, low, high, evenSignificand);
      BigDecimal chosen;
      if (downIn && upIn) {
        int cmp = exact.subtract(down).compareTo(up.subtract(exact));
        if (cmp < 0) {
          chosen = down;
        } else if (cmp > 0) {
          chosen = up;
        } else {
          chosen = lastDigitEven(down) ? down : up;
        }
      } else if (downIn) {
        chosen = down;
      } else if (upIn) {
        chosen = up;
      } else {
        continue;
      }
      BigDecimal stripped = chosen.stripTrailingZeros();
      StringBuilder out = new StringBuilder();
      EcmaNumber.appendDecimal(out, stripped.unscaledValue().longValueExact(), -stripped.scale());
      return out.toString();
    }
    throw new AssertionError("no decimal of at most 17 digits for " + value);
  }

  private static boolean inside(BigDecimal d, BigDecimal low, BigDecimal high, boolean closed) {
    int lo = d.compareTo(low);
    int hi = d.compareTo(high);
    return closed ? lo >= 0 && hi <= 0 : lo > 0 && hi < 0;
  }

  private static boolean lastDigitEven(BigDecimal d) {
    return !d.unscaledValue().testBit(0);
  }
}
