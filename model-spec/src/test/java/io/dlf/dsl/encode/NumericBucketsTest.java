package io.dlf.dsl.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dlf.dsl.spec.NumericTransform;
import org.junit.jupiter.api.Test;

/**
 * FuxiCTR's Criteo rule on its edges: above 2, floor(ln(x)^2); otherwise the integer part, toward
 * zero; missing, NaN and the infinities a token of their own.
 */
class NumericBucketsTest {

  private static String token(float value) {
    return NumericBuckets.token(NumericTransform.CRITEO_LOG_SQUARED_BUCKET, value);
  }

  @Test
  void valuesUpToTwoKeepTheirIntegerPart() {
    assertEquals("0", token(0f));
    assertEquals("0", token(-0f));
    assertEquals("0", token(0.99f));
    assertEquals("1", token(1f));
    assertEquals("1", token(1.5f));
    assertEquals("2", token(2f));
    assertEquals("0", token(-0.5f));
    assertEquals("-1", token(-1f));
    assertEquals("-1", token(-1.9f));
    assertEquals("-3", token(-3f));
  }

  @Test
  void valuesAboveTwoTakeTheFloorOfTheirSquaredLog() {
    // ln(2.0001)^2 = 0.48: just above 2 is bucket 0, the bucket of the value 0
    assertEquals("0", token(2.0001f));
    assertEquals("0", token(Math.nextUp(2f)));
    assertEquals("8", token(20f)); // ln 20 = 2.996
    assertEquals("190", token(1_000_000f)); // ln 10^6 = 13.8155
    assertEquals("7871", token(Float.MAX_VALUE)); // ln = 88.7228
  }

  /** At x = e^k the squared log is k^2 exactly; the float nearest e^k lies on one side of it. */
  @Test
  void theFloatNearestEToTheKFallsOnItsSideOfTheBoundary() {
    for (int k = 1; k <= 9; k++) {
      double exact = Math.exp(k);
      float x = (float) exact;
      long expected = x >= exact ? (long) k * k : (long) k * k - 1;
      assertEquals(Long.toString(expected), token(x), "e^" + k + " as the float " + x);
      assertEquals(Long.toString((long) k * k), token(Math.nextUp(x >= exact ? x : Math.nextUp(x))), "just above e^" + k);
      assertEquals(Long.toString((long) k * k - 1), token(Math.nextDown(x >= exact ? Math.nextDown(x) : x)),
          "just below e^" + k);
    }
    assertEquals("15", token((float) Math.exp(4)), "the float nearest e^4 is below it");
    assertEquals("9", token((float) Math.exp(3)), "the float nearest e^3 is above it");
  }

  @Test
  void missingAndNonFiniteValuesAreTheirOwnCategory() {
    assertEquals(NumericBuckets.MISSING, token(Float.NaN));
    assertEquals(NumericBuckets.MISSING, token(Float.POSITIVE_INFINITY));
    assertEquals(NumericBuckets.MISSING, token(Float.NEGATIVE_INFINITY));
    assertEquals("", NumericBuckets.MISSING);
  }

  @Test
  void onlyABucketizingTransformMakesTokens() {
    assertThrows(IllegalArgumentException.class, () -> NumericBuckets.token(NumericTransform.LOG1P, 3f));
  }
}
