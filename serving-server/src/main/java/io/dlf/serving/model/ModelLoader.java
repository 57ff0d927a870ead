package io.dlf.serving.model;

import java.io.IOException;
import java.nio.file.Path;

/** Loads a version folder of the model repository. */
public interface ModelLoader {

  /** Throws {@link IOException} saying what is wrong with the folder when it cannot be served. */
  ServableModel load(Path versionDir) throws IOException;
}
