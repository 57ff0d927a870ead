package io.dlf.dsl.compile;

import org.tensorflow.Operand;
import org.tensorflow.op.core.Gather;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * One gather of embedding rows in a tower: the table, the row ids (any shape) and the gathered
 * rows ({@code ids' shape + [width]}). Row-wise updates differentiate the loss with respect to the
 * gathered rows instead of the whole table.
 */
record TableLookup(Variable<TFloat32> table, Operand<TInt32> ids, Gather<TFloat32> rows) {}
