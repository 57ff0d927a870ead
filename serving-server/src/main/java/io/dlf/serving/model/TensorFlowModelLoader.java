package io.dlf.serving.model;

import io.dlf.dsl.export.ExportedModel;
import java.io.IOException;
import java.nio.file.Path;
import org.tensorflow.proto.ConfigProto;

/**
 * Loads versions into TensorFlow sessions configured for serving, with the weights frozen into
 * the graph (fewer ops per call; see {@link ExportedModel#loadFrozen}). A negative inter-op thread
 * count makes TensorFlow run a request's ops on the thread that asked, so the batcher alone
 * decides how many batches run at once and no thread hand-off adds latency; TensorFlow honours
 * that only with the process-wide pools, hence {@code use_per_session_threads = false} (the first
 * session of the process sizes the intra-op pool).
 */
public final class TensorFlowModelLoader implements ModelLoader {
  private final ConfigProto config;

  public TensorFlowModelLoader(int intraOpThreads, int interOpThreads) {
    this.config = sessionConfig(intraOpThreads, interOpThreads);
  }

  /** The session configuration versions are served with. */
  public static ConfigProto sessionConfig(int intraOpThreads, int interOpThreads) {
    return ConfigProto.newBuilder()
        .setIntraOpParallelismThreads(intraOpThreads)
        .setInterOpParallelismThreads(interOpThreads)
        .setUsePerSessionThreads(false)
        .setAllowSoftPlacement(true)
        .build();
  }

  @Override
  public ServableModel load(Path versionDir) throws IOException {
    return new TensorFlowModel(ExportedModel.loadFrozen(versionDir, config));
  }
}
