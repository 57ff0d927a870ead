package io.dlf.dsl.compile;

import java.util.Set;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * One lookup of embedding rows in a tower: the table, the row ids (any shape), the gathered rows
 * ({@code ids' shape + [width]}) and the ops that read the table's variables for them. Row-wise
 * updates differentiate the loss with respect to the gathered rows instead of the whole table.
 */
record TableLookup(EmbeddingTable table, Operand<TInt32> ids, Operand<TFloat32> rows, Set<GraphOperation> reads) {

  TableLookup {
    reads = Set.copyOf(reads);
  }
}
