package io.dlf.dsl.repository;

import java.nio.file.Path;
import java.util.Map;

/** A second process writing labels: {@code LabelsFileWriter ROOT MODEL PREFIX COUNT} adds PREFIX0 .. PREFIX(COUNT-1). */
public final class LabelsFileWriter {
  private LabelsFileWriter() {}

  public static void main(String[] args) throws Exception {
    LabelsFile labels = new LabelsFile(new ModelRepository(Path.of(args[0])));
    int count = Integer.parseInt(args[3]);
    for (int i = 0; i < count; i++) {
      String label = args[2] + i;
      labels.update(args[1], Map.of(), l -> l.put(label, 1L));
    }
  }
}
