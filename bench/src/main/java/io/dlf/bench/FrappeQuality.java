package io.dlf.bench;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.ToNumberPolicy;
import com.google.gson.reflect.TypeToken;
import io.dlf.dsl.Presets;
import io.dlf.dsl.compile.SessionConfigs;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.spec.ModelSpecBuilder;
import io.dlf.dsl.spec.Regularization;
import io.dlf.dsl.training.EmbeddingUpdates;
import io.dlf.dsl.training.OptimizerSettings;
import io.dlf.proto.model.v1.EpochMetrics;
import io.dlf.proto.model.v1.TrainingMetrics;
import io.dlf.trainer.data.BadRows;
import io.dlf.trainer.encode.DataPreparation;
import io.dlf.trainer.encode.PreparationListener;
import io.dlf.trainer.encode.PreparedData;
import io.dlf.trainer.encode.PreparedDataCache;
import io.dlf.trainer.job.CpuFeatures;
import io.dlf.trainer.job.Monitor;
import io.dlf.trainer.job.Precision;
import io.dlf.trainer.job.TrainingOptions;
import io.dlf.trainer.training.StopSignal;
import io.dlf.trainer.training.Trainer;
import io.dlf.trainer.training.TrainingListener;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.tensorflow.proto.ConfigProto;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * Model quality on Frappe, as the evaluation protocol asks: for each preset and seed, train with
 * early stopping on the validation monitor, reload the best checkpoint, evaluate the test split.
 * One run at a time, each checkpointed in its own work folder and appended to the results as soon
 * as it finishes, so a cut-off invocation loses at most the run in progress (which resumes from its
 * last checkpoint when the same command is run again).
 */
@Command(name = "frappe-quality", mixinStandardHelpOptions = true)
public final class FrappeQuality implements Callable<Integer> {
  static final double PAPER_AUC = 0.9812;
  static final double PAPER_LOGLOSS = 0.1679;
  static final String PROTOCOL = "Frappe (NFM/AFN split; valid and test exact, train reconstructed), 10 categorical "
      + "fields, vocabularies from train (min count 1). Adam, early stopping on the validation monitor with patience 2, "
      + "learning rate x0.1 on every non-improving epoch, gradient norm clipped to 10; best-on-validation "
      + "checkpoint evaluated on the test split (AUC, logloss with predictions clipped to [1e-7, 1-1e-7]). "
      + "FM may train up to 200 epochs, the others up to the configured maximum.";
  /**
   * Presets that need more epochs than the configured maximum to converge: FM has no hidden layers,
   * so at lr 1e-3 its validation AUC still rises after 50 epochs (BARS's FM row needed about 100).
   */
  static final Map<String, Integer> EPOCH_BUDGETS = Map.of(Presets.FM, 200);
  /**
   * Presets whose model changed after runs of it were stored, by revision (1 where absent): runs of an
   * older revision stay in the file but leave the tables and are no spot check's reference. FinalMLP 2
   * (issue 21): its gates look their contexts up in embeddings of their own and its bilinear fusion
   * weights start at FuxiCTR's scale.
   */
  static final Map<String, Integer> MODEL_REVISIONS = Map.of(Presets.FINALMLP, 2);
  /** How many seeds the protocol trains; a command with fewer can be a spot check (see {@link DataPathCheck}). */
  static final int PROTOCOL_SEEDS = 3;

  /** Where training reads its data. */
  enum DataPath {
    /** Prepared shards streamed through a seeded shuffle buffer, as jobs train. */
    SHARDS,
    /** Encoded arrays in memory with a whole-row shuffle each epoch, the path before shards. */
    MEMORY
  }

