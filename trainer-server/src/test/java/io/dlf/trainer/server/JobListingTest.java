package io.dlf.trainer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.Timestamps;
import io.dlf.proto.trainer.v1.CancelJobRequest;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobState;
import io.dlf.proto.trainer.v1.ListJobsRequest;
import io.dlf.proto.trainer.v1.ListJobsResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ListJobs through the trainer's real services, called in process: newest first, a page at a time
 * with each page's token leading to the next, and filtered by state.
 */
class JobListingTest {
  private static final int JOBS = 5;

  @Test
  void jobsAreListedNewestFirstAPageAtATimeAndByState(@TempDir Path dir) throws Exception {
    Path root = dir.resolve("data");
    GeneratedData.write(root, "gen", 500);
    try (RunningTrainer trainer = RunningTrainer.inProcess(RunningTrainer.config(dir.resolve("trainer"), root))) {
      List<String> submitted = new ArrayList<>();
      for (int i = 0; i < JOBS; i++) {
        submitted.add(trainer.stub().submitJob(GeneratedData.request("gen", "listed-" + i, 1)).getId());
      }

      List<Job> all = trainer.stub().listJobs(ListJobsRequest.getDefaultInstance()).getJobsList();
      assertEquals(Set.copyOf(submitted), Set.copyOf(ids(all)));
      for (int i = 1; i < all.size(); i++) {
        assertTrue(Timestamps.compare(all.get(i - 1).getCreateTime(), all.get(i).getCreateTime()) >= 0,
            "newest first: " + all);
      }

      List<List<String>> pages = new ArrayList<>();
      String token = "";
      do {
        ListJobsResponse page = trainer.stub().listJobs(ListJobsRequest.newBuilder().setPageSize(2)
            .setPageToken(token).build());
        pages.add(ids(page.getJobsList()));
        token = page.getNextPageToken();
      } while (!token.isEmpty() && pages.size() <= JOBS);
      List<String> newestFirst = ids(all);
      assertEquals(List.of(newestFirst.subList(0, 2), newestFirst.subList(2, 4), newestFirst.subList(4, 5)), pages,
          "pages of 2, the last one without a next token");

      // One CPU slot: the last two submitted still wait, so a cancel ends them at once.
      List<String> cancelled = submitted.subList(JOBS - 2, JOBS);
      cancelled.forEach(id -> trainer.stub().cancelJob(CancelJobRequest.newBuilder().setJobId(id).build()));
      assertEquals(Set.copyOf(cancelled), Set.copyOf(ids(trainer.stub().listJobs(ListJobsRequest.newBuilder()
          .addStates(JobState.CANCELLED).build()).getJobsList())));
      assertEquals(JOBS, trainer.stub().listJobs(ListJobsRequest.getDefaultInstance()).getJobsCount());
    }
  }

  private static List<String> ids(List<Job> jobs) {
    return jobs.stream().map(Job::getId).toList();
  }
}
