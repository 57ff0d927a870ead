package io.dlf.dsl.compile;

import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.RewriterConfig;

/** TensorFlow session settings. */
public final class SessionConfigs {
  private SessionConfigs() {}

  /**
   * Thread pools of the given sizes (0 lets TensorFlow pick), per session: without
   * {@code use_per_session_threads} the first session's pools serve the whole process.
   */
  public static ConfigProto threads(int intraOp, int interOp) {
    return ConfigProto.newBuilder()
        .setIntraOpParallelismThreads(intraOp)
        .setInterOpParallelismThreads(interOp)
        .setUsePerSessionThreads(true)
        .setAllowSoftPlacement(true)
        .build();
  }

  /**
   * As {@link #threads}, with oneDNN's automatic bfloat16 mixed precision ({@link #mixedBfloat16}).
   */
  public static ConfigProto bfloat16(int intraOp, int interOp) {
    return mixedBfloat16(threads(intraOp, interOp));
  }

  /**
   * {@code base} with oneDNN's automatic bfloat16 mixed precision: matrix products run in bfloat16
   * (float32 accumulation) on CPUs with AVX512-BF16 or AMX; variables stay float32. The rewrite
   * only touches ops placed on the CPU: on a GPU the graph stays float32.
   */
  public static ConfigProto mixedBfloat16(ConfigProto base) {
    ConfigProto.Builder config = base.toBuilder();
    config.getGraphOptionsBuilder().getRewriteOptionsBuilder()
        .setAutoMixedPrecisionOnednnBfloat16(RewriterConfig.Toggle.ON);
    return config.build();
  }
}
