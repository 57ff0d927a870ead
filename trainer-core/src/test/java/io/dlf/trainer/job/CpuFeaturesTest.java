package io.dlf.trainer.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CpuFeaturesTest {
  private static final String TWO_PROCESSORS = """
      processor\t: 0
      model name\t: Intel(R) Xeon(R) Processor
      flags\t\t: fpu sse2 avx2 avx512f avx512_bf16 amx_tile
      bogomips\t: 4800.00

      processor\t: 1
      flags\t\t: fpu sse2 avx2 avx512f avx512_bf16 amx_tile
      """;

  @Test
  void readsTheFlagsLinesOfCpuinfo() {
    CpuFeatures cpu = CpuFeatures.parse(TWO_PROCESSORS);
    assertEquals(Set.of("fpu", "sse2", "avx2", "avx512f", "avx512_bf16", "amx_tile"), cpu.flags());
    assertTrue(cpu.hasBfloat16());
    assertEquals(Optional.empty(), cpu.refusal(Precision.BFLOAT16));
  }

  @Test
  void amxAloneIsEnough() {
    assertTrue(CpuFeatures.parse("flags : sse2 amx_bf16 amx_tile\n").hasBfloat16());
  }

  @Test
  void withoutBfloat16InstructionsOnlyFloat32Trains() {
    CpuFeatures cpu = CpuFeatures.parse(TWO_PROCESSORS.replace("avx512_bf16", "avx512_vnni"));
    assertFalse(cpu.hasBfloat16());
    assertEquals(Optional.empty(), cpu.refusal(Precision.FLOAT32));
    assertEquals(Optional.of("training.precision: BFLOAT16 cannot train on this CPU: it has no bfloat16 instructions "
        + "(avx512_bf16/amx_bf16 absent in /proc/cpuinfo); use FLOAT32, or a trainer whose CPU has them"),
        cpu.refusal(Precision.BFLOAT16));
  }

  @Test
  void textWithoutFlagsHasNone() {
    assertEquals(Set.of(), CpuFeatures.parse("").flags());
    assertEquals(Set.of(), CpuFeatures.parse("Processor : AArch64 Processor\nFeatures : fp asimd bf16\n").flags());
  }
}
