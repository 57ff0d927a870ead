package io.dlf.dsl.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.dlf.dsl.encode.Vocabulary;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TString;

/** The graph's joint lookup gives every value the id its own vocabulary gives it in Java. */
class StringLookupTest {
  private static final Vocabulary CITY = new Vocabulary("city", 1, List.of("paris", "rome", "oslo", "lima"));
  private static final Vocabulary USER = new Vocabulary("user", 1,
      IntStream.range(0, 300).mapToObj(i -> "u" + i).toList());
  private static final Vocabulary EMPTY = new Vocabulary("weather", 1, List.of());
  private static final List<Vocabulary> VOCABULARIES = List.of(CITY, USER, EMPTY);

  @Test
  void columnsOfDifferentVocabulariesGetTheirOwnIds() {
    // "rome" is in CITY only, "u7" in USER only: each column must find a value in its own vocabulary
    String[][] rows = {
        {"rome", "u7", "sunny"},
        {"u7", "rome", ""},
        {"lima", "u299", "rome"},
        {"atlantis", "u300", "u1"}};
    int[] columns = {0, 1, 2};
    int[] expected = new int[rows.length * columns.length];
    for (int r = 0; r < rows.length; r++) {
      for (int c = 0; c < columns.length; c++) {
        expected[r * columns.length + c] = VOCABULARIES.get(columns[c]).id(rows[r][c]);
      }
    }
    assertArrayEquals(expected, lookup(rows, columns, false));
  }

  @Test
  void aSequenceUsesOneVocabularyAndTheEmptyStringIsPadding() {
    String[][] histories = {{"u3", "u250", "", ""}, {"nobody", "u0", "u3", ""}};
    int[] expected = {USER.id("u3"), USER.id("u250"), Vocabulary.PAD, Vocabulary.PAD,
        USER.oovId(), USER.id("u0"), USER.id("u3"), Vocabulary.PAD};
    assertArrayEquals(expected, lookup(histories, new int[] {1}, true));
  }

  private static int[] lookup(String[][] values, int[] columns, boolean emptyIsPadding) {
    String[] flat = Arrays.stream(values).flatMap(Arrays::stream).toArray(String[]::new);
    Shape shape = Shape.of(values.length, values[0].length);
    try (Graph graph = new Graph(); Session session = new Session(graph);
        TString input = TString.tensorOf(shape, DataBuffers.ofObjects(flat))) {
      Ops tf = Ops.create(graph);
      var raw = tf.placeholder(TString.class);
      Operand<TInt32> ids = StringLookup.of(tf, VOCABULARIES).lookup(raw, columns, emptyIsPadding);
      try (Result result = session.runner().feed(raw, input).fetch(ids).run()) {
        TInt32 out = (TInt32) result.get(0);
        int[] read = new int[flat.length];
        out.asRawTensor().data().asInts().read(read);
        return read;
      }
    }
  }
}