  @Parameters(arity = "0..*", description = "presets (default: the study's, else dlf-paper, dlf-reference and the "
      + "four ablations; any of ${COMPLETION-CANDIDATES})", completionCandidates = PresetNames.class)
  List<String> presets;
  @Option(names = "--study", description = "${COMPLETION-CANDIDATES}: train the study's presets and write its "
      + "table and chart (bench/results/<study>-frappe.md and .png)")
  Study study;
  @Option(names = "--seeds", split = ",", defaultValue = "2019,2020,2021") List<Long> seeds;
  @Option(names = "--dim", defaultValue = "16") int dim;
  @Option(names = "--layers", defaultValue = "3") int layers;
  @Option(names = "--tokens", defaultValue = "16") int tokens;
  @Option(names = "--rank", defaultValue = "8") int rank;
  @Option(names = "--hidden", defaultValue = "128") int hidden;
  @Option(names = "--dropout", defaultValue = "0") float dropout;
  @Option(names = "--emb-l2", defaultValue = "0.1") float embL2;
  @Option(names = "--net-l2", defaultValue = "0") float netL2;
  @Option(names = "--batch", defaultValue = "4096") int batch;
  @Option(names = "--lr", defaultValue = "0.001") float lr;
  @Option(names = "--max-epochs", defaultValue = "50") int maxEpochs;
  @Option(names = "--monitor", defaultValue = "AUC") Monitor monitor;
  @Option(names = "--bfloat16", description = "matrix products in bfloat16 (fast only on a CPU with avx512_bf16 "
      + "or amx_bf16)") boolean bfloat16;
  @Option(names = "--micro-batches", defaultValue = "1", description = "differentiate each batch in this many parts, "
      + "one after another (training.micro_batches): the same update, but for batch norm's statistics, with less "
      + "memory") int microBatches;
  @Option(names = "--eval-batch", defaultValue = "50000", description = "batch size of validation and test "
      + "predictions: smaller for a model whose forward pass is large per sample (NAF at D = 64)") int evalBatch;
  @Option(names = "--data-path", defaultValue = "SHARDS", description = "${COMPLETION-CANDIDATES} (default: "
      + "${DEFAULT-VALUE})") DataPath dataPath;
  @Option(names = "--embedding-updates", defaultValue = "AUTO", description = "${COMPLETION-CANDIDATES} "
      + "(default: ${DEFAULT-VALUE})") EmbeddingUpdates embeddingUpdates;
  @Option(names = "--data-root", defaultValue = "../shared/data") Path dataRoot;
  @Option(names = "--work-dir", defaultValue = "data/quality") Path workDir;
  @Option(names = "--results", defaultValue = "bench/results") Path results;
  @Option(names = "--name", defaultValue = "frappe-dlf", description = "results file stem") String name;

  private String command;

  /** The presets issue 2 reports: the paper preset, the reference preset and the four ablations. */
  static List<String> defaultPresets() {
    List<String> presets = new ArrayList<>(Presets.ablationStudy());
    presets.add(1, Presets.DLF_REFERENCE);
    return presets;
  }

  /** Every preset name, for the help text. */
  static final class PresetNames extends ArrayList<String> {
    private static final long serialVersionUID = 1L;

    PresetNames() {
      super(Presets.names());
    }
  }

