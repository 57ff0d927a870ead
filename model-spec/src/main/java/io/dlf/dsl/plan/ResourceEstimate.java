package io.dlf.dsl.plan;

import static io.dlf.dsl.plan.Exact.product;

import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.FeatureKind;
import io.dlf.dsl.spec.Quoted;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * The memory a training job needs, estimated from its plan before it runs, in three kinds:
 *
 * <ul>
 *   <li>{@link Kind#STATE}: every parameter (embedding tables included) as a float, Adam's two
 *       slots, and the step's gradient and its clipped copy: 5 floats per parameter. Tables count
 *       in full, as dense updates need them (TensorFlow's C++ gradient of a gather is dense); the
 *       default row-wise updates hold 3 floats per table parameter plus the batch's rows, so for
 *       them the count is an upper bound. A hashed table's rows are its buckets and padding row,
 *       known from the spec; the other tables' rows come from the data's vocabularies.
 *   <li>{@link Kind#STEP}: the larger of a training step and an evaluation batch. A training step
 *       keeps every forward tensor of the rows it differentiates at once (the batch, or one
 *       micro-batch of it) until the backward pass reads it (whose gradients take the place of the
 *       tensors it frees). An evaluation batch (the eval batch size, at most the larger of
 *       validation and test) runs forward only, freeing tensors as it goes: it holds half the
 *       heaviest block's tensors, or a sixth of the whole forward
 *       pass where more blocks' outputs stay alive (skip connections, the raw embeddings).
 *   <li>{@link Kind#DATA}: what a worker holds of the data while it trains from prepared shards:
 *       the shuffle buffer (at most {@value #SHUFFLE_BUFFER_BYTES} bytes of encoded rows, an int or
 *       float per field and sequence position and the label), the batches read ahead of the step
 *       ({@value #BATCHES_AHEAD} and the one in use), each evaluated row's label and probability with
 *       the metrics' sorting ({@value #EVALUATED_ROW_BYTES} bytes a row of validation and test), and
 *       the vocabularies being counted (about {@value #VOCABULARY_ENTRY_BYTES} bytes per distinct
 *       token and the tokens' text). The rows themselves stay on disk, so the training split's size
 *       adds nothing.
 * </ul>
 *
 * <p>Each part is scaled by a safety factor of {@value #SAFETY_PERCENT}%, chosen so the estimate
 * bounds measured peaks from above (bench/results/admission-2026-12-06.md). Each part names the
 * size that scales it most (its {@link Part#driver}); the estimate's {@link #driver()} is the one
 * with the most bytes. All arithmetic is exact: an estimate beyond {@link Long#MAX_VALUE} bytes
 * {@link #overflows()}.
 */
public final class ResourceEstimate {
  /** The driver of a training step's activations. */
  public static final String BATCH_SIZE = "training.batch_size";
  /** The driver of an evaluation batch's activations. */
  public static final String EVAL_BATCH_SIZE = "training.eval_batch_size";
  /** The driver of what the data holds: its rows and vocabularies. */
  public static final String DATA = "dataset";
  /** Bytes per distinct token while vocabularies are counted: map entry, String, count, later its id. */
  static final int VOCABULARY_ENTRY_BYTES = 128;
  /** The most bytes of encoded rows a streamed epoch shuffles in memory at once. */
  public static final int SHUFFLE_BUFFER_BYTES = 64 << 20;
  /** How many batches a streamed split's reader prepares ahead of the step. */
  public static final int BATCHES_AHEAD = 4;
  /** An evaluated row's label and probability, and the metrics' sorted copies. */
  static final long EVALUATED_ROW_BYTES = 16;
  private static final long FLOAT = 4;
  private static final long STATE_FLOATS_PER_PARAMETER = 5;
  /** An evaluation batch holds at most this share of a forward pass: 1/7.2 to 1/12.4 measured on DLF. */
  private static final long EVAL_LIVE_DIVISOR = 6;
  /**
   * The raw counts bounded the measured peaks by 1.3x to 1.9x; a quarter more leaves room for
   * allocators, JVM heap sizing and machines that differ from the one measured.
   */
  static final long SAFETY_PERCENT = 125;

  /** What a part of the estimate is. */
  public enum Kind {
    STATE("parameters, Adam slots and gradients"),
    STEP("activations of one step"),
    DATA("encoded data and vocabularies");

    private final String description;

    Kind(String description) {
      this.description = description;
    }

    public String description() {
      return description;
    }
  }

  /**
   * Bytes of one kind that one size scales.
   *
   * @param driver a spec path such as {@code dlf.layers[0].low_rank.tokens}, or {@link #BATCH_SIZE},
   *     {@link #EVAL_BATCH_SIZE} or {@link #DATA}
   * @param bytes {@link Long#MAX_VALUE} when the count overflowed
   */
  public record Part(Kind kind, String driver, long bytes) {}

  private final List<Part> parts;

  private ResourceEstimate(List<Part> parts) {
    this.parts = List.copyOf(parts);
  }

  /** The estimate of training {@code plan} at {@code batches}, on data of {@code data}'s size. */
  public static ResourceEstimate of(ModelPlan plan, BatchSizes batches, DataSize data) {
    Parts parts = new Parts();
    String backbone = plan.spec().backbone().pathName();
    Map<String, BlockFootprint> footprints;
    List<SummaryRow> rows;
    try {
      footprints = BlockFootprints.of(plan);
      rows = plan.summary().rows();
    } catch (ArithmeticException e) {
      parts.overflow(Kind.STEP, backbone);
      return new ResourceEstimate(parts.list);
    }
    state(plan, data, rows, footprints, parts);
    step(batches.stepRows(), batches.evaluation(), data, footprints, parts);
    data(plan, batches.training(), data, parts);
    return new ResourceEstimate(parts.list);
  }

  private static void state(ModelPlan plan, DataSize data, List<SummaryRow> rows,
      Map<String, BlockFootprint> footprints, Parts parts) {
    long width = plan.dim() + (plan.backbone().firstOrder() ? 1 : 0);
    long stateBytes = FLOAT * STATE_FLOATS_PER_PARAMETER;
    data.tableRows().forEach((owner, tableRows) -> parts.add(Kind.STATE,
        tableRows >= plan.dim() ? DATA : "embedding.dim", () -> product(tableRows, width, stateBytes)));
    plan.hashedTableRows().forEach((owner, tableRows) -> parts.add(Kind.STATE,
        tableRows >= plan.dim() ? hashBucketsPath(plan, owner) : "embedding.dim",
        () -> product(tableRows, width, stateBytes)));
    Map<String, Long> ownerRows = new LinkedHashMap<>(data.tableRows());
    plan.hashedTableRows().forEach((owner, tableRows) -> ownerRows.put(owner, (long) tableRows));
    plan.backbone().ownTables().values().forEach(owners -> parts.add(Kind.STATE, DATA, () -> product(
        owners.stream().mapToLong(owner -> ownerRows.getOrDefault(owner, 0L)).sum(), plan.dim(), stateBytes)));
    long numeric = plan.fields().stream().filter(f -> f.kind() == FeatureKind.NUMERIC && !f.hasVocabulary()).count();
    parts.add(Kind.STATE, "embedding.dim", () -> product(numeric, width, stateBytes));
    for (SummaryRow row : rows) {
      if (!row.embedding()) {
        parts.add(Kind.STATE, driver(footprints, row.path()), () -> product(row.parameters(), stateBytes));
      }
    }
  }

  /** The spec path of a hashed feature's buckets, the size its table's bytes follow. */
  private static String hashBucketsPath(ModelPlan plan, String owner) {
    return "features[" + plan.spec().features().indexOf(plan.spec().feature(owner)) + "].hash_buckets";
  }

  private static void step(int stepRows, int evalBatchSize, DataSize data, Map<String, BlockFootprint> footprints,
      Parts parts) {
    long forward = footprints.values().stream().mapToLong(BlockFootprint::floatsPerSample)
        .reduce(0, Exact::saturatedSum);
    Map.Entry<String, BlockFootprint> heaviest = footprints.entrySet().stream()
        .max(Comparator.comparingLong(e -> e.getValue().floatsPerSample())).orElseThrow();
    long evalLive = Math.max(heaviest.getValue().floatsPerSample() / 2, forward / EVAL_LIVE_DIVISOR);
    long train = Exact.saturatedProduct(stepRows, forward, FLOAT);
    long evalBatch = Math.min(evalBatchSize, Math.max(data.validationRows(), data.testRows()));
    long eval = Exact.saturatedProduct(evalBatch, evalLive, FLOAT);
    // A step is its rows times the heaviest block's sizes: the larger of them drives it.
    SizeField block = SizeField.largest(heaviest.getValue().sizes());
    String driver = train >= eval
        ? stepRows >= block.value() ? BATCH_SIZE : block.path()
        : evalBatch >= block.value() ? EVAL_BATCH_SIZE : block.path();
    parts.add(Kind.STEP, driver, () -> Math.max(train, eval));
  }

  private static void data(ModelPlan plan, int batchSize, DataSize data, Parts parts) {
    long rowValues = 1;
    for (Feature f : plan.fields()) {
      rowValues += f.kind() == FeatureKind.SEQUENCE ? f.maxLength() : 1;
    }
    long perRow = rowValues * FLOAT;
    long shuffled = data.trainRows() >= SHUFFLE_BUFFER_BYTES / perRow ? SHUFFLE_BUFFER_BYTES : perRow * data.trainRows();
    parts.add(Kind.DATA, DATA, () -> Exact.sum(shuffled,
        product(perRow, batchSize, BATCHES_AHEAD + 1),
        product(EVALUATED_ROW_BYTES, Exact.sum(data.validationRows(), data.testRows()))));
    parts.add(Kind.DATA, DATA, () -> Exact.sum(product(data.distinctTokens(), VOCABULARY_ENTRY_BYTES),
        product(2, data.tokenBytes())));
  }

  private static String driver(Map<String, BlockFootprint> footprints, String path) {
    BlockFootprint footprint = footprints.get(path);
    if (footprint == null) {
      throw new IllegalStateException("no footprint for summary row " + path);
    }
    return SizeField.largest(footprint.sizes()).path();
  }

  /** Collects parts, each scaled by the safety factor; a part whose count overflows is {@link Long#MAX_VALUE}. */
  private static final class Parts {
    private final List<Part> list = new ArrayList<>();

    void add(Kind kind, String driver, LongSupplier bytes) {
      long scaled;
      try {
        scaled = product(bytes.getAsLong(), SAFETY_PERCENT) / 100;
      } catch (ArithmeticException e) {
        scaled = Long.MAX_VALUE;
      }
      list.add(new Part(kind, driver, scaled));
    }

    void overflow(Kind kind, String driver) {
      list.add(new Part(kind, driver, Long.MAX_VALUE));
    }
  }

  public List<Part> parts() {
    return parts;
  }

  /** The estimate in bytes; {@link Long#MAX_VALUE} when it {@link #overflows()}. */
  public long bytes() {
    return sum(parts);
  }

  /** The job needs more than {@link Long#MAX_VALUE} (2^63 - 1) bytes. */
  public boolean overflows() {
    return bytes() == Long.MAX_VALUE;
  }

  /** The bytes of one kind. */
  public long bytes(Kind kind) {
    return sum(parts.stream().filter(p -> p.kind() == kind).toList());
  }

  /** The size that contributes the most bytes, summed over the parts it drives. */
  public String driver() {
    return byDriver().entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
  }

  /** The bytes {@code driver} drives. */
  public long bytesDrivenBy(String driver) {
    return byDriver().getOrDefault(driver, 0L);
  }

  private Map<String, Long> byDriver() {
    Map<String, Long> sums = new LinkedHashMap<>();
    parts.forEach(p -> sums.merge(p.driver(), p.bytes(), Exact::saturatedSum));
    return sums;
  }

  /**
   * For people: "an estimated 2.4 GiB (2,576,980,378 bytes: parameters, Adam slots and gradients
   * 1.1 GiB, ...)", or "more than 2^63 bytes".
   */
  public String describe() {
    if (overflows()) {
      return "more than 2^63 bytes";
    }
    String kinds = Arrays.stream(Kind.values())
        .map(k -> k.description() + " " + human(bytes(k)))
        .collect(Collectors.joining(", "));
    return "an estimated " + human(bytes()) + " (" + Quoted.count(bytes()) + " bytes: " + kinds
        + ")";
  }

  /** Binary units with one decimal: 512 bytes, 1.5 KiB, 2.4 GiB. */
  public static String human(long bytes) {
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    if (bytes < 1024) {
      return bytes + " bytes";
    }
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }

  private static long sum(List<Part> parts) {
    return parts.stream().mapToLong(Part::bytes).reduce(0, Exact::saturatedSum);
  }

  @Override
  public String toString() {
    return describe() + ", driven most by " + driver() + " "
        + parts.stream().sorted(Comparator.comparingLong(Part::bytes).reversed()).limit(5).toList();
  }
}
