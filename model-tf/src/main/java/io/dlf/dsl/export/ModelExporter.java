package io.dlf.dsl.export;

import static java.util.Objects.requireNonNull;

import io.dlf.dsl.codec.SpecJson;
import io.dlf.dsl.compile.FieldLayout;
import io.dlf.dsl.compile.ServingGraph;
import io.dlf.dsl.encode.Vocabularies;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.repository.ModelRepository;
import io.dlf.dsl.repository.VersionFiles;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.proto.model.v1.ServingPrecision;
import io.dlf.proto.model.v1.TrainingMetrics;
import io.dlf.proto.model.v1.VersionManifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphDef;

/**
 * Writes a trained model as the next version of a model in a {@link ModelRepository}: the
 * inference graph restored from a training checkpoint as a SavedModel, the spec, the vocabularies,
 * the metrics and a manifest, published atomically. Before writing anything it checks that the
 * repository's file system has room for the version; a version that cannot be written (no room,
 * a folder it may not write) fails with an {@link ExportStorageException} that says so.
 */
public final class ModelExporter {

  /**
   * What to export.
   *
   * @param checkpointPrefix a {@code Session.save} prefix of the training graph
   * @param exportKey idempotency key: a second export with the same key returns the first version
   * @param seed the graph seed (initializers are replaced by the checkpoint; kept for reproducibility)
   * @param precision how the version stores its weights and computes its products
   * @param servedEvaluation measures a version whose precision is not float32 as served, for metrics.json
   * @param calibration training rows that fix an int8 version's activation ranges (required for INT8)
   */
  public record Request(
      String model,
      ModelSpec spec,
      Vocabularies vocabularies,
      String checkpointPrefix,
      TrainingMetrics metrics,
      String exportKey,
      long seed,
      ServingPrecision precision,
      ServedEvaluation servedEvaluation,
      CalibrationRows calibration) {

    public Request {
      requireNonNull(model, "model is null");
      requireNonNull(spec, "spec is null");
      requireNonNull(vocabularies, "vocabularies is null");
      requireNonNull(checkpointPrefix, "checkpointPrefix is null");
      requireNonNull(metrics, "metrics is null");
      requireNonNull(exportKey, "exportKey is null");
      requireNonNull(precision, "precision is null");
      requireNonNull(servedEvaluation, "servedEvaluation is null");
      requireNonNull(calibration, "calibration is null");
      if (precision == ServingPrecision.SERVING_PRECISION_UNSPECIFIED || precision == ServingPrecision.UNRECOGNIZED) {
        precision = ServingPrecision.FLOAT32;
      }
      if (precision == ServingPrecision.INT8 && calibration.isEmpty()) {
        throw new IllegalArgumentException("an INT8 export of model '" + model + "' needs calibration rows (training "
            + "rows that fix its products' activation ranges); none were given");
      }
    }

    /** A float32 version. */
    public Request(String model, ModelSpec spec, Vocabularies vocabularies, String checkpointPrefix,
        TrainingMetrics metrics, String exportKey, long seed) {
      this(model, spec, vocabularies, checkpointPrefix, metrics, exportKey, seed, ServingPrecision.FLOAT32,
          ServedEvaluation.NONE, CalibrationRows.NONE);
    }
  }

  private final ModelRepository repository;
  private final ConfigProto sessionConfig;
  private final FreeSpace freeSpace;

  public ModelExporter(ModelRepository repository, ConfigProto sessionConfig) {
    this(repository, sessionConfig, FreeSpace.ofFileSystem());
  }

  /** An exporter that asks {@code freeSpace} how much room the repository has. */
  public ModelExporter(ModelRepository repository, ConfigProto sessionConfig, FreeSpace freeSpace) {
    this.repository = repository;
    this.sessionConfig = sessionConfig;
    this.freeSpace = freeSpace;
  }

