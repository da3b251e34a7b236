package dev.claudemesh.core.jcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class EcmaNumberTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "0000000000000000, 0",
    "8000000000000000, 0",
    "0000000000000001, 5e-324",
    "0000000000000002, 1e-323",
    "0000000000000003, 1.5e-323",
    "8000000000000001, -5e-324",
    "7fefffffffffffff, 1.7976931348623157e+308",
    "4340000000000000, 9007199254740992",
    "4430000000000000, 295147905179352830000",
    "44b52d02c7e14af5, 9.999999999999997e+22",
    "44b52d02c7e14af6, 1e+23",
    "444b1ae4d6e2ef4f, 999999999999999900000",
    "444b1ae4d6e2ef50, 1e+21",
    "3eb0c6f7a0b5ed8c, 9.999999999999997e-7",
    "3eb0c6f7a0b5ed8d, 0.000001",
    "41b3de4355555553, 333333333.3333332",
    "becbf647612f3696, -0.0000033333333333333333",
    "43143ff3c1cb0959, 1424953923781206.2",
    "3fb999999999999a, 0.1",
    "3ff0000000000000, 1",
    "4024000000000000, 10",
    "3fd5555555555555, 0.3333333333333333",
    "0010000000000000, 2.2250738585072014e-308",
    "000fffffffffffff, 2.225073858507201e-308",
    "3e7ad7f29abcaf48, 1e-7",
  })
  void formatsLikeEcmaScript(String bitsHex, String expected) {
    double value = Double.longBitsToDouble(Long.parseUnsignedLong(bitsHex, 16));
    assertEquals(expected, EcmaNumber.format(value));
  }

  @Test
  void rejectsNonFiniteValues() {
    assertEquals("NaN is not a JSON number",
        assertThrows(JcsException.class, () -> EcmaNumber.format(Double.NaN)).getMessage());
    assertEquals("Infinity is not a JSON number",
        assertThrows(JcsException.class, () -> EcmaNumber.format(Double.POSITIVE_INFINITY)).getMessage());
    assertThrows(JcsException.class, () -> EcmaNumber.format(Double.NEGATIVE_INFINITY));
  }

  @Test
  void nothingIsAppendedWhenRejected() {
    StringBuilder out = new StringBuilder("x");
    assertThrows(JcsException.class, () -> EcmaNumber.appendTo(out, Double.NaN));
    assertEquals("x", out.toString());
  }

  @Test
  void agreesWithExactOracleOnRandomBitPatterns() {
    SplittableRandom random = new SplittableRandom(0x5eed_cafeL);
    for (int i = 0; i < 100_000; i++) {
      double value = Double.longBitsToDouble(random.nextLong());
      if (Double.isNaN(value) || Double.isInfinite(value)) {
        continue;
      }
      assertSameAsOracle(value);
    }
  }

  @Test
  void agreesWithExactOracleOnSubnormals() {
    SplittableRandom random = new SplittableRandom(42);
    for (long small = 1; small <= 2_000; small++) {
      assertSameAsOracle(Double.longBitsToDouble(small));
    }
    for (int i = 0; i < 10_000; i++) {
      assertSameAsOracle(Double.longBitsToDouble(random.nextLong(1L << 52)));
    }
  }

  @Test
  void agreesWithExactOracleNearPowersOfTwoAndTen() {
    for (int e = -1074; e <= 1023; e++) {
      double power = Math.scalb(1.0, e);
      assertSameAsOracle(power);
      assertSameAsOracle(Math.nextUp(power));
      assertSameAsOracle(Math.nextDown(power));
    }
    for (int e = -323; e <= 308; e++) {
      double power = Double.parseDouble("1e" + e);
      assertSameAsOracle(power);
      assertSameAsOracle(Math.nextUp(power));
      assertSameAsOracle(Math.nextDown(power));
    }
  }

  @Test
  void integersBelowTwoTo53AreExact() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 100_000; i++) {
      long n = random.nextLong(1L << 53);
      assertEquals(Long.toString(n), EcmaNumber.format((double) n));
    }
  }

  @Test
  void outputParsesBackToTheSameDouble() {
    SplittableRandom random = new SplittableRandom(99);
    for (int i = 0; i < 200_000; i++) {
      double value = Double.longBitsToDouble(random.nextLong());
      if (Double.isFinite(value)) {
        assertEquals(
            Double.doubleToLongBits(value == 0 ? 0.0 : value),
            Double.doubleToLongBits(Double.parseDouble(EcmaNumber.format(value))),
            () -> Double.toString(value));
      }
    }
  }

  private static void assertSameAsOracle(double value) {
    assertEquals(
        ExactShortest.format(value),
        EcmaNumber.format(value),
        () -> "bits " + Long.toHexString(Double.doubleToRawLongBits(value)));
  }
}
