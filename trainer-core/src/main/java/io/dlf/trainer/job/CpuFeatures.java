package io.dlf.trainer.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The instruction-set flags of a machine's CPU, as Linux lists them in {@code /proc/cpuinfo}.
 *
 * @param flags every flag of any processor, e.g. {@code avx512_bf16}
 */
public record CpuFeatures(Set<String> flags) {
  private static final Path CPUINFO = Path.of("/proc/cpuinfo");
  private static final Set<String> BFLOAT16_FLAGS = Set.of("avx512_bf16", "amx_bf16");

  public CpuFeatures {
    flags = Set.copyOf(flags);
  }

  /** This machine's; none where there is no {@code /proc/cpuinfo} to read (not Linux). */
  public static CpuFeatures ofThisMachine() {
    try {
      return parse(Files.readString(CPUINFO));
    } catch (IOException e) {
      return new CpuFeatures(Set.of());
    }
  }

  /** From {@code /proc/cpuinfo} text: its "flags" lines (x86). */
  public static CpuFeatures parse(String cpuinfo) {
    return new CpuFeatures(cpuinfo.lines()
        .map(line -> line.split(":", 2))
        .filter(pair -> pair.length == 2 && pair[0].strip().equals("flags"))
        .flatMap(pair -> Arrays.stream(pair[1].strip().split("\\s+")))
        .filter(flag -> !flag.isEmpty())
        .collect(Collectors.toSet()));
  }

  /** Whether oneDNN can run matrix products in bfloat16 here (AVX512-BF16 or AMX). */
  public boolean hasBfloat16() {
    return BFLOAT16_FLAGS.stream().anyMatch(flags::contains);
  }

  /**
   * Why a job cannot train at {@code precision} on this CPU, naming the field; empty when it can.
   */
  public Optional<String> refusal(Precision precision) {
    if (precision == Precision.BFLOAT16 && !hasBfloat16()) {
      return Optional.of("training.precision: BFLOAT16 cannot train on this CPU: it has no bfloat16 instructions "
          + "(avx512_bf16/amx_bf16 absent in /proc/cpuinfo); use FLOAT32, or a trainer whose CPU has them");
    }
    return Optional.empty();
  }
}
