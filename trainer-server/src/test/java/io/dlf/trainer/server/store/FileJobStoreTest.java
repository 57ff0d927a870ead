package io.dlf.trainer.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileJobStoreTest {

  private static Job job(String id, JobState state) {
    return Job.newBuilder().setId(id).setState(state).setModelName("m").build();
  }

  @Test
  void recordsSurviveReopeningAndASaveReplacesTheRecord(@TempDir Path dir) throws Exception {
    try (FileJobStore store = FileJobStore.open(dir)) {
      store.save(job("a", JobState.QUEUED));
      store.save(job("b", JobState.QUEUED));
      store.save(job("a", JobState.RUNNING));
    }
    try (FileJobStore store = FileJobStore.open(dir)) {
      List<Job> jobs = store.loadAll().stream().sorted((x, y) -> x.getId().compareTo(y.getId())).toList();
      assertEquals(List.of(job("a", JobState.RUNNING), job("b", JobState.QUEUED)), jobs);
    }
    assertFalse(Files.exists(dir.resolve("jobs/a/job.json.tmp")), "the temporary file was renamed into place");
  }

  @Test
  void aDamagedRecordIsSkippedAndLeftForAPerson(@TempDir Path dir) throws Exception {
    try (FileJobStore store = FileJobStore.open(dir)) {
      store.save(job("good", JobState.QUEUED));
      Files.createDirectories(dir.resolve("jobs/bad"));
      Files.writeString(dir.resolve("jobs/bad/job.json"), "{\"id\": \"bad\", \"state\": ");
      assertEquals(List.of(job("good", JobState.QUEUED)), store.loadAll());
      assertTrue(Files.exists(dir.resolve("jobs/bad/job.json")));
    }
  }

  @Test
  void aSecondTrainerCannotOpenTheSameFolder(@TempDir Path dir) throws Exception {
    try (FileJobStore held = FileJobStore.open(dir)) {
      IOException e = assertThrows(IOException.class, () -> FileJobStore.open(dir));
      assertEquals(List.of(), held.loadAll(), "the refused open changed nothing");
      assertTrue(e.getMessage().contains("another trainer is using data folder"), e.getMessage());
    }
    FileJobStore.open(dir).close();
  }

  @Test
  void theWorkFolderIsDeletedWithItsContents(@TempDir Path dir) throws Exception {
    try (FileJobStore store = FileJobStore.open(dir)) {
      WorkFolders folders = new WorkFolders(dir);
      Path work = store.workDir("a");
      assertEquals(folders.workDir("a"), work);
      Files.createDirectories(work.resolve("checkpoints/epoch-1"));
      Files.writeString(work.resolve("checkpoints/epoch-1/model.index"), "x");
      folders.deleteWorkDir("a");
      assertFalse(Files.exists(work));
      folders.deleteWorkDir("never-ran");
    }
  }
}
