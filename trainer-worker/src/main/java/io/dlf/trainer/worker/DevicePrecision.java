package io.dlf.trainer.worker;

import io.dlf.dsl.export.Int8Kernel;
import io.dlf.proto.model.v1.ServingPrecision;
import io.dlf.proto.trainer.v1.JobFailure;
import io.dlf.trainer.job.CpuFeatures;
import io.dlf.trainer.job.Precision;
import io.dlf.trainer.job.TrainingOptions;
import java.util.Optional;

/**
 * The precision a job trains at on its device, and whether the host can make the version it exports.
 * The trainer checks the CPU's bfloat16 at submit, but with a shared queue any worker host may lease
 * the job, so the host that runs it checks its own CPU.
 */
final class DevicePrecision {
  private DevicePrecision() {}

  /**
   * {@code options} as they train on this device: on a GPU in float32 (TensorFlow's GPU rewrite is
   * float16, and its bfloat16 rewrite only touches CPU ops); on a CPU as asked, if {@code cpu} can.
   *
   * @throws UnsupportedPrecisionException if the CPU cannot train at the requested precision
   */
  static TrainingOptions of(TrainingOptions options, boolean gpu, CpuFeatures cpu) {
    if (gpu) {
      return options.precision(Precision.FLOAT32);
    }
    cpu.refusal(options.precision()).ifPresent(reason -> {
      throw new UnsupportedPrecisionException(JobFailure.Kind.NO_BFLOAT16_CPU, reason);
    });
    return options;
  }

  /**
   * Checks that this host can make the version the job exports: an INT8 version needs TensorFlow's
   * int8 product, which {@code int8Refusal} ({@link Int8Kernel#refusal}) says does not run here.
   *
   * @throws UnsupportedPrecisionException if it cannot, before anything is trained
   */
  static void checkExport(ServingPrecision precision, Optional<String> int8Refusal) {
    if (precision == ServingPrecision.INT8) {
      int8Refusal.ifPresent(reason -> {
        throw new UnsupportedPrecisionException(JobFailure.Kind.NO_INT8_CPU, "export.precision INT8 cannot be made "
            + "on this worker host: " + reason + "; export in FLOAT32 or BFLOAT16, or run the job on a host whose "
            + "CPU runs the int8 product");
      });
    }
  }
}
