package io.dlf.client.cli;

import io.dlf.proto.model.v1.EvaluationMetrics;
import io.dlf.proto.model.v1.RocPoint;
import io.dlf.proto.trainer.v1.Job;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** A PNG of a finished job's test ROC curve, which the trainer returns with the test metrics. */
final class RocCurve {
  static final String FILE = "roc-curve.png";

  private RocCurve() {}

  /** Writes {@code dir/roc-curve.png}; the job's test metrics must carry ROC points. */
  static Path write(Job job, Path dir) throws IOException {
    EvaluationMetrics test = job.getMetrics().getTest();
    XYChart chart = new XYChartBuilder().width(560).height(560)
        .title(String.format(Locale.ROOT, "%s: test ROC (AUC %.4f)", job.getModelName(), test.getAuc()))
        .xAxisTitle("false positive rate").yAxisTitle("true positive rate").build();
    chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0)
        .setLegendPosition(LegendPosition.InsideSE);
    // Up to 200 points: markers would hide the curve's shape.
    chart.addSeries("test", test.getRocList().stream().mapToDouble(RocPoint::getFalsePositiveRate).toArray(),
        test.getRocList().stream().mapToDouble(RocPoint::getTruePositiveRate).toArray()).setMarker(SeriesMarkers.NONE);
    XYSeries chance = chart.addSeries("chance", new double[] {0, 1}, new double[] {0, 1});
    chance.setMarker(SeriesMarkers.NONE);
    chance.setLineStyle(SeriesLines.DASH_DASH);
    chance.setLineColor(Color.GRAY);
    Path file = dir.resolve(FILE);
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    return file;
  }
}
