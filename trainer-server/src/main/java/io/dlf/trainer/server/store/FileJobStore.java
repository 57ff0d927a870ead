package io.dlf.trainer.server.store;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.dlf.proto.trainer.v1.Job;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Jobs as files under a data folder: {@code jobs/<id>/job.json} (the record, JSON a person can
 * read) and {@code jobs/<id>/work/} (checkpoints, see {@link WorkFolders}). A record is written to a temporary file, flushed
 * to disk and renamed over the old one, so a crash never leaves half a record. A lock file keeps a
 * second trainer off the same folder.
 */
public final class FileJobStore implements JobStore {
  private static final Logger LOG = Logger.getLogger(FileJobStore.class.getName());
  private static final String RECORD = "job.json";

  private final Path jobs;
  private final WorkFolders folders;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private FileJobStore(WorkFolders folders, FileChannel lockChannel, FileLock lock) {
    this.jobs = folders.jobs();
    this.folders = folders;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Opens (creating if needed) the store in {@code dataDir}.
   *
   * @throws IOException if the folder cannot be used, or another trainer holds it
   */
  public static FileJobStore open(Path dataDir) throws IOException {
    WorkFolders folders = new WorkFolders(dataDir);
    Files.createDirectories(folders.jobs());
    Path lockFile = dataDir.resolve("trainer.lock");
    FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      throw new IOException("another trainer is using data folder " + dataDir.toAbsolutePath()
          + " (it holds " + lockFile.getFileName() + "); give each trainer its own --data-dir");
    }
    return new FileJobStore(folders, channel, lock);
  }

  @Override
  public List<Job> loadAll() throws IOException {
    List<Job> out = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(jobs)) {
      for (Path dir : dirs.filter(Files::isDirectory).toList()) {
        Path record = dir.resolve(RECORD);
        if (!Files.isRegularFile(record)) {
          continue;
        }
        Job.Builder job = Job.newBuilder();
        try {
          JsonFormat.parser().ignoringUnknownFields().merge(Files.readString(record, StandardCharsets.UTF_8), job);
          out.add(job.build());
        } catch (InvalidProtocolBufferException e) {
          // Left in place for a person to look at; the other jobs still load.
          LOG.log(Level.SEVERE, record + " is not a job record and is skipped: " + e.getMessage());
        }
      }
    }
    return out;
  }

  @Override
  public void save(Job job) throws IOException {
    Path dir = jobs.resolve(job.getId());
    Files.createDirectories(dir);
    Path temp = dir.resolve(RECORD + ".tmp");
    byte[] json = JsonFormat.printer().preservingProtoFieldNames().print(job).getBytes(StandardCharsets.UTF_8);
    try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buffer = ByteBuffer.wrap(json);
      while (buffer.hasRemaining()) {
        out.write(buffer);
      }
      out.force(true);
    }
    Files.move(temp, dir.resolve(RECORD), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The job's work folder (may not exist yet). */
  public Path workDir(String jobId) {
    return folders.workDir(jobId);
  }

  @Override
  public void close() {
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      LOG.log(Level.WARNING, "could not release the data folder's lock", e);
    }
  }
}
