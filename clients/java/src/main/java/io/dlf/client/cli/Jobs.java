package io.dlf.client.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobFailure;
import io.dlf.proto.trainer.v1.JobState;
import java.time.Instant;
import java.util.Locale;

/** How jobs read in a terminal and as JSON. */
final class Jobs {
  private static final JsonFormat.Printer JSON = JsonFormat.printer().preservingProtoFieldNames();

  private Jobs() {}

  static String json(Job job) {
    try {
      return JSON.print(job);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a job always prints as JSON", e);
    }
  }

  static String failure(JobFailure f) {
    String where = f.getFile().isEmpty() ? "" : " (" + f.getFile() + (f.getLine() > 0 ? ":" + f.getLine() : "") + ")";
    return f.getKind().name() + ": " + f.getMessage() + where;
  }

  /** One line of {@code jobs list}. */
  static String row(Job job) {
    String outcome = switch (job.getState()) {
      case SUCCEEDED -> String.format(Locale.ROOT, "version %d, test AUC %.4f", job.getVersion(),
          job.getMetrics().getTest().getAuc());
      case FAILED -> failure(job.getFailure());
      case RUNNING -> job.getPhase().name().toLowerCase(Locale.ROOT) + ", epoch " + job.getProgress().getEpoch();
      default -> "";
    };
    return String.format(Locale.ROOT, "%-36s  %-10s  %-20s  %-20s  %s", job.getId(), job.getState(),
        job.getModelName(), time(job.getCreateTime()), outcome);
  }

  static String header() {
    return String.format(Locale.ROOT, "%-36s  %-10s  %-20s  %-20s  %s", "ID", "STATE", "MODEL", "CREATED", "OUTCOME");
  }

  static boolean ended(JobState state) {
    return state == JobState.SUCCEEDED || state == JobState.FAILED || state == JobState.CANCELLED;
  }

  private static String time(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds()).toString();
  }
}
