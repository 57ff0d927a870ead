package io.dlf.trainer.encode;

import io.dlf.trainer.data.GenerationListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reports writing a generated dataset as preparation stage {@link PreparationProgress.Stage#GENERATING}:
 * rows of each split, how fast, and the bytes of the files written so far.
 */
public final class GenerationMeter implements GenerationListener {
  private final PreparationListener listener;
  private long bytesBefore;
  private Path file;
  private ProgressMeter meter;

  public GenerationMeter(PreparationListener listener) {
    this.listener = listener;
  }

  @Override
  public void splitStarted(String split, Path splitFile) {
    file = splitFile;
    meter = new ProgressMeter(listener, PreparationProgress.Stage.GENERATING, split,
        () -> bytesBefore + sizeOf(splitFile));
  }

  @Override
  public void row() {
    meter.row();
  }

  @Override
  public void splitFinished() {
    meter.finish();
    bytesBefore += sizeOf(file);
  }

  /** The file's size so far: 0 before it is created. */
  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (NoSuchFileException notYet) {
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
