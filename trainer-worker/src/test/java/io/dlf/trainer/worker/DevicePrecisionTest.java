package io.dlf.trainer.worker;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.proto.model.v1.ServingPrecision;
import io.dlf.proto.trainer.v1.JobFailure;
import io.dlf.trainer.job.CpuFeatures;
import io.dlf.trainer.job.Precision;
import io.dlf.trainer.job.TrainingOptions;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The worker host's own checks, for a job leased from a shared queue by a host without bfloat16 or int8. */
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
  void aHostWhoseCpuCannotRunTheInt8ProductFailsAnInt8ExportBeforeTraining() {
    String probe = "TensorFlow's int8 product (oneDNN's QuantizedMatMulWithBiasAndDequantize) does not run on this "
        + "CPU: Missing 0-th output";
    UnsupportedPrecisionException e = assertThrows(UnsupportedPrecisionException.class,
        () -> DevicePrecision.checkExport(ServingPrecision.INT8, Optional.of(probe)));
    JobFailure failure = WorkerFailures.of(e, "job-1");
    assertEquals(JobFailure.Kind.NO_INT8_CPU, failure.getKind());
    assertTrue(failure.getMessage().startsWith("export.precision INT8 cannot be made on this worker host: " + probe),
        failure.getMessage());
    assertTrue(failure.getMessage().endsWith("export in FLOAT32 or BFLOAT16, or run the job on a host whose CPU runs "
        + "the int8 product"), failure.getMessage());
  }

  @Test
  void otherExportsNeedNoInt8Product() {
    Optional<String> noInt8 = Optional.of("no int8 product here");
    assertDoesNotThrow(() -> DevicePrecision.checkExport(ServingPrecision.FLOAT32, noInt8));
    assertDoesNotThrow(() -> DevicePrecision.checkExport(ServingPrecision.BFLOAT16, noInt8));
    assertDoesNotThrow(() -> DevicePrecision.checkExport(ServingPrecision.INT8, Optional.empty()));
  }

  @Test
  void aGpuJobTrainsInFloat32WhateverTheCpu() {
    assertEquals(Precision.FLOAT32, DevicePrecision.of(ASKS_BFLOAT16, true, NO_BFLOAT16).precision());
  }
}
