import { describe, expect, it } from 'vitest';
import { lastJsonLine } from '../src/child.js';
import {
  checkKernelCode,
  missingCpuFlags,
  PEAK_SIZE,
  PEAK_WORKLOAD,
  peakLib,
  peakRatios,
} from '../src/native_peak.js';
import { type Figure, makeFigure } from '../src/schema.js';

/** objdump -d --no-show-raw-insn text of the two kernels, with `fma` and `muladd` loop bodies. */
function disassembly(fma: string[], muladd: string[]): string {
  const fn = (name: string, addr: number, body: string[]) =>
    [
      `0000000000002${addr}0 <${name}>:`,
      ...body.map((ins, i) => `    2${addr}${(i + 16).toString(16)}:\t${ins}`),
      '    2ff0:\tret',
      '',
    ].join('\n');
  return `\nsimd_peak:     file format elf64-x86-64\n\n${fn('simd_peak_muladd', 10, muladd)}\n${fn('simd_peak_fma', 20, fma)}`;
}
const fmas = Array.from({ length: 12 }, (_, i) => `vfmadd231ps %xmm1,%xmm0,%xmm${i + 2}`);
const muls = Array.from({ length: 12 }, (_, i) => `vmulps -0x${i + 1}8(%rsp),%xmm1,%xmm15`);
const adds = Array.from({ length: 12 }, (_, i) => `vaddps %xmm15,%xmm${i + 2},%xmm${i + 2}`);

describe('the native probe checks (pure)', () => {
  it('reads the CPU flags from /proc/cpuinfo', () => {
    expect(missingCpuFlags('processor\t: 0\nflags\t\t: fpu sse avx2 fma avx512f\n')).toEqual([]);
    expect(missingCpuFlags('flags\t\t: fpu sse avx\n')).toEqual(['avx2', 'fma']);
    expect(missingCpuFlags('no flags here')).toEqual(['avx2', 'fma']);
  });

  it('accepts 12 xmm FMAs and 12 xmm multiplies + adds', () => {
    expect(checkKernelCode(disassembly(fmas, [...muls, ...adds]))).toEqual([]);
  });

  it('rejects a multiply-add the compiler contracted, or products it shared', () => {
    expect(checkKernelCode(disassembly(fmas, fmas))).toEqual([
      'simd_peak_muladd was contracted to FMAs (fp-contract off did not hold)',
      'simd_peak_muladd has 0 xmm multiplies, not 12',
      'simd_peak_muladd has 0 xmm adds, not 12',
    ]);
    expect(checkKernelCode(disassembly(fmas, [...muls.slice(0, 2), ...adds]))).toEqual([
      'simd_peak_muladd has 2 xmm multiplies, not 12',
    ]);
  });

  it('rejects wider registers, too few FMAs, and a missing kernel', () => {
    const wide = fmas.map((l) => l.replaceAll('xmm', 'ymm'));
    expect(checkKernelCode(disassembly(wide, [...muls, ...adds]))).toEqual([
      'simd_peak_fma has 0 xmm FMAs, not 12',
      'simd_peak_fma uses ymm/zmm registers',
    ]);
    expect(checkKernelCode('nothing')).toEqual([
      'simd_peak_fma is not in the binary',
      'simd_peak_muladd is not in the binary',
    ]);
  });

  it("parses a program's last JSON line, or names why there is none", () => {
    expect(lastJsonLine('calibrating\n{"gflops": 52.5}\n', '', 'probe')).toEqual({ gflops: 52.5 });
    expect(lastJsonLine('{"error": "no FMA"}', '', 'probe')).toEqual({ error: 'no FMA' });
    expect(lastJsonLine('', 'Traceback\nImportError: x\n', 'probe')).toEqual({
      error: 'probe failed: ImportError: x',
    });
    expect(lastJsonLine('[1, 2]', '', 'probe')).toEqual({ error: 'probe failed: [1, 2]' });
    expect(lastJsonLine('', '', 'probe')).toEqual({ error: 'probe failed: no output' });
  });
});

describe('peakRatios (pure)', () => {
  const fig = (workload: string, size: number, lib: string, threads: number, samples: number[]): Figure =>
    makeFigure({ workload, size, lib, threads, unit: 'GFLOP/s', better: 'higher' }, samples);
  const peak = (op: 'fma' | 'muladd', threads: number, samples: number[]) =>
    fig(PEAK_WORKLOAD, PEAK_SIZE, peakLib(op), threads, samples);

  it('puts each wasm matmul figure over the FMA peak at its thread count, paired by round', () => {
    const figures = [
      fig('matmul', 512, 'nnet-cpu', 1, [3, 3, 3]),
      fig('matmul', 512, 'nnet-wasm', 1, [30, 25, 40]),
      fig('matmul', 512, 'nnet-wasm', 2, [60, 50, 50]),
      fig('matmul', 512, 'tfjs-wasm', 1, [20, 20, 20]),
      fig('matmul', 512, 'nnet-wasm-relaxed', 1, [40, 40, 40]),
      fig('mlp-train', 64, 'nnet-wasm', 1, [1000, 1000, 1000]),
      peak('fma', 1, [50, 50, 80]),
      peak('fma', 2, [100, 100, 50]),
      peak('muladd', 1, [50, 25, 80]),
      peak('muladd', 2, [100, 100, 100]),
    ];
    const got = Object.fromEntries(peakRatios(figures).map((r) => [r.label, r.samples]));
    expect(got).toEqual({
      'matmul 512: nnet-wasm 1T / native 128-bit peak 1T': [0.6, 0.5, 0.5],
      'matmul 512: nnet-wasm 2T / native 128-bit peak 2T': [0.6, 0.5, 1],
      'matmul 512: tfjs-wasm 1T / native 128-bit peak 1T': [0.4, 0.4, 0.25],
      'matmul 512: nnet-wasm-relaxed 1T / native 128-bit peak 1T': [0.8, 0.8, 0.5],
      'native 128-bit peak 1T: mul+add / FMA': [1, 0.5, 1],
      'native 128-bit peak 2T: mul+add / FMA': [1, 1, 2],
      'native 128-bit peak: 2T / 1T (FMA)': [2, 2, 0.625],
    });
  });

  it('gives no ratio when the probe was skipped (no peak figures)', () => {
    expect(peakRatios([fig('matmul', 256, 'nnet-wasm', 1, [30])])).toEqual([]);
  });
});
