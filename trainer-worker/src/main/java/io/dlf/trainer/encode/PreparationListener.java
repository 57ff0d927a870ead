package io.dlf.trainer.encode;

/** Hears how preparing the data goes: at the start of each stage of each split, about once a second, and at its end. */
@FunctionalInterface
public interface PreparationListener {
  PreparationListener NONE = progress -> {};

  void onProgress(PreparationProgress progress);
}
