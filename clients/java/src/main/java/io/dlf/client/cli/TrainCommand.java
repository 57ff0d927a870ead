package io.dlf.client.cli;

import io.dlf.client.TrainerClient;
import io.dlf.dsl.Presets;
import io.dlf.dsl.codec.SpecProtos;
import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.spec.ModelSpecBuilder;
import io.dlf.proto.model.v1.ServingPrecision;
import io.dlf.proto.trainer.v1.ClusterShape;
import io.dlf.proto.trainer.v1.DatasetFiles;
import io.dlf.proto.trainer.v1.DatasetRef;
import io.dlf.proto.trainer.v1.EarlyStopping;
import io.dlf.proto.trainer.v1.ExportTarget;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.SubmitJobRequest;
import io.dlf.proto.trainer.v1.TrainingSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dlfctl train}: submits a training job, and with {@code --watch} follows it to its end. */
@Command(name = "train", sortOptions = false,
    description = {"Train a model spec (a JSON file or a preset) on a dataset (a registered name or files).",
        "Example: dlfctl train --preset dlf-paper --size 16,2,8,4,64 --dataset frappe \\",
        "           --features user,item,daytime,weekday,isweekend,homework,cost,weather,country,city --watch"})
final class TrainCommand implements Callable<Integer> {
  private final Interrupts interrupts;

  @Spec
  CommandSpec spec;

  @Mixin
  TrainerOptions trainer;

  @ArgGroup(exclusive = true, multiplicity = "1")
  SpecSource source;

  static final class SpecSource {
    @Option(names = "--spec", paramLabel = "FILE", description = "A model spec as JSON (dlf.spec.v1.ModelSpec).")
    Path file;

    @Option(names = "--preset", paramLabel = "NAME", description = "A preset: dlf-paper, dlf-reference, dlf-paper-no-gate, ...")
    String preset;
  }

  @Option(names = "--size", split = ",", paramLabel = "D,L,T,R,H",
      description = "Preset sizes: embedding dim, layers, tokens per block, FM rank, block MLP width (default: the reference sizes).")
  List<Integer> size;

  @Option(names = "--features", split = ",", paramLabel = "NAME",
      description = "Preset features (categorical); default for files: every column but the label.")
  List<String> features;

  @Option(names = "--name", description = "The spec's name (a preset's defaults to the preset name).")
  String name;

  @ArgGroup(exclusive = true, multiplicity = "1")
  DatasetOptions dataset;

  @ArgGroup(validate = false, heading = "%nTraining (absent: the trainer's defaults)%n")
  TrainingOptions training = new TrainingOptions();

  @Option(names = "--model", description = "The model the version is exported to (default: the spec's name).")
  String model;

  @Option(names = "--serving-precision", paramLabel = "float32|bfloat16|int8", defaultValue = "float32",
      description = "How the version stores its dense weights and multiplies: bfloat16, or int8 (its large products; "
          + "the fastest at batch 1 on a CPU); either also measures validation and test as served, beside the "
          + "float32 figures (default: ${DEFAULT-VALUE}).")
  String servingPrecision;

  @Option(names = "--request-id", description = "Idempotency key: submitting again with it returns the same job.")
  String requestId;

  @Option(names = "--watch",
      description = "Follow the job to its end: progress, metrics, version, training and ROC curves.")
  boolean watch;

  @Mixin
  WatchOptions watchOptions;

  TrainCommand(Interrupts interrupts) {
    this.interrupts = interrupts;
  }