  public static void main(String[] args) {
    FrappeQuality quality = new FrappeQuality();
    quality.command = "bench/frappe-quality.sh " + String.join(" ", args);
    System.exit(new CommandLine(quality).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (bfloat16 && !CpuFeatures.ofThisMachine().hasBfloat16()) {
      System.err.println("warning: this CPU has no bfloat16 instructions (avx512_bf16/amx_bf16): --bfloat16 runs on "
          + "TensorFlow's emulation, slowly (the trainer refuses BFLOAT16 jobs on such a CPU)");
    }
    Map<String, Object> config = config();
    if (presets == null) {
      presets = study != null ? study.trained() : defaultPresets();
    }
    Path protocolJson = results.resolve(name + ".json");
    List<Map<String, Object>> protocolRuns = loadRuns(protocolJson);
    List<Map<String, Object>> currentModels = protocolRuns.stream().filter(FrappeQuality::ofCurrentRevision).toList();
    // A spot check leaves the protocol's figures alone: its runs go to their own report.
    DataPathCheck check = DataPathCheck.applies(presets, seeds, config, currentModels)
        ? new DataPathCheck(results, protocolJson, currentModels, command) : null;
    Path json = check != null ? check.json() : protocolJson;
    if (check != null) {
      System.out.println("spot check against the runs in " + protocolJson + ": results go to " + json);
    }
    List<Map<String, Object>> runs = check != null ? loadRuns(json) : protocolRuns;
    for (String preset : presets) {
      QualityDataset dataset = QualityDataset.of(preset);
      ModelSpec spec = spec(preset, dataset);
      PreparedData data = null;
      for (long seed : seeds) {
        if (runs.stream().anyMatch(r -> matches(r, config) && ((Number) r.get("seed")).longValue() == seed
            && r.get("preset").equals(preset))) {
          System.out.println(preset + " seed " + seed + ": already in " + json);
          continue;
        }
        if (data == null) {
          data = prepare(spec, dataset);
        }
        Map<String, Object> run = train(preset, spec, data, seed, config);
        run.put("dataset", dataset.entry().name());
        runs.add(run);
        write(json, runs, config, check);
      }
    }
    write(json, runs, config, check);
    return 0;
  }

  /** {@code preset} on {@code dataset}'s features with this command's sizes (and regularization, unless tuned). */
  ModelSpec spec(String preset, QualityDataset dataset) {
    ModelSpecBuilder builder = dataset.declare(Presets.named(preset, new Presets.Size(dim, layers, tokens, rank,
        hidden)));
    if (!Presets.tuned().contains(preset)) {
      builder.dropout(dropout).regularization(new Regularization(embL2, netL2));
    }
    return builder.build();
  }

  /** The training options of {@code preset}'s run with {@code seed}. */
  TrainingOptions options(String preset, long seed) {
    return TrainingOptions.defaults().maxEpochs(maxEpochs(preset)).batchSize(batch).evalBatchSize(evalBatch)
        .learningRate(lr).seed(seed).monitor(monitor).progressEverySteps(1_000_000)
        .precision(bfloat16 ? Precision.BFLOAT16 : Precision.FLOAT32)
        .optimizer(OptimizerSettings.defaults().embeddingUpdates(embeddingUpdates).microBatches(microBatches));
  }

  /** The session settings every quality run trains with. */
  static ConfigProto sessionConfig() {
    return SessionConfigs.threads(2, 2);
  }

  PreparedData prepare(ModelSpec spec, QualityDataset dataset) throws Exception {
    return switch (dataPath) {
      case SHARDS -> new PreparedDataCache(workDir.resolve("prepared")).prepare(spec, dataset.entry().schema(),
          dataset.splits(dataRoot, workDir), BadRows.FAIL, PreparationListener.NONE);
      case MEMORY -> DataPreparation.prepare(spec, dataset.entry().schema(), dataset.splits(dataRoot, workDir),
          BadRows.FAIL);
    };
  }

  private Map<String, Object> config() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("embedding_dim", dim);
    config.put("layers", layers);
    config.put("tokens_per_block", tokens);
    config.put("fm_rank", rank);
    config.put("block_hidden", hidden);
    config.put("dropout", (double) dropout);
    config.put("embedding_l2", (double) embL2);
    config.put("net_l2", (double) netL2);
    config.put("batch_size", batch);
    config.put("learning_rate", (double) lr);
    config.put("max_epochs", maxEpochs);
    config.put("monitor", monitor.name());
    config.put("precision", bfloat16 ? "bfloat16" : "float32");
    if (microBatches > 1) {
      // a configuration of its own (batch norm takes each part's statistics); runs without it keep their key
      config.put("micro_batches", microBatches);
    }
    config.put("data_path", dataPath.name());
    // recorded as it applies, so AUTO finds the runs made with the mode it picks: Frappe's tables hold
    // about 5,400 rows in all, far below AUTO's threshold, so AUTO updates them densely
    config.put("embedding_updates", (embeddingUpdates == EmbeddingUpdates.AUTO ? EmbeddingUpdates.DENSE
        : embeddingUpdates).name());
    return config;
  }

