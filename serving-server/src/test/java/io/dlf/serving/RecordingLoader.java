package io.dlf.serving;

import io.dlf.serving.model.ModelLoader;
import io.dlf.serving.model.TensorFlowModelLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The real TensorFlow loader, with fault injection: loads can be held at a gate (a slow load, for as
 * long as the test wants), and each loaded version is wrapped in a {@link GatedModel} the test can
 * hold, inspect and check for closing.
 */
public final class RecordingLoader implements ModelLoader {
  private final ModelLoader real = new TensorFlowModelLoader(1, -1);
  private final List<GatedModel> loaded = new ArrayList<>();
  private final List<Path> dirs = new ArrayList<>();
  private final Gate gate = new Gate();

  /** From now on, loads wait until {@link #releaseLoads()}. */
  public void holdLoads() {
    gate.shut();
  }

  public void releaseLoads() {
    gate.open();
  }

  /** Waits until a load has reached the gate. */
  public void awaitHeldLoad() throws InterruptedException {
    gate.awaitArrival("load");
  }

  @Override
  public GatedModel load(Path versionDir) throws IOException {
    try {
      gate.pass();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    GatedModel model = new GatedModel(real.load(versionDir));
    synchronized (this) {
      loaded.add(model);
      dirs.add(versionDir);
    }
    return model;
  }

  /** The model loaded last from a folder whose name is {@code version}. */
  public synchronized GatedModel model(long version) {
    for (int i = loaded.size() - 1; i >= 0; i--) {
      if (dirs.get(i).getFileName().toString().equals(Long.toString(version))) {
        return loaded.get(i);
      }
    }
    throw new AssertionError("version " + version + " was never loaded; loaded " + dirs);
  }

  public synchronized List<GatedModel> all() {
    return List.copyOf(loaded);
  }
}
