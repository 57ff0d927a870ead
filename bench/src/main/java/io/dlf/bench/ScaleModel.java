package io.dlf.bench;

import io.dlf.dsl.Presets;
import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.FeatureKind;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.spec.NumericTransform;
import io.dlf.dsl.spec.Regularization;
import io.dlf.trainer.data.CriteoShapedDataset;
import java.util.List;
import java.util.Map;

/**
 * The data-scale benchmark's model: the Frappe quality runs' DLF (bench/frappe-quality.sh's default
 * sizes and regularization) on a dataset's features, and the features it takes on Criteo-shaped data.
 */
final class ScaleModel {
  static final String DESCRIPTION = "dlf-paper (dim 16, 3 layers, 16 tokens, rank 8, hidden 128, embedding L2 0.1, "
      + "dropout 0)";
  /** A categorical column with more distinct values than this is hashed instead of given a vocabulary. */
  static final int HASH_ABOVE = 100_000;

  private ScaleModel() {}

  static ModelSpec on(List<Feature> features) {
    return Presets.dlfPaper(new Presets.Size(16, 3, 16, 8, 128)).features(features)
        .dropout(0f).regularization(new Regularization(0.1f, 0f)).build();
  }

  /**
   * Criteo's features as FuxiCTR prepares them: I1..I13 through the log-squared buckets, C1..C26 with
   * a vocabulary (min count 2, as the Criteo sample's catalog entry) or, above {@value #HASH_ABOVE}
   * values, hashed into {@code hashBuckets} buckets.
   */
  static List<Feature> criteoShaped(int hashBuckets) {
    Map<String, Integer> vocabularies = CriteoShapedDataset.vocabularies();
    return new CriteoShapedDataset(0).features().stream().map(feature -> {
      if (feature.kind() == FeatureKind.NUMERIC) {
        return feature.transform(NumericTransform.CRITEO_LOG_SQUARED_BUCKET).minCount(2);
      }
      return vocabularies.get(feature.name()) > HASH_ABOVE ? feature.minCount(1).hashBuckets(hashBuckets) : feature;
    }).toList();
  }

  /** The Criteo-shaped columns that are hashed. */
  static List<String> hashedCriteoColumns() {
    return criteoShaped(1).stream().filter(Feature::isHashed).map(Feature::name).toList();
  }
}
