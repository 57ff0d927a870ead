package io.dlf.dsl.encode;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.dlf.proto.model.v1.VocabularySet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;

/** The vocabularies of a model by owning feature, and their JSON file form ({@code dlf.model.v1.VocabularySet}). */
public record Vocabularies(Map<String, Vocabulary> byFeature) {
  public static final int FORMAT_VERSION = 1;

  public Vocabularies {
    byFeature = Map.copyOf(byFeature);
  }

  public Vocabulary get(String feature) {
    Vocabulary v = byFeature.get(feature);
    if (v == null) {
      throw new NoSuchElementException("no vocabulary for feature '" + feature + "'; have " + byFeature.keySet());
    }
    return v;
  }

  /** Table rows per owning feature, as the compiler needs them. */
  public Map<String, Integer> sizes() {
    Map<String, Integer> sizes = new LinkedHashMap<>();
    byFeature.forEach((k, v) -> sizes.put(k, v.size()));
    return sizes;
  }

  public String toJson() {
    VocabularySet.Builder set = VocabularySet.newBuilder().setFormatVersion(FORMAT_VERSION);
    byFeature.values().stream().sorted(java.util.Comparator.comparing(Vocabulary::feature)).forEach(v ->
        set.addVocabularies(io.dlf.proto.model.v1.Vocabulary.newBuilder()
            .setFeature(v.feature()).setMinCount(v.minCount()).addAllTokens(v.tokens())));
    try {
      return JsonFormat.printer().preservingProtoFieldNames().print(set);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Vocabularies fromJson(String json) throws InvalidProtocolBufferException {
    VocabularySet.Builder set = VocabularySet.newBuilder();
    JsonFormat.parser().merge(json, set);
    if (set.getFormatVersion() != FORMAT_VERSION) {
      throw new InvalidProtocolBufferException("vocabulary format_version " + set.getFormatVersion()
          + " is not " + FORMAT_VERSION);
    }
    Map<String, Vocabulary> map = new LinkedHashMap<>();
    for (io.dlf.proto.model.v1.Vocabulary v : set.getVocabulariesList()) {
      map.put(v.getFeature(), new Vocabulary(v.getFeature(), v.getMinCount(), v.getTokensList()));
    }
    return new Vocabularies(map);
  }
}
