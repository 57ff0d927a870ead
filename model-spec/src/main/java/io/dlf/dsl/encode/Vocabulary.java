package io.dlf.dsl.encode;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The token ids of one feature's vocabulary, FuxiCTR style: 0 is padding, known tokens are 1..K
 * in descending training frequency (ties by token), and K + 1 is out-of-vocabulary. The table
 * behind it therefore has K + 2 rows.
 */
public final class Vocabulary implements TokenIds {
  public static final int PAD = 0;

  private final String feature;
  private final int minCount;
  private final List<String> tokens;
  private final Map<String, Integer> ids;

  public Vocabulary(String feature, int minCount, List<String> tokens) {
    this.feature = requireNonNull(feature, "feature is null");
    this.minCount = minCount;
    this.tokens = List.copyOf(tokens);
    this.ids = new HashMap<>(tokens.size() * 2);
    for (int i = 0; i < tokens.size(); i++) {
      if (ids.put(tokens.get(i), i + 1) != null) {
        throw new IllegalArgumentException("vocabulary of '" + feature + "' lists '" + tokens.get(i) + "' twice");
      }
    }
  }

  @Override
  public String feature() {
    return feature;
  }

  public int minCount() {
    return minCount;
  }

  /** Known tokens; token i has id i + 1. */
  public List<String> tokens() {
    return tokens;
  }

  public int oovId() {
    return tokens.size() + 1;
  }

  /** Rows of the embedding table: PAD, every token, OOV. */
  @Override
  public int size() {
    return tokens.size() + 2;
  }

  /** The id of a raw value; unseen values get {@link #oovId()}. */
  @Override
  public int id(String token) {
    Integer id = ids.get(token);
    return id == null ? oovId() : id;
  }
}