  /**
   * Exports and returns the version number (the existing one if this export key was already used).
   *
   * @throws ExportStorageException if the version does not fit the repository's free space or
   *     cannot be written there; nothing of it is left behind
   * @throws IllegalStateException for an INT8 version where {@link Int8Kernel#refusal} says it cannot run
   */
  public long export(Request request) throws IOException {
    if (!request.exportKey().isEmpty()) {
      OptionalLong existing = versionWithKey(request.model(), request.exportKey());
      if (existing.isPresent()) {
        return existing.getAsLong();
      }
    }
    if (request.precision() == ServingPrecision.INT8) {
      Int8Kernel.refusal().ifPresent(reason -> {
        throw new IllegalStateException("model '" + request.model() + "' cannot get an INT8 version on this machine: "
            + reason + "; export it in FLOAT32 or BFLOAT16, or on a machine whose CPU runs the int8 product");
      });
    }
    Path folder = repository.modelDir(request.model());
    Map<String, String> files = textFiles(request);
    try (ServingGraph graph = ServingGraph.build(ModelPlan.of(request.spec()), request.vocabularies(),
        request.seed())) {
      long needed = VersionSize.estimate(graph, files.values());
      long free = freeSpace.usableBytes(folder);
      if (needed > free) {
        throw ExportStorageException.noSpace(folder, needed, free, null);
      }
      Path staging = null;
      try {
        staging = repository.newStagingDir(request.model());
        writeSavedModel(graph, request, staging.resolve(VersionFiles.SAVED_MODEL));
        for (Map.Entry<String, String> file : files.entrySet()) {
          Files.writeString(staging.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
        }
        if (request.precision() != ServingPrecision.FLOAT32) {
          Files.writeString(staging.resolve(VersionFiles.METRICS), VersionFiles.toJson(servedMetrics(request, staging)),
              StandardCharsets.UTF_8);
        }
        return repository.publish(request.model(), staging);
      } catch (IOException | RuntimeException e) {
        if (staging != null) {
          deleteRecursively(staging);
        }
        Optional<ExportStorageException> storage = StorageFailures.of(e, folder, needed, freeSpace);
        if (storage.isPresent()) {
          throw storage.get();
        }
        throw e;
      }
    }
  }

  /** The version's files besides the SavedModel, by name. */
  private static Map<String, String> textFiles(Request request) throws IOException {
    Map<String, String> files = new LinkedHashMap<>();
    files.put(VersionFiles.SPEC, SpecJson.toJson(request.spec()) + "\n");
    files.put(VersionFiles.VOCABULARIES, request.vocabularies().toJson() + "\n");
    files.put(VersionFiles.METRICS, VersionFiles.toJson(request.metrics().toBuilder()
        .setServingPrecision(request.precision()).build()));
    files.put(VersionFiles.MANIFEST, VersionFiles.toJson(VersionManifest.newBuilder()
        .setFormatVersion(VersionFiles.MANIFEST_FORMAT)
        .setModel(request.model())
        .setCreatedAt(Instant.now().toString())
        .setExportKey(request.exportKey())
        .setTensorflowVersion(TensorFlow.version())
        .addSignatures(ServingGraph.RAW_SIGNATURE)
        .addSignatures(ServingGraph.ENCODED_SIGNATURE)
        .setServingPrecision(request.precision())
        .build()));
    return files;
  }

  /** The request's metrics with the staged version's served figures, measured by its frozen graph as a server loads it. */
  private TrainingMetrics servedMetrics(Request request, Path staging) throws IOException {
    try (ExportedModel served = ExportedModel.loadFrozen(staging, sessionConfig)) {
      TrainingMetrics measured = request.servedEvaluation().measure(served);
      TrainingMetrics.Builder metrics = request.metrics().toBuilder().setServingPrecision(request.precision());
      if (measured.hasServedValidation()) {
        metrics.setServedValidation(measured.getServedValidation());
      }
      if (measured.hasServedTest()) {
        metrics.setServedTest(measured.getServedTest());
      }
      return metrics.build();
    }
  }

  private void writeSavedModel(ServingGraph graph, Request request, Path dir) throws IOException {
    ServingPrecision precision = request.precision();
    try (Session session = new Session(graph.graph(), sessionConfig)) {
      session.restore(request.checkpointPrefix());
      if (precision == ServingPrecision.FLOAT32) {
        export(session, dir, graph.rawSignature(), graph.encodedSignature());
        return;
      }
      // a graph with no variables, its weights frozen in and its products by weights at the precision
      List<String> keep = Stream.of(graph.rawSignature(), graph.encodedSignature())
          .flatMap(signature -> Stream.concat(signature.getInputs().values().stream(),
              signature.getOutputs().values().stream()))
          .map(description -> description.name).distinct().toList();
      GraphDef frozen = FrozenGraph.def(graph.graph(), session, keep);
      GraphDef served = switch (precision) {
        case BFLOAT16 -> Bfloat16Products.rewrite(frozen, keep, sessionConfig);
        case INT8 -> Int8Products.rewrite(frozen, keep, sessionConfig, calibration(graph, request));
        default -> throw new IllegalArgumentException("no rewrite for serving precision " + precision);
      };
      try (Graph rewritten = FrozenGraph.imported(served);
          Session rewrittenSession = new Session(rewritten, sessionConfig)) {
        export(rewrittenSession, dir, rebound(graph.rawSignature(), rewritten),
            rebound(graph.encodedSignature(), rewritten));
      }
    }
  }

  /** Runs {@code request}'s calibration rows through the serving graph's encoded inputs. */
  private Calibration calibration(ServingGraph graph, Request request) {
    return new Calibration(request.calibration(),
        FieldLayout.of(ModelPlan.of(request.spec()), request.vocabularies().sizes()),
        ExportedModel.tensorNames(graph.encodedSignature()), sessionConfig);
  }

  private static void export(Session session, Path dir, Signature raw, Signature encoded) throws IOException {
    SavedModelBundle.exporter(dir.toString()).withSession(session).withSignatures(raw, encoded).withTags("serve")
        .export();
  }

  /** {@code signature} over the tensors of the same names in {@code graph}. */
  private static Signature rebound(Signature signature, Graph graph) {
    Signature.Builder builder = Signature.builder().key(signature.key()).methodName(signature.methodName());
    signature.getInputs().forEach((key, description) -> builder.input(key, graph.outputOrThrow(description.name)));
    signature.getOutputs().forEach((key, description) -> builder.output(key, graph.outputOrThrow(description.name)));
    return builder.build();
  }

  /** The version whose manifest carries {@code exportKey}, if any. */
  public OptionalLong versionWithKey(String model, String exportKey) throws IOException {
    for (long version : repository.versions(model)) {
      Path manifest = repository.versionDir(model, version).resolve(VersionFiles.MANIFEST);
      if (Files.isRegularFile(manifest)) {
        try {
          VersionManifest m = VersionFiles.readJson(manifest, VersionManifest.newBuilder()).build();
          if (m.getExportKey().equals(exportKey)) {
            return OptionalLong.of(version);
          }
        } catch (IOException unreadable) {
          // a corrupt version cannot be the one this key exported; keep looking
        }
      }
    }
    return OptionalLong.empty();
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
