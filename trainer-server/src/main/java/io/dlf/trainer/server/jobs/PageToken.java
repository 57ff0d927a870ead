package io.dlf.trainer.server.jobs;

import com.google.protobuf.util.Timestamps;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.ListJobsRequest;
import io.dlf.server.GrpcErrors;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** Where a page of ListJobs ended: the last job's creation time and id, opaque to clients. */
public record PageToken(long createNanos, String jobId) {
  /** Base64 of a time in nanoseconds, a colon and a job id: far below this. */
  static final int MAX_LENGTH = 256;

  /** The page size asked for: 100 jobs unless asked, at most 1000 (uint32: read unsigned). */
  public static int pageSize(ListJobsRequest request) {
    long asked = Integer.toUnsignedLong(request.getPageSize());
    return asked == 0 ? 100 : (int) Math.min(asked, 1000);
  }

  public static PageToken of(Job job) {
    return new PageToken(Timestamps.toNanos(job.getCreateTime()), job.getId());
  }

  /** @throws io.grpc.StatusRuntimeException INVALID_ARGUMENT if the token was not made by {@link #encode} */
  public static Optional<PageToken> parse(String token) {
    if (token.isEmpty()) {
      return Optional.empty();
    }
    if (token.length() > MAX_LENGTH) {
      throw GrpcErrors.invalidArgument("page_token", "not a token from ListJobsResponse.next_page_token (those are "
          + "at most " + MAX_LENGTH + " characters, this one has " + token.length() + ")");
    }
    try {
      String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      int colon = text.indexOf(':');
      return Optional.of(new PageToken(Long.parseLong(text.substring(0, colon)), text.substring(colon + 1)));
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      throw GrpcErrors.invalidArgument("page_token", "not a token from ListJobsResponse.next_page_token");
    }
  }

  public String encode() {
    byte[] text = (createNanos + ":" + jobId).getBytes(StandardCharsets.UTF_8);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text);
  }

  /** Whether {@code job} comes after this token in newest-first order. */
  boolean precedes(Job job) {
    long nanos = Timestamps.toNanos(job.getCreateTime());
    return nanos < createNanos || (nanos == createNanos && job.getId().compareTo(jobId) < 0);
  }
}
