package io.dlf.trainer.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dlf.proto.trainer.v1.JobFailure;
import io.dlf.trainer.job.CpuFeatures;
import io.dlf.trainer.job.Precision;
import io.dlf.trainer.job.TrainingOptions;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The worker host's own check, for a job a host without bfloat16 leased from a shared queue. */
class DevicePrecisionTest {
  private static final CpuFeatures NO_BFLOAT16 = new CpuFeatures(Set.of("avx2", "avx512f"));
  private static final CpuFeatures BFLOAT16 = new CpuFeatures(Set.of("avx2", "avx512f", "avx512_bf16"));
  private static final TrainingOptions ASKS_BFLOAT16 = TrainingOptions.defaults().precision(Precision.BFLOAT16);

  @Test
  void aCpuWithoutBfloat16FailsTheJobWithTheReason() {
    UnsupportedPrecisionException e = assertThrows(UnsupportedPrecisionException.class,
        () -> DevicePrecision.of(ASKS_BFLOAT16, false, NO_BFLOAT16));
    JobFailure failure = WorkerFailures.of(e, "job-1");
    assertEquals(JobFailure.Kind.NO_BFLOAT16_CPU, failure.getKind());
    assertEquals(NO_BFLOAT16.refusal(Precision.BFLOAT16).orElseThrow(), failure.getMessage());
  }

  @Test
  void aCpuWithBfloat16TrainsAsAsked() {
    assertEquals(Precision.BFLOAT16, DevicePrecision.of(ASKS_BFLOAT16, false, BFLOAT16).precision());
    assertEquals(Precision.FLOAT32, DevicePrecision.of(TrainingOptions.defaults(), false, NO_BFLOAT16).precision());
  }

  @Test
  void aGpuJobTrainsInFloat32WhateverTheCpu() {
    assertEquals(Precision.FLOAT32, DevicePrecision.of(ASKS_BFLOAT16, true, NO_BFLOAT16).precision());
  }
}
