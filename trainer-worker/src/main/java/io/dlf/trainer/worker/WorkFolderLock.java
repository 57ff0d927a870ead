package io.dlf.trainer.worker;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * One worker at a time in a job's work folder. A worker whose trainer died pauses on its own and
 * releases the folder within a step or so; the next attempt's worker waits for that instead of
 * writing the same checkpoints beside it.
 */
final class WorkFolderLock implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(WorkFolderLock.class.getName());
  private static final Duration WAIT = Duration.ofMinutes(2);
  private static final Duration POLL = Duration.ofMillis(200);

  private final FileChannel channel;
  private final FileLock lock;

  private WorkFolderLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static WorkFolderLock acquire(Path workDir) throws IOException {
    Files.createDirectories(workDir);
    FileChannel channel = FileChannel.open(workDir.resolve("worker.lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
    long deadline = System.nanoTime() + WAIT.toNanos();
    boolean logged = false;
    try {
      while (true) {
        FileLock lock = channel.tryLock();
        if (lock != null) {
          return new WorkFolderLock(channel, lock);
        }
        if (System.nanoTime() > deadline) {
          throw new IOException("another worker has held " + workDir + " for " + WAIT.toSeconds() + " s");
        }
        if (!logged) {
          LOG.info("waiting for the previous worker of " + workDir + " to let go of it");
          logged = true;
        }
        Thread.sleep(POLL.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      channel.close();
      throw new IOException("interrupted while waiting for " + workDir, e);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    lock.release();
    channel.close();
  }
}