  private Map<String, Object> train(String preset, ModelSpec spec, PreparedData data, long seed,
      Map<String, Object> config) throws Exception {
    // A run under a preset's own epoch budget gets its own folder: resuming another budget's finished
    // checkpoint would stop where that run stopped.
    String budget = maxEpochs(preset) == maxEpochs ? "" : "-epochs" + maxEpochs(preset);
    // and so does each model revision: another revision's checkpoint holds other variables
    String revision = revision(preset) == 1 ? "" : "-r" + revision(preset);
    String runName = preset + "-seed" + seed + "-" + Integer.toHexString(config.hashCode()) + budget + revision;
    System.out.println("== " + runName + ": " + ModelPlan.of(spec).summary().nonEmbeddingParameters() + " non-embedding parameters");
    TrainingOptions options = options(preset, seed);
    TrainingMetrics metrics = new Trainer(sessionConfig()).train(spec, data, options, workDir.resolve(runName),
        new TrainingListener() {
          @Override
          public void onEpoch(EpochMetrics m, boolean improved) {
            System.out.printf("  epoch %d: train loss %.4f, val AUC %.4f logloss %.4f, lr %.0e, %.0fs%s%n",
                m.getEpoch(), m.getTrainLoss(), m.getValidation().getAuc(), m.getValidation().getLogloss(),
                m.getLearningRate(), m.getSeconds(), improved ? " *" : "");
          }
        }, StopSignal.NEVER).metrics().orElseThrow();
    System.out.printf("  best epoch %d: test AUC %.4f logloss %.4f%n", metrics.getBestEpoch(),
        metrics.getTest().getAuc(), metrics.getTest().getLogloss());
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("preset", preset);
    run.put("seed", seed);
    run.put("config", config);
    run.put("config_key", configKey(config));
    run.put("model", modelSettings(spec));
    run.put("model_revision", revision(preset));
    run.put("non_embedding_parameters", ModelPlan.of(spec).summary().nonEmbeddingParameters());
    run.put("test_auc", metrics.getTest().getAuc());
    run.put("test_logloss", metrics.getTest().getLogloss());
    run.put("validation_auc", metrics.getValidation().getAuc());
    run.put("validation_logloss", metrics.getValidation().getLogloss());
    run.put("max_epochs", maxEpochs(preset));
    run.put("best_epoch", metrics.getBestEpoch());
    run.put("epochs", metrics.getEpochsRun());
    run.put("train_samples_per_s", metrics.getTrainSamplesPerSecond());
    // the run's own record, so that a run resumed after a stop counts every attempt's epochs
    run.put("wall_seconds", metrics.getWallSeconds());
    run.put("history", metrics.getHistoryList().stream().map(FrappeQuality::epochFigures).toList());
    run.put("date", Reports.today());
    run.put("command", command);
    return run;
  }

  private static Map<String, Object> epochFigures(EpochMetrics m) {
    Map<String, Object> epoch = new LinkedHashMap<>();
    epoch.put("epoch", m.getEpoch());
    epoch.put("train_loss", m.getTrainLoss());
    epoch.put("validation_auc", m.getValidation().getAuc());
    epoch.put("validation_logloss", m.getValidation().getLogloss());
    epoch.put("learning_rate", m.getLearningRate());
    epoch.put("seconds", m.getSeconds());
    return epoch;
  }

  /** The settings the model trained with; tuned presets keep their own, so they can differ from the config. */
  private static Map<String, Object> modelSettings(ModelSpec spec) {
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("embedding_dim", spec.embedding().dim());
    model.put("dropout", (double) spec.dropout());
    model.put("embedding_l2", (double) spec.regularization().embeddingL2());
    model.put("net_l2", (double) spec.regularization().netL2());
    return model;
  }

  private int maxEpochs(String preset) {
    return EPOCH_BUDGETS.getOrDefault(preset, maxEpochs);
  }

  /**
   * Whether a stored run was made with this configuration, its preset's current epoch budget and model
   * revision (runs from before a budget or the model changed stay in the file but leave the tables).
   */
  private boolean matches(Map<String, Object> run, Map<String, Object> config) {
    return configKey(config).equals(configKey(storedConfig(run))) && current(run);
  }

  /** Whether a stored run trained its preset's current model under its preset's epoch budget. */
  static boolean current(Map<String, Object> run) {
    Map<String, Object> stored = storedConfig(run);
    int budget = EPOCH_BUDGETS.getOrDefault((String) run.get("preset"), ((Number) stored.get("max_epochs")).intValue());
    return ((Number) run.getOrDefault("max_epochs", stored.get("max_epochs"))).intValue() == budget
        && ofCurrentRevision(run);
  }

