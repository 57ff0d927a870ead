package io.dlf.dsl.encode;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;

/**
 * A hashed feature's rows: a token's row is {@code 1 + Fingerprint64(token) mod buckets}, with the
 * fingerprint read unsigned. TensorFlow's StringToHashBucketFast computes the same bucket (its
 * Fingerprint64 is FarmHash's, which Guava implements), so the exported graph hashes a raw value
 * to the row the trainer chose; row 0 is padding, as in every table.
 */
public record HashBuckets(String feature, int buckets) implements TokenIds {
  private static final HashFunction FINGERPRINT = Hashing.farmHashFingerprint64();

  public HashBuckets {
    if (buckets < 2) {
      throw new IllegalArgumentException("feature '" + feature + "' hashes into " + buckets
          + " buckets; at least 2 are needed");
    }
  }

  /** TensorFlow's Fingerprint64 of the token's UTF-8 bytes, as a signed long. */
  public static long fingerprint(String token) {
    return FINGERPRINT.hashString(token, StandardCharsets.UTF_8).asLong();
  }

  /** What StringToHashBucketFast gives the token: its bucket in {@code [0, buckets)}. */
  public int bucket(String token) {
    return (int) Long.remainderUnsigned(fingerprint(token), buckets);
  }

  @Override
  public int id(String token) {
    return 1 + bucket(token);
  }

  @Override
  public int size() {
    return buckets + 1;
  }
}