  private ServingPrecision servingPrecision() {
    return switch (servingPrecision) {
      case "float32" -> ServingPrecision.FLOAT32;
      case "bfloat16" -> ServingPrecision.BFLOAT16;
      case "int8" -> ServingPrecision.INT8;
      default -> throw new CliException(Dlfctl.BAD_INPUT,
          "--serving-precision " + servingPrecision + ": expected float32, bfloat16 or int8");
    };
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    SubmitJobRequest.Builder request = SubmitJobRequest.newBuilder()
        .setModelSpec(SpecProtos.toProto(spec()))
        .setDataset(dataset.toProto())
        .setTraining(training.toProto());
    ExportTarget.Builder export = request.getExportBuilder().setPrecision(servingPrecision());
    if (model != null) {
      export.setModelName(model);
    }
    if (requestId != null) {
      request.setRequestId(requestId);
    }
    PrintWriter out = spec.commandLine().getOut();
    try (TrainerClient client = trainer.client()) {
      Job job = client.submit(request.build());
      out.println("submitted job " + job.getId() + " (model " + job.getModelName() + ") to " + client.target());
      if (!watch) {
        out.println("follow it with: dlfctl jobs watch " + job.getId());
        return 0;
      }
      return new JobFollower(client, out, interrupts, watchOptions).follow(job.getId());
    }
  }

  private ModelSpec spec() throws IOException {
    if (source.file != null) {
      if (size != null || features != null) {
        throw new CliException(Dlfctl.BAD_INPUT, "--size and --features go with --preset; a spec file holds both");
      }
      ModelSpec fromFile = SpecFiles.read(source.file);
      return name == null ? fromFile : fromFile.toBuilder().name(name).build();
    }
    try {
      ModelSpecBuilder builder = size == null ? Presets.named(source.preset) : Presets.named(source.preset, size());
      return builder.name(name != null ? name : source.preset).features(presetFeatures()).build();
    } catch (IllegalArgumentException e) {
      throw new CliException(Dlfctl.BAD_INPUT, e.getMessage());
    }
  }

  private Presets.Size size() {
    if (size.size() != 5) {
      throw new CliException(Dlfctl.BAD_INPUT, "--size takes 5 numbers D,L,T,R,H; got " + size);
    }
    return new Presets.Size(size.get(0), size.get(1), size.get(2), size.get(3), size.get(4));
  }

  private List<Feature> presetFeatures() {
    List<String> names = features;
    if (names == null && dataset.files != null) {
      names = new ArrayList<>(dataset.files.columns);
      names.remove(dataset.files.label);
    }
    if (names == null) {
      throw new CliException(Dlfctl.BAD_INPUT, "--preset with a registered dataset needs --features: the columns"
          + " the model reads (e.g. for frappe: user,item,daytime,weekday,isweekend,homework,cost,weather,country,city)");
    }
    return names.stream().map(Feature::categorical).toList();
  }

  /** A registered dataset, or three split files with their schema. */
  static final class DatasetOptions {
    @Option(names = "--dataset", paramLabel = "NAME", description = "A dataset the trainer knows: frappe, criteo-sample, avazu-sample.")
    String name;

    @ArgGroup(exclusive = false, heading = "%nDataset files (paths under the trainer's data roots)%n")
    FileOptions files;

    DatasetRef toProto() {
      return name != null ? DatasetRef.newBuilder().setName(name).build() : files.toProto();
    }
  }

  static final class FileOptions {
    @Option(names = "--train", required = true, paramLabel = "PATH")
    String train;

    @Option(names = "--validation", required = true, paramLabel = "PATH")
    String validation;

    @Option(names = "--test", required = true, paramLabel = "PATH")
    String test;

    @Option(names = "--format", required = true, description = "${COMPLETION-CANDIDATES}")
    DatasetFiles.Format format;

    @Option(names = "--columns", required = true, split = ",", paramLabel = "NAME",
        description = "Every column in file order (LIBFM: the fields in order).")
    List<String> columns;

    @Option(names = "--label", defaultValue = "", description = "The label column (CSV, TSV).")
    String label;

    @Option(names = "--header", defaultValue = "NONE", description = "NONE, PRESENT or DETECT (default: ${DEFAULT-VALUE}).")
    DatasetFiles.Header header;

    @Option(names = "--missing-value", defaultValue = "", description = "A cell meaning missing, besides the empty cell.")
    String missingValue;