  /** Current runs grouped by configuration, the protocol's (the one with the most runs) first. */
  static List<List<Map<String, Object>>> byConfiguration(List<Map<String, Object>> runs) {
    Map<String, List<Map<String, Object>>> groups = new LinkedHashMap<>();
    runs.stream().filter(FrappeQuality::current)
        .forEach(r -> groups.computeIfAbsent(configKey(storedConfig(r)), k -> new ArrayList<>()).add(r));
    List<List<Map<String, Object>>> ordered = new ArrayList<>(groups.values());
    ordered.sort(Comparator.comparingInt((List<Map<String, Object>> g) -> g.size()).reversed());
    return ordered;
  }

  static int revision(String preset) {
    return MODEL_REVISIONS.getOrDefault(preset, 1);
  }

  /** Whether a stored run trained its preset's current model; runs stored before revisions were recorded have 1. */
  static boolean ofCurrentRevision(Map<String, Object> run) {
    return ((Number) run.getOrDefault("model_revision", 1L)).intValue() == revision((String) run.get("preset"));
  }

  /**
   * A stored run's configuration. Runs stored before the data path and embedding updates were
   * recorded trained on encoded arrays in memory with dense Adam on the embedding tables.
   */
  static Map<String, Object> storedConfig(Map<String, Object> run) {
    @SuppressWarnings("unchecked")
    Map<String, Object> config = new LinkedHashMap<>((Map<String, Object>) run.get("config"));
    config.putIfAbsent("data_path", DataPath.MEMORY.name());
    config.putIfAbsent("embedding_updates", EmbeddingUpdates.DENSE.name());
    return config;
  }

  /** A canonical string of a configuration, to find the runs made with it. */
  static String configKey(Map<String, Object> config) {
    return new Gson().toJson(config);
  }

  static List<Map<String, Object>> loadRuns(Path json) throws Exception {
    if (!Files.exists(json)) {
      return new ArrayList<>();
    }
    Type type = new TypeToken<LinkedHashMap<String, Object>>() {}.getType();
    // Whole numbers read back as longs, so that rewriting the file keeps "layers": 3 rather than 3.0.
    Map<String, Object> report = new GsonBuilder().setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE).create()
        .fromJson(Files.readString(json, StandardCharsets.UTF_8), type);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> stored = (List<Map<String, Object>>) report.getOrDefault("runs", List.of());
    return new ArrayList<>(stored);
  }

  private void write(Path json, List<Map<String, Object>> runs, Map<String, Object> config, DataPathCheck check)
      throws Exception {
    if (check != null) {
      check.write(runs);
      return;
    }
    List<List<Map<String, Object>>> configurations = byConfiguration(runs);
    List<Map<String, Object>> protocolRuns = configurations.isEmpty() ? List.of() : configurations.get(0);
    List<QualitySummary> others = configurations.stream().skip(1).map(QualitySummary::new).toList();
    QualitySummary summary = new QualitySummary(protocolRuns);
    Map<String, Object> report = new LinkedHashMap<>();
    Map<String, Object> paper = summary.byPreset().getOrDefault(Presets.DLF_PAPER, Map.of());
    report.putAll(paper);
    report.put("paper_reported", Map.of("test_auc", PAPER_AUC, "test_logloss", PAPER_LOGLOSS));
    report.put("variants", summary.byPreset().values().stream().filter(v -> !v.equals(paper)).toList());
    report.put("other_configurations", others.stream().map(o -> o.byPreset().values()).toList());
    report.put("machine", MachineInfo.describe());
    report.put("date", Reports.today());
    report.put("command", command);
    report.put("protocol", PROTOCOL);
    report.put("runs", runs);
    Reports.writeJson(json, report);
    StringBuilder md = new StringBuilder(summary.markdown(command, PAPER_AUC, PAPER_LOGLOSS));
    others.forEach(o -> md.append(o.section()));
    Reports.write(json.resolveSibling(name + ".md"), md.toString());
    if (study != null) {
      // a preset whose model does not follow the command's size keeps its row from the protocol's runs
      QualitySummary studyRuns = new QualitySummary(Stream.concat(
          runs.stream().filter(r -> matches(r, config) && study.fromCommand((String) r.get("preset"))),
          protocolRuns.stream().filter(r -> !study.fromCommand((String) r.get("preset"))))
          .filter(r -> study.presets.contains(r.get("preset"))).toList());
      new StudyReport(study, config, studyRuns.byPreset()).write(json.getParent(), studyRuns.commands(command), PROTOCOL);
    }
  }
}
