package io.dlf.client.cli;

import io.dlf.proto.model.v1.EpochMetrics;
import io.dlf.proto.trainer.v1.Job;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/** A PNG of a job's training curves: loss (train and validation) and validation AUC, per epoch. */
final class TrainingCurves {
  static final String FILE = "training-curves.png";

  private TrainingCurves() {}

  /** Writes {@code dir/training-curves.png} from the job's epochs; there must be at least one. */
  static Path write(Job job, Path dir) throws IOException {
    List<EpochMetrics> epochs = job.getEpochsList();
    double[] x = epochs.stream().mapToDouble(EpochMetrics::getEpoch).toArray();
    XYChart loss = chart(job.getModelName() + ": log loss", "log loss");
    loss.addSeries("train", x, epochs.stream().mapToDouble(EpochMetrics::getTrainLoss).toArray());
    loss.addSeries("validation", x, epochs.stream().mapToDouble(e -> e.getValidation().getLogloss()).toArray());
    XYChart auc = chart(job.getModelName() + ": validation AUC", "AUC");
    auc.addSeries("validation", x, epochs.stream().mapToDouble(e -> e.getValidation().getAuc()).toArray());
    Path file = dir.resolve(FILE);
    BitmapEncoder.saveBitmap(List.of(loss, auc), 1, 2, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    return file;
  }

  private static XYChart chart(String title, String yTitle) {
    XYChart chart = new XYChartBuilder().width(560).height(400).title(title).xAxisTitle("epoch").yAxisTitle(yTitle)
        .build();
    // Whole epochs only: a one-epoch run would otherwise get fractional ticks.
    chart.getStyler().setXAxisDecimalPattern("#");
    return chart;
  }
}
