package io.dlf.dsl.encode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.spec.Feature;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one rule for a sequence's tokens, and raw batches assembled from a source and joined. */
class RawEncodingTest {
  private static final List<Feature> INPUTS = List.of(Feature.categorical("user"), Feature.numeric("price"),
      Feature.sequence("history", 3));

  @Test
  void anEmptyTokenIsNoToken() {
    assertArrayEquals(new String[] {"a", "b"}, SequenceTokenizer.split("a||b|", "|"));
    assertArrayEquals(new String[] {"a", "b"}, SequenceTokenizer.split("|a|b", "|"));
    assertArrayEquals(new String[0], SequenceTokenizer.split("", "|"));
    assertArrayEquals(new String[0], SequenceTokenizer.split("|||", "|"));
    assertArrayEquals(new String[] {"a b", "c"}, SequenceTokenizer.split("a b::c::", "::"));
    assertArrayEquals(new String[] {"a", "b"}, SequenceTokenizer.nonEmpty(new String[] {"", "a", "", "b", ""}));
    String[] clean = {"a", "b"};
    assertSame(clean, SequenceTokenizer.nonEmpty(clean));
  }

  @Test
  void aBatchTakesEachInputsColumnByKindAndDropsEmptyTokens() {
    String[][] history = {{"a", "", "b"}, {}};
    RawBatch batch = RawBatch.of(INPUTS, 2, source(new String[] {"u1", "u2"}, new float[] {1, Float.NaN}, history));
    assertEquals(2, batch.size());
    assertArrayEquals(new String[] {"u1", "u2"}, batch.strings().get("user"));
    assertArrayEquals(new float[] {1, Float.NaN}, batch.numbers().get("price"));
    assertArrayEquals(new String[][] {{"a", "b"}, {}}, batch.sequences().get("history"));
    assertArrayEquals(new String[] {"a", "", "b"}, history[0], "the source's arrays are left as they were");
  }

  @Test
  void aColumnOfTheWrongLengthIsRefusedNamingTheFeature() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RawBatch.of(INPUTS, 2,
        source(new String[] {"u1"}, new float[2], new String[2][0])));
    assertTrue(e.getMessage().contains("feature 'user' has 1 values for 2 examples"), e.getMessage());
  }

  @Test
  void batchesJoinInOrder() {
    RawBatch first = RawBatch.of(INPUTS, 1, source(new String[] {"u1"}, new float[] {1}, new String[][] {{"a"}}));
    RawBatch second = RawBatch.of(INPUTS, 2, source(new String[] {"u2", "u3"}, new float[] {2, 3},
        new String[][] {{}, {"b", "c"}}));
    RawBatch joined = RawBatch.concat(List.of(first, second));
    assertEquals(3, joined.size());
    assertArrayEquals(new String[] {"u1", "u2", "u3"}, joined.strings().get("user"));
    assertArrayEquals(new float[] {1, 2, 3}, joined.numbers().get("price"));
    assertArrayEquals(new String[][] {{"a"}, {}, {"b", "c"}}, joined.sequences().get("history"));
    assertSame(first, RawBatch.concat(List.of(first)));
  }

  private static RawColumnSource source(String[] users, float[] prices, String[][] histories) {
    return new RawColumnSource() {
      @Override
      public String[] categorical(Feature feature) {
        return users;
      }

      @Override
      public float[] numeric(Feature feature) {
        return prices;
      }

      @Override
      public String[][] sequence(Feature feature) {
        return histories;
      }
    };
  }
}
