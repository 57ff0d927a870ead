package io.dlf.trainer.data;

import java.util.List;

/**
 * The shape of Criteo's display-advertising data that {@link CriteoShapedDataset} imitates: per
 * column, how often it is missing and how its values are distributed.
 *
 * <p>Numeric columns I1..I13: missing rates, medians and 90th percentiles as measured on the 9,200
 * rows of the shared sample ({@code criteo/train.csv.gz} and {@code test.txt.gz}); values are
 * {@code floor(lognormal)} counts through that median and 90th percentile (so some are 0, and a few
 * are far out in the tail), and I2, as in Criteo, is sometimes negative (-1, rarely -2).
 *
 * <p>Categorical columns C1..C26: vocabularies are the distinct counts of the full Kaggle Criteo
 * data (as reported with DLRM's Criteo Kaggle preprocessing), from 3 to 10 million; each value's rank is
 * Zipf-distributed with the exponent that gives the sample's share of the most frequent value;
 * missing rates are the sample's. Missing cells are drawn independently per column (in Criteo some
 * columns go missing together).
 *
 * <table>
 *   <caption>Categorical columns</caption>
 *   <tr><th>column</th><th>vocabulary</th><th>Zipf exponent</th><th>missing</th></tr>
 *   <tr><td>C1</td><td>1,460</td><td>1.73</td><td>0</td></tr>
 *   <tr><td>C2</td><td>583</td><td>0.95</td><td>0</td></tr>
 *   <tr><td>C3</td><td>10,131,227</td><td>0.98</td><td>3.6%</td></tr>
 *   <tr><td>C4</td><td>2,202,608</td><td>1.02</td><td>3.6%</td></tr>
 *   <tr><td>C5</td><td>305</td><td>2.18</td><td>0</td></tr>
 *   <tr><td>C6</td><td>24</td><td>1.71</td><td>13.5%</td></tr>
 *   <tr><td>C7</td><td>12,517</td><td>0.62</td><td>0</td></tr>
 *   <tr><td>C8</td><td>633</td><td>1.94</td><td>0</td></tr>
 *   <tr><td>C9</td><td>3</td><td>3.30</td><td>0</td></tr>
 *   <tr><td>C10</td><td>93,145</td><td>1.32</td><td>0</td></tr>
 *   <tr><td>C11</td><td>5,683</td><td>0.67</td><td>0</td></tr>
 *   <tr><td>C12</td><td>8,351,593</td><td>0.97</td><td>3.6%</td></tr>
 *   <tr><td>C13</td><td>3,194</td><td>0.65</td><td>0</td></tr>
 *   <tr><td>C14</td><td>27</td><td>1.28</td><td>0</td></tr>
 *   <tr><td>C15</td><td>14,992</td><td>0.72</td><td>0</td></tr>
 *   <tr><td>C16</td><td>5,461,306</td><td>0.97</td><td>3.6%</td></tr>
 *   <tr><td>C17</td><td>10</td><td>1.29</td><td>0</td></tr>
 *   <tr><td>C18</td><td>5,652</td><td>0.84</td><td>0</td></tr>
 *   <tr><td>C19</td><td>2,173</td><td>1.98</td><td>45%</td></tr>
 *   <tr><td>C20</td><td>4</td><td>0.52</td><td>45%</td></tr>
 *   <tr><td>C21</td><td>7,046,547</td><td>0.97</td><td>3.6%</td></tr>
 *   <tr><td>C22</td><td>18</td><td>1.67</td><td>81.9%</td></tr>
 *   <tr><td>C23</td><td>15</td><td>1.44</td><td>0</td></tr>
 *   <tr><td>C24</td><td>286,181</td><td>1.00</td><td>3.6%</td></tr>
 *   <tr><td>C25</td><td>105</td><td>1.32</td><td>45%</td></tr>
 *   <tr><td>C26</td><td>142,572</td><td>1.00</td><td>45%</td></tr>
 * </table>
 */
final class CriteoShape {

  /**
   * A count column: {@code floor(exp(N(mu, sigma)))} with {@code exp(mu) = median + 0.5} and the
   * 90th percentile at {@code p90 + 0.5}; with probability {@code negative} the value is -1 (a tenth
   * of those -2) instead.
   */
  record NumericColumn(String name, double missing, double median, double p90, double negative) {
    private static final double Z90 = 1.2815515655446004;

    double mu() {
      return Math.log(median + 0.5);
    }

    double sigma() {
      return (Math.log(p90 + 0.5) - mu()) / Z90;
    }
  }

  /** A categorical column whose value ranks 1..vocabulary follow Zipf's law with this exponent. */
  record CategoricalColumn(String name, int vocabulary, double exponent, double missing) {}

  static final List<NumericColumn> NUMERIC = List.of(
      new NumericColumn("I1", 0.447, 1, 8, 0),
      new NumericColumn("I2", 0.0, 3, 192, 0.097),
      new NumericColumn("I3", 0.203, 7, 51, 0),
      new NumericColumn("I4", 0.196, 4, 20, 0),
      new NumericColumn("I5", 0.050, 2430, 32847, 0),
      new NumericColumn("I6", 0.251, 41, 334, 0),
      new NumericColumn("I7", 0.048, 3, 29, 0),
      new NumericColumn("I8", 0.001, 8, 35, 0),
      new NumericColumn("I9", 0.048, 41, 304, 0),
      new NumericColumn("I10", 0.447, 0, 1, 0),
      new NumericColumn("I11", 0.048, 1, 5, 0),
      new NumericColumn("I12", 0.771, 0, 2, 0),
      new NumericColumn("I13", 0.196, 5, 27, 0));

  static final List<CategoricalColumn> CATEGORICAL = List.of(
      new CategoricalColumn("C1", 1_460, 1.73, 0),
      new CategoricalColumn("C2", 583, 0.95, 0),
      new CategoricalColumn("C3", 10_131_227, 0.98, 0.036),
      new CategoricalColumn("C4", 2_202_608, 1.02, 0.036),
      new CategoricalColumn("C5", 305, 2.18, 0),
      new CategoricalColumn("C6", 24, 1.71, 0.135),
      new CategoricalColumn("C7", 12_517, 0.62, 0),
      new CategoricalColumn("C8", 633, 1.94, 0),
      new CategoricalColumn("C9", 3, 3.30, 0),
      new CategoricalColumn("C10", 93_145, 1.32, 0),
      new CategoricalColumn("C11", 5_683, 0.67, 0),
      new CategoricalColumn("C12", 8_351_593, 0.97, 0.036),
      new CategoricalColumn("C13", 3_194, 0.65, 0),
      new CategoricalColumn("C14", 27, 1.28, 0),
      new CategoricalColumn("C15", 14_992, 0.72, 0),
      new CategoricalColumn("C16", 5_461_306, 0.97, 0.036),
      new CategoricalColumn("C17", 10, 1.29, 0),
      new CategoricalColumn("C18", 5_652, 0.84, 0),
      new CategoricalColumn("C19", 2_173, 1.98, 0.45),
      new CategoricalColumn("C20", 4, 0.52, 0.45),
      new CategoricalColumn("C21", 7_046_547, 0.97, 0.036),
      new CategoricalColumn("C22", 18, 1.67, 0.819),
      new CategoricalColumn("C23", 15, 1.44, 0),
      new CategoricalColumn("C24", 286_181, 1.00, 0.036),
      new CategoricalColumn("C25", 105, 1.32, 0.45),
      new CategoricalColumn("C26", 142_572, 1.00, 0.45));

  private CriteoShape() {}
}
