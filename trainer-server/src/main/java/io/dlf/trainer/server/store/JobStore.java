package io.dlf.trainer.server.store;

import io.dlf.proto.trainer.v1.Job;
import java.io.IOException;
import java.util.List;

/**
 * Durable job records of an embedded trainer ({@link FileJobStore}). Trainers that share a
 * database keep their records there instead ({@code io.dlf.trainer.server.postgres}).
 */
public interface JobStore extends AutoCloseable {

  /** Every stored job, in no particular order. */
  List<Job> loadAll() throws IOException;

  /** Replaces the job's record in one step: a reader sees the old record or the new one. */
  void save(Job job) throws IOException;

  @Override
  void close();
}