    @Option(names = "--skip-bad-rows", description = "Skip rows that do not parse (default: fail the job).")
    boolean skipBadRows;

    DatasetRef toProto() {
      return DatasetRef.newBuilder()
          .setFiles(DatasetFiles.newBuilder().setFormat(format).addAllColumns(columns).setLabel(label).setHeader(header)
              .setMissingValue(missingValue).setTrain(train).setValidation(validation).setTest(test))
          .setBadRows(skipBadRows ? DatasetRef.BadRows.SKIP : DatasetRef.BadRows.FAIL)
          .build();
    }
  }

  static final class TrainingOptions {
    @Option(names = "--epochs", description = "At most this many epochs.")
    Integer epochs;

    @Option(names = "--batch-size")
    Integer batchSize;

    @Option(names = "--learning-rate")
    Float learningRate;

    @Option(names = "--seed")
    Long seed;

    @Option(names = "--patience", description = "Epochs without improvement before stopping early.")
    Integer patience;

    @Option(names = "--device", description = "${COMPLETION-CANDIDATES}")
    TrainingSettings.Device device;

    @Option(names = "--precision",
        description = "FLOAT32, or BFLOAT16: matrix products in bfloat16, variables in float32 (on the CPU it needs "
            + "avx512_bf16 or amx_bf16).")
    TrainingSettings.Precision precision;

    @Option(names = "--progress-every", paramLabel = "STEPS", description = "Progress reports every STEPS steps.")
    Integer progressEvery;

    @Option(names = "--micro-batches", paramLabel = "N", description = "Differentiate each batch in N consecutive "
        + "parts, one after another, summing their gradients: the same update with about 1/N of the activation "
        + "memory (1 to 64).")
    Integer microBatches;

    @Option(names = "--eval-batch-size", paramLabel = "ROWS", description = "Rows per validation and test "
        + "prediction batch (default 50,000): smaller for a model whose forward pass is large per row.")
    Integer evalBatchSize;

    @Option(names = "--workers", paramLabel = "N", description = "Train on a cluster of N worker tasks (1 to 16; "
        + "give --parameter-servers too): TensorFlow's asynchronous parameter-server training, or synchronous "
        + "with --synchronous.")
    Integer workers;

    @Option(names = "--parameter-servers", paramLabel = "M", description = "The cluster's parameter-server tasks "
        + "(1 to 16; give --workers too); the embedding tables are split by rows across them.")
    Integer parameterServers;

    @Option(names = "--synchronous", description = "The cluster's workers share every batch and apply its gradients "
        + "together, so the model matches a single-process job's (each step waits for every worker).")
    boolean synchronous;

    TrainingSettings toProto() {
      TrainingSettings.Builder settings = TrainingSettings.newBuilder();
      if (epochs != null) {
        settings.setMaxEpochs(epochs);
      }
      if (batchSize != null) {
        settings.setBatchSize(batchSize);
      }
      if (learningRate != null) {
        settings.setLearningRate(learningRate);
      }
      if (seed != null) {
        settings.setSeed(seed);
      }
      if (patience != null) {
        settings.setEarlyStopping(EarlyStopping.newBuilder().setPatience(patience));
      }
      if (device != null) {
        settings.setDevice(device);
      }
      if (precision != null) {
        settings.setPrecision(precision);
      }
      if (progressEvery != null) {
        settings.setProgressEverySteps(progressEvery);
      }
      if (microBatches != null) {
        settings.setMicroBatches(microBatches);
      }
      if (evalBatchSize != null) {
        settings.setEvalBatchSize(evalBatchSize);
      }
      // any cluster flag asks for a cluster; the trainer names a count left out or out of range
      if (workers != null || parameterServers != null || synchronous) {
        ClusterShape.Builder cluster = settings.getClusterBuilder();
        if (workers != null) {
          cluster.setWorkers(workers);
        }
        if (parameterServers != null) {
          cluster.setParameterServers(parameterServers);
        }
        cluster.setSynchronous(synchronous);
      }
      return settings.build();
    }
  }
}
