package io.dlf.dsl.plan;

/** Sums and products of sizes that throw {@link ArithmeticException} rather than wrap. */
final class Exact {
  private Exact() {}

  static long sum(long... terms) {
    long total = 0;
    for (long term : terms) {
      total = Math.addExact(total, term);
    }
    return total;
  }

  /** {@code a + b} for sizes (never negative), or {@link Long#MAX_VALUE} when that does not fit. */
  static long saturatedSum(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }

  /** The product of sizes (never negative), or {@link Long#MAX_VALUE} when it does not fit. */
  static long saturatedProduct(long... factors) {
    try {
      return product(factors);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  static long product(long... factors) {
    long total = 1;
    for (long factor : factors) {
      total = Math.multiplyExact(total, factor);
    }
    return total;
  }
}
