package io.dlf.trainer.server.submit;

import com.google.inject.Inject;
import io.dlf.proto.trainer.v1.DatasetFiles;
import io.dlf.proto.trainer.v1.DatasetRef;
import io.dlf.server.auth.Access;
import io.dlf.trainer.data.DatasetCatalog;
import io.dlf.trainer.data.GeneratedDatasets;
import io.dlf.trainer.server.auth.TrainerAccess;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a caller may read the data a request names: each file (symbolic links followed) must lie under a folder
 * its {@code data:FOLDER} roles name; a registered dataset's files likewise. Datasets the trainer generates need no
 * role. A reference that does not resolve passes here: validation reports it.
 */
public final class DataAccess {
  private final DataRoots roots;

  @Inject
  DataAccess(DataRoots roots) {
    this.roots = roots;
  }

  /** @throws StatusRuntimeException PERMISSION_DENIED naming the request field and the role it needs */
  public void check(DatasetRef ref, Access access) {
    if (access.isUnrestricted()) {
      return;
    }
    for (Map.Entry<String, Path> file : files(ref).entrySet()) {
      if (!access.allows(TrainerAccess.DATA, file.getValue().toString())) {
        throw access.denied("read " + file.getKey() + " (" + file.getValue() + ")",
            TrainerAccess.DATA + ":<a folder holding it>");
      }
    }
  }

  /** The data-root files the reference reads, by request field. */
  private Map<String, Path> files(DatasetRef ref) {
    Map<String, Path> files = new LinkedHashMap<>();
    switch (ref.getSourceCase()) {
      case NAME -> registered(ref.getName()).ifPresent(f -> f.forEach(p -> files.put("dataset.name", p)));
      case FILES -> {
        DatasetFiles given = ref.getFiles();
        resolved("dataset.files.train", given.getTrain()).ifPresent(p -> files.put("dataset.files.train", p));
        resolved("dataset.files.validation", given.getValidation())
            .ifPresent(p -> files.put("dataset.files.validation", p));
        resolved("dataset.files.test", given.getTest()).ifPresent(p -> files.put("dataset.files.test", p));
      }
      case SOURCE_NOT_SET -> { }
    }
    return files;
  }

  private Optional<List<Path>> registered(String name) {
    if (GeneratedDatasets.has(name) || !DatasetCatalog.names().contains(name)) {
      return Optional.empty();
    }
    DatasetCatalog.Entry entry = DatasetCatalog.get(name);
    List<String> relative = List.of(entry.train(), entry.validation(), entry.test());
    return roots.rootHolding(relative).map(root -> relative.stream().map(f -> root.resolve(f).normalize()).toList());
  }

  private Optional<Path> resolved(String field, String path) {
    try {
      return Optional.of(roots.resolveFile(field, path));
    } catch (StatusRuntimeException invalid) {
      return Optional.empty();
    }
  }
}
