package io.dlf.trainer.server.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JobMemoryLimitTest {

  @Test
  void theDerivedLimitSharesWhatTheTrainerLeavesAmongTheSlots() {
    JobMemoryLimit limit = JobMemoryLimit.derived(16L << 30, 2);
    assertEquals(7L << 30, limit.bytes());
    assertTrue(limit.origin().contains("16.0 GiB physical memory - 2.0 GiB for the trainer) / 2 job slots"),
        limit.origin());
    assertEquals(3L << 30, JobMemoryLimit.derived(4L << 30, 1).bytes(), "a small machine keeps a quarter");
    assertTrue(limit.describe().startsWith("7.0 GiB (7,516,192,768 bytes, derived"), limit.describe());
  }
}
