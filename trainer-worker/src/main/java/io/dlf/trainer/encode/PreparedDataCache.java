package io.dlf.trainer.encode;

import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.proto.train.v1.SourceFile;
import io.dlf.trainer.data.BadRows;
import io.dlf.trainer.data.DatasetSchema;
import io.dlf.trainer.data.DatasetSplits;
import io.dlf.trainer.data.RowReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Prepared datasets under one folder, {@code <root>/<key>/}, named by what decides their bytes (see
 * {@link PreparedDataKey}): a job whose data and encoding were prepared before reuses the shards
 * instead of reading the text again; a changed source file makes a new key, so a new folder. A
 * folder is written under a temporary name and renamed once complete, so none is used half-written;
 * two jobs preparing the same key at once both work and the first rename wins.
 */
public final class PreparedDataCache {
  private static final Logger LOG = Logger.getLogger(PreparedDataCache.class.getName());
  private static final String PREPARING = ".preparing-";

  private final Path root;
  private final FreeSpace freeSpace;
  private final int maxShardRows;

  public PreparedDataCache(Path root) {
    this(root, FreeSpace.OF_FILE_STORE, ShardWriter.MAX_SHARD_ROWS);
  }

  /** @param maxShardRows the most rows a shard holds (it also holds at most {@link ShardWriter#MAX_SHARD_BYTES}) */
  PreparedDataCache(Path root, FreeSpace freeSpace, int maxShardRows) {
    this.root = root;
    this.freeSpace = freeSpace;
    this.maxShardRows = maxShardRows;
  }

  /**
   * The splits encoded for {@code spec}, read from shards: reused if prepared before, else prepared now.
   *
   * @throws io.dlf.trainer.data.DataException for a source row that does not parse (with {@link BadRows#FAIL}),
   *     a source file that changed meanwhile, or a damaged shard
   * @throws PreparationSpaceException if the root's disk has too little room
   */
  public PreparedData prepare(ModelSpec spec, DatasetSchema schema, DatasetSplits splits, BadRows badRows,
      PreparationListener listener) throws IOException {
    ModelPlan plan = ModelPlan.of(spec);
    List<SourceFile> sources = splits.all().stream().map(SourceFiles::fingerprint).toList();
    PreparedDataKey key = PreparedDataKey.of(plan, schema, badRows, sources);
    Path folder = root.resolve(key.key());
    if (PreparedFolder.isComplete(folder)) {
      LOG.info(() -> "reusing the data prepared in " + folder);
      return PreparedFolder.open(folder, plan);
    }
    Files.createDirectories(root);
    Path temp = Files.createTempDirectory(root, PREPARING + key.key().substring(0, 16) + "-");
    try {
      DatasetEncoder encoder = new DatasetEncoder(new RowReader(schema, plan.fields(), badRows));
      new ShardedPreparation(spec, plan, encoder, freeSpace, maxShardRows, listener).write(temp, root, key, sources);
      publish(temp, folder);
    } finally {
      deleteRecursively(temp);
    }
    LOG.info(() -> "prepared the data in " + folder);
    return PreparedFolder.open(folder, plan);
  }

  /** Renames the complete folder into place, unless another job's is there already. */
  private static void publish(Path temp, Path folder) throws IOException {
    try {
      Files.move(temp, folder, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      if (!PreparedFolder.isComplete(folder)) {
        throw e;
      }
      LOG.info(() -> folder + " was prepared meanwhile by another job: using that one");
    }
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
