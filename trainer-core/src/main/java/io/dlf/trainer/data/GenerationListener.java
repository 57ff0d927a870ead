package io.dlf.trainer.data;

import java.nio.file.Path;

/** Hears of the rows a {@link DatasetGenerator} writes: each split as it starts, each of its rows, and its end. */
public interface GenerationListener {
  GenerationListener NONE = new GenerationListener() {
    @Override
    public void splitStarted(String split, Path file) {}

    @Override
    public void row() {}

    @Override
    public void splitFinished() {}
  };

  /**
   * @param split "train", "validation" or "test"
   * @param file where its rows go: it grows as they are written
   */
  void splitStarted(String split, Path file);

  void row();

  void splitFinished();
}
