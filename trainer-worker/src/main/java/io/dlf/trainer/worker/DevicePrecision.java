package io.dlf.trainer.worker;

import io.dlf.trainer.job.CpuFeatures;
import io.dlf.trainer.job.Precision;
import io.dlf.trainer.job.TrainingOptions;

/**
 * The precision a job trains at on its device. The trainer checks the CPU at submit, but with a
 * shared queue any worker host may lease the job, so the host that runs it checks its own CPU.
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
      throw new UnsupportedPrecisionException(reason);
    });
    return options;
  }
}
