package io.dlf.dsl.encode;

import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.Feature;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;

/** How each embedding table's owner turns tokens into rows: its vocabulary, or its hash buckets. */
public record TableIds(Map<String, TokenIds> byOwner) {

  public TableIds {
    byOwner = Map.copyOf(byOwner);
  }

  /** The tables of {@code plan}: hashed owners from the spec, the others from {@code vocabularies}. */
  public static TableIds of(ModelPlan plan, Vocabularies vocabularies) {
    Map<String, TokenIds> byOwner = new LinkedHashMap<>();
    for (String owner : plan.embeddingTables()) {
      Feature f = plan.spec().feature(owner);
      byOwner.put(owner, f.isHashed() ? new HashBuckets(owner, f.hashBuckets()) : vocabularies.get(owner));
    }
    return new TableIds(byOwner);
  }

  /** The rows {@code feature} looks up: those of the feature owning its table. */
  public TokenIds of(Feature feature) {
    TokenIds ids = byOwner.get(feature.vocabularyOwner());
    if (ids == null) {
      throw new NoSuchElementException("no table for feature '" + feature.name() + "'; have " + byOwner.keySet());
    }
    return ids;
  }
}
