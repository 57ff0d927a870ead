package io.dlf.trainer.encode;

import io.dlf.dsl.compile.FieldLayout;
import io.dlf.dsl.encode.TableIds;
import io.dlf.dsl.encode.Vocabularies;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.trainer.data.BadRows;
import io.dlf.trainer.data.DatasetSchema;
import io.dlf.trainer.data.DatasetSplits;
import io.dlf.trainer.data.RowReader;

/** Reads a dataset's splits for a model: vocabularies from train (none for hashed features), then every split encoded. */
public final class DataPreparation {
  private DataPreparation() {}

  public static PreparedData prepare(ModelSpec spec, DatasetSchema schema, DatasetSplits splits, BadRows badRows) {
    ModelPlan plan = ModelPlan.of(spec);
    DatasetEncoder encoder = new DatasetEncoder(new RowReader(schema, plan.fields(), badRows));
    Vocabularies vocabularies = encoder.buildVocabularies(spec, splits.train());
    FieldLayout layout = FieldLayout.of(plan, vocabularies.sizes());
    TableIds tables = TableIds.of(plan, vocabularies);
    return new PreparedData(vocabularies, layout,
        encoder.encode(splits.train(), layout, tables),
        encoder.encode(splits.validation(), layout, tables),
        encoder.encode(splits.test(), layout, tables));
  }
}
