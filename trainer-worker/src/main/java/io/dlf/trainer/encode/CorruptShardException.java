package io.dlf.trainer.encode;

import io.dlf.trainer.data.DataException;
import java.nio.file.Path;

/** A shard of prepared data that is not as its manifest says: nothing of it is trained on. */
public final class CorruptShardException extends DataException {
  private static final long serialVersionUID = 1L;

  CorruptShardException(Path shard, String problem) {
    super(shard, 0, problem + "; the prepared data in " + shard.getParent() + " is damaged: remove that folder and "
        + "the job prepares the data again");
  }
}
