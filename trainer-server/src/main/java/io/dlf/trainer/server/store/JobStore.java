package io.dlf.trainer.server.store;

import io.dlf.proto.trainer.v1.Job;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Durable job records and each job's work folder (the trainer's checkpoints). The embedded
 * default is {@link FileJobStore}; a store shared by several trainers would sit behind the same
 * calls.
 */
public interface JobStore extends AutoCloseable {

  /** Every stored job, in no particular order. */
  List<Job> loadAll() throws IOException;

  /** Replaces the job's record in one step: a reader sees the old record or the new one. */
  void save(Job job) throws IOException;

  /** The job's work folder (may not exist yet). */
  Path workDir(String jobId);

  /** Removes the job's work folder, if any. */
  void deleteWorkDir(String jobId) throws IOException;

  @Override
  void close();
}
