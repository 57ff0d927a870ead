package io.dlf.dsl.export;

import io.dlf.dsl.codec.SpecJson;
import io.dlf.dsl.compile.BatchTensors;
import io.dlf.dsl.compile.FieldLayout;
import io.dlf.dsl.compile.ServingGraph;
import io.dlf.dsl.encode.EncodedBatch;
import io.dlf.dsl.encode.RawBatch;
import io.dlf.dsl.encode.SequenceWindow;
import io.dlf.dsl.encode.Vocabularies;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.repository.VersionFiles;
import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.proto.model.v1.ServingPrecision;
import io.dlf.proto.model.v1.TrainingMetrics;
import io.dlf.proto.model.v1.VersionManifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * A model version loaded from its folder: predicts from raw feature values (or encoded batches)
 * through the SavedModel session, or through a frozen copy of its inference graph
 * ({@link #loadFrozen}). Safe to call from several threads at once.
 */
public final class ExportedModel implements AutoCloseable {
  private final Path dir;
  private final ModelSpec spec;
  private final ModelPlan plan;
  private final FieldLayout layout;
  private final Vocabularies vocabularies;
  private final VersionManifest manifest;
  private final TrainingMetrics metrics;
  private final Session session;
  private final Runnable closer;
  private final Map<String, String> rawInputs;
  private final Map<String, String> encodedInputs;
  private final String probability;

  private ExportedModel(Path dir, ModelSpec spec, Vocabularies vocabularies, VersionManifest manifest,
      TrainingMetrics metrics, SavedModelBundle bundle, ConfigProto config, boolean frozen) {
    this.dir = dir;
    this.spec = spec;
    this.plan = ModelPlan.of(spec);
    this.layout = FieldLayout.of(plan, vocabularies.sizes());
    this.vocabularies = vocabularies;
    this.manifest = manifest;
    this.metrics = metrics;
    this.rawInputs = tensorNames(bundle.function(ServingGraph.RAW_SIGNATURE).signature());
    this.encodedInputs = tensorNames(bundle.function(ServingGraph.ENCODED_SIGNATURE).signature());
    this.probability = bundle.function(ServingGraph.RAW_SIGNATURE).signature().getOutputs()
        .get(ServingGraph.PROBABILITY).name;
    Inference inference = frozen ? Inference.frozen(bundle, probability, config) : Inference.of(bundle);
    this.session = inference.session();
    this.closer = inference.closer();
  }

  /** The session predictions run in, and what closing the model releases. */
  private record Inference(Session session, Runnable closer) {
    static Inference of(SavedModelBundle bundle) {
      return new Inference(bundle.session(), bundle::close);
    }

    /** A session of its own over the frozen graph; the bundle (and its variables) is closed once that exists. */
    static Inference frozen(SavedModelBundle bundle, String output, ConfigProto config) {
      Graph graph = FrozenGraph.of(bundle, output);
      Session session;
      try {
        session = new Session(graph, config);
      } catch (RuntimeException e) {
        graph.close();
        throw e;
      }
      bundle.close();
      return new Inference(session, () -> {
        session.close();
        graph.close();
      });
    }
  }

  /**
   * Loads a version folder. Throws {@link IOException} naming the file when one is missing or
   * unreadable, when TensorFlow cannot load the SavedModel, or for an INT8 version on a machine
   * that cannot run it ({@link Int8Kernel}).
   */
  public static ExportedModel load(Path versionDir, ConfigProto config) throws IOException {
    return load(versionDir, config, false);
  }

  /**
   * As {@link #load}, with the weights frozen into the graph as constants ({@link FrozenGraph}):
   * the same predictions (to float rounding) with fewer ops per call, for serving. The session
   * then holds only what predicting needs.
   */
  public static ExportedModel loadFrozen(Path versionDir, ConfigProto config) throws IOException {
    return load(versionDir, config, true);
  }

  private static ExportedModel load(Path versionDir, ConfigProto config, boolean frozen) throws IOException {
    for (String file : List.of(VersionFiles.MANIFEST, VersionFiles.SPEC, VersionFiles.VOCABULARIES, VersionFiles.METRICS)) {
      if (!Files.isRegularFile(versionDir.resolve(file))) {
        throw new IOException("version folder " + versionDir + " has no " + file);
      }
    }
    VersionManifest manifest = VersionFiles.readJson(versionDir.resolve(VersionFiles.MANIFEST), VersionManifest.newBuilder()).build();
    if (manifest.getFormatVersion() != VersionFiles.MANIFEST_FORMAT) {
      throw new IOException(versionDir.resolve(VersionFiles.MANIFEST) + ": format_version " + manifest.getFormatVersion()
          + " is not " + VersionFiles.MANIFEST_FORMAT);
    }
    ModelSpec spec;
    Vocabularies vocabularies;
    try {
      spec = SpecJson.fromJson(Files.readString(versionDir.resolve(VersionFiles.SPEC), StandardCharsets.UTF_8));
      vocabularies = Vocabularies.fromJson(Files.readString(versionDir.resolve(VersionFiles.VOCABULARIES), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IOException(versionDir + ": " + e.getMessage(), e);
    }
    TrainingMetrics metrics = VersionFiles.readJson(versionDir.resolve(VersionFiles.METRICS), TrainingMetrics.newBuilder()).build();
    if (manifest.getServingPrecision() == ServingPrecision.INT8) {
      Optional<String> refusal = Int8Kernel.refusal();
      if (refusal.isPresent()) {
        throw new IOException(versionDir + " serves in INT8, which this machine cannot: " + refusal.get()
            + "; export the model again in FLOAT32 or BFLOAT16, or serve it on a machine whose CPU runs the int8 "
            + "product");
      }
    }
    SavedModelBundle bundle;
    try {
      bundle = SavedModelBundle.loader(versionDir.resolve(VersionFiles.SAVED_MODEL).toString())
          .withTags("serve").withConfigProto(config).load();
    } catch (RuntimeException e) {
      throw new IOException("TensorFlow cannot load " + versionDir.resolve(VersionFiles.SAVED_MODEL) + ": " + e.getMessage(), e);
    }
    try {
      return new ExportedModel(versionDir, spec, vocabularies, manifest, metrics, bundle, config, frozen);
    } catch (RuntimeException e) {
      bundle.close();
      throw new IOException(versionDir + " does not match its spec or cannot be prepared for predicting: "
          + e.getMessage(), e);
    }
  }

  /** The tensor each of {@code signature}'s inputs names, by input name. */
  static Map<String, String> tensorNames(Signature signature) {
    Map<String, String> names = new LinkedHashMap<>();
    signature.getInputs().forEach((key, description) -> names.put(key, description.name));
    return names;
  }

  public Path dir() {
    return dir;
  }

  public ModelSpec spec() {
    return spec;
  }

  /** The features a request must carry, in field order. */
  public List<Feature> inputs() {
    return plan.fields();
  }

  public Vocabularies vocabularies() {
    return vocabularies;
  }

  public VersionManifest manifest() {
    return manifest;
  }

  public TrainingMetrics metrics() {
    return metrics;
  }

  /** How the version stores its weights; float32 for versions written before that was recorded. */
  public ServingPrecision precision() {
    return switch (manifest.getServingPrecision()) {
      case BFLOAT16, INT8 -> manifest.getServingPrecision();
      default -> ServingPrecision.FLOAT32;
    };
  }

  public FieldLayout layout() {
    return layout;
  }

  /**
   * Click probabilities for raw feature values. Throws {@link IllegalArgumentException} listing
   * missing and unknown features, or naming a feature whose column has the wrong length.
   */
  public float[] predict(RawBatch batch) {
    checkColumns(batch);
    List<Tensor> tensors = new ArrayList<>();
    try {
      return run(feedRaw(session.runner(), batch, tensors).fetch(probability), batch.size());
    } finally {
      tensors.forEach(Tensor::close);
    }
  }

  /**
   * Predicts {@code batch} once under TensorFlow's full trace, for profiling: the call's step
   * statistics (each op's times and allocations), as {@link #predict} would run it.
   */
  public RunMetadata traced(RawBatch batch) {
    checkColumns(batch);
    List<Tensor> tensors = new ArrayList<>();
    RunOptions trace = RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build();
    try (Result result = feedRaw(session.runner(), batch, tensors).fetch(probability).setOptions(trace)
        .runAndFetchMetadata()) {
      return result.getMetadata().orElseThrow();
    } finally {
      tensors.forEach(Tensor::close);
    }
  }

  /** {@code runner} fed with {@code batch}'s raw values, the tensors it made added to {@code tensors}. */
  private Session.Runner feedRaw(Session.Runner runner, RawBatch batch, List<Tensor> tensors) {
    for (Feature f : layout.categorical()) {
      // a bucketized numeric field is encoded as an id but sent as its number
      Tensor t = f.isBucketized() ? TFloat32.vectorOf(batch.numbers().get(f.name()))
          : TString.tensorOf(NdArrays.vectorOfObjects(batch.strings().get(f.name())));
      tensors.add(t);
      runner.feed(rawInputs.get(f.name()), t);
    }
    for (Feature f : layout.numeric()) {
      Tensor t = TFloat32.vectorOf(batch.numbers().get(f.name()));
      tensors.add(t);
      runner.feed(rawInputs.get(f.name()), t);
    }
    for (Feature f : layout.sequences()) {
      Tensor t = TString.tensorOf(Shape.of(batch.size(), f.maxLength()),
          DataBuffers.ofObjects(SequenceWindow.pad(batch.sequences().get(f.name()), f.maxLength())));
      tensors.add(t);
      runner.feed(rawInputs.get(f.name()), t);
    }
    return runner;
  }

  /** Click probabilities for an encoded batch (ids and values as the trainer feeds them). */
  public float[] predictEncoded(EncodedBatch batch) {
    try (BatchTensors tensors = new BatchTensors(layout, batch)) {
      return run(tensors.feed(session.runner(), encodedInputs).fetch(probability), batch.size());
    }
  }

  private static float[] run(Session.Runner runner, int size) {
    try (Result result = runner.run()) {
      TFloat32 out = (TFloat32) result.get(0);
      float[] p = new float[size];
      out.asRawTensor().data().asFloats().read(p);
      return p;
    }
  }

  private void checkColumns(RawBatch batch) {
    TreeSet<String> missing = new TreeSet<>();
    TreeSet<String> sent = new TreeSet<>(batch.strings().keySet());
    sent.addAll(batch.numbers().keySet());
    sent.addAll(batch.sequences().keySet());
    for (Feature f : plan.fields()) {
      int length = switch (f.kind()) {
        case CATEGORICAL -> batch.strings().containsKey(f.name()) ? batch.strings().get(f.name()).length : -1;
        case NUMERIC -> batch.numbers().containsKey(f.name()) ? batch.numbers().get(f.name()).length : -1;
        case SEQUENCE -> batch.sequences().containsKey(f.name()) ? batch.sequences().get(f.name()).length : -1;
      };
      if (length < 0) {
        missing.add(f.name());
      } else if (length != batch.size()) {
        throw new IllegalArgumentException("feature '" + f.name() + "' has " + length + " values for " + batch.size()
            + " examples");
      }
      sent.remove(f.name());
    }
    if (!missing.isEmpty() || !sent.isEmpty()) {
      throw new IllegalArgumentException("features do not match the model's inputs: missing " + missing
          + ", not inputs of this model " + sent);
    }
  }

  @Override
  public void close() {
    closer.run();
  }
}
