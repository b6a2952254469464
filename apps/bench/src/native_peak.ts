/**
 * The native 128-bit SIMD peak per core, an anchor the wasm matmul benches measure in their own run
 * (`pnpm bench`'s matmul part and the browser page): WebAssembly SIMD is 128 bits wide and V8
 * allocates only xmm0–xmm15, so what a native program reaches with 128-bit vectors on this host is
 * the ceiling for any wasm GEMM. `native/simd_peak.cpp` is compiled with g++ at bench time into a
 * cache directory (`g++ -O2 -mavx2 -mfma`), its two kernels checked with objdump (12 xmm FMAs; 12
 * xmm multiplies and 12 adds and no FMA), and run as its own process per figure, alternating with
 * the other contenders: single-thread and two-thread GFLOP/s of 128-bit FMA and of 128-bit
 * multiply + add. Where g++ or objdump is missing, or the CPU lacks AVX2/FMA, the anchor is skipped
 * with the reason.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { runJsonCommand } from './child.js';
import { alternate } from './cli_args.js';
import { compileNative } from './native.js';
import { pinned } from './pin.js';
import { type Figure, figureId, measuredRatio, type Ratio, type SampleSet } from './schema.js';

/** The probe's two kernels: 128-bit FMA, and 128-bit multiply then add (what plain wasm SIMD has). */
export const PEAK_OPS = ['fma', 'muladd'] as const;
export type PeakOp = (typeof PEAK_OPS)[number];

/** The workload and size (the vector width in bits) of the peak figures. */
export const PEAK_WORKLOAD = 'native-simd-peak';
export const PEAK_SIZE = 128;

/** The library name of a peak figure: `native-fma`, `native-muladd`. */
export function peakLib(op: PeakOp): string {
  return `native-${op}`;
}

/** The figure id of the peak of `op` with `threads` threads. */
export function peakId(op: PeakOp, threads: number): string {
  return figureId(PEAK_WORKLOAD, PEAK_SIZE, peakLib(op), threads);
}

/** The libraries whose matmul figures get a ratio to the peak: the WebAssembly ones. */
const WASM_LIBS = ['nnet-wasm', 'nnet-wasm-relaxed', 'tfjs-wasm'];

/** The CPU features the probe needs. */
const NEEDED_FLAGS = ['avx2', 'fma'];

/** Compiler flags of the probe (part of its cache key). */
const CXXFLAGS = ['-O2', '-mavx2', '-mfma', '-pthread'];

/**
 * The CPU features of `NEEDED_FLAGS` missing from a `/proc/cpuinfo` text (its first `flags` line).
 *
 * @example
 * missingCpuFlags('flags\t: fpu sse avx2 fma\n'); // []
 */
export function missingCpuFlags(cpuinfo: string): string[] {
  const line = cpuinfo.split('\n').find((l) => /^flags\s*:/.test(l));
  const flags = new Set(
    (line ?? '')
      .replace(/^flags\s*:/, '')
      .trim()
      .split(/\s+/),
  );
  return NEEDED_FLAGS.filter((f) => !flags.has(f));
}

/** The instructions of `symbol`'s body in `objdump -d` output (mnemonic and operands per line). */
function functionBody(disassembly: string, symbol: string): string[] | null {
  const lines = disassembly.split('\n');
  const start = lines.findIndex((l) => l.includes(`<${symbol}>:`));
  if (start < 0) return null;
  const body: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (!l.trim() || /^[0-9a-f]+ <.*>:/.test(l)) break;
    body.push(l.split('\t').slice(1).join(' ').trim());
  }
  return body;
}

/**
 * What is wrong with the probe's two kernels in `objdump -d --no-show-raw-insn` output (empty: they
 * are what the figures say). `simd_peak_fma` must hold 12 FMAs on xmm registers;
 * `simd_peak_muladd` 12 multiplies and 12 adds on xmm and no FMA (the compiler did not contract
 * them); neither may touch a ymm or zmm register.
 */
export function checkKernelCode(disassembly: string): string[] {
  const problems: string[] = [];
  const count = (body: string[], re: RegExp) => body.filter((l) => re.test(l)).length;
  const wide = /%[yz]mm/;
  const fma = functionBody(disassembly, 'simd_peak_fma');
  const muladd = functionBody(disassembly, 'simd_peak_muladd');
  if (!fma) problems.push('simd_peak_fma is not in the binary');
  else {
    const n = count(fma, /^vfmadd\d+ps\s.*%xmm/);
    if (n < 12) problems.push(`simd_peak_fma has ${n} xmm FMAs, not 12`);
    if (fma.some((l) => wide.test(l))) problems.push('simd_peak_fma uses ymm/zmm registers');
  }
  if (!muladd) problems.push('simd_peak_muladd is not in the binary');
  else {
    const mul = count(muladd, /^vmulps\s.*%xmm/);
    const add = count(muladd, /^vaddps\s.*%xmm/);
    if (count(muladd, /^vfn?m(add|sub)/) > 0)
      problems.push('simd_peak_muladd was contracted to FMAs (fp-contract off did not hold)');
    if (mul < 12) problems.push(`simd_peak_muladd has ${mul} xmm multiplies, not 12`);
    if (add < 12) problems.push(`simd_peak_muladd has ${add} xmm adds, not 12`);
    if (muladd.some((l) => wide.test(l))) problems.push('simd_peak_muladd uses ymm/zmm registers');
  }
  return problems;
}

/** A compiled, checked probe, or why there is none. */
export type Probe = { binary: string; compiler: string } | { skip: string };

/**
 * Compiles `native/simd_peak.cpp` (compileNative) and checks its kernels with objdump; the reason
 * to skip the anchor when g++, objdump or AVX2/FMA is missing or the check fails.
 */
export function prepareProbe(): Probe {
  let cpuinfo: string;
  try {
    cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return { skip: 'no /proc/cpuinfo to check the CPU for AVX2 and FMA (the probe needs Linux on x86-64)' };
  }
  const missing = missingCpuFlags(cpuinfo);
  if (missing.length) return { skip: `the CPU lacks ${missing.join(' and ')}` };
  const compiled = compileNative('simd_peak', CXXFLAGS);
  if ('skip' in compiled) return compiled;
  const { binary, compiler } = compiled;
  const dump = spawnSync('objdump', ['-d', '--no-show-raw-insn', binary], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (dump.error || dump.status !== 0)
    return { skip: 'objdump is missing (apt-get install binutils): the kernels cannot be checked' };
  const problems = checkKernelCode(dump.stdout);
  if (problems.length) return { skip: `the compiled probe is not what it measures: ${problems.join('; ')}` };
  return { binary, compiler };
}

/** What the probe prints. */
interface PeakOut {
  gflops?: number;
  error?: string;
}

/** One figure of the probe in its own process: GFLOP/s of `op` on `threads` threads, or the reason. */
export function runPeak(
  binary: string,
  op: PeakOp,
  threads: number,
  quick: boolean,
): { value: number | null; error?: string } {
  const timing = quick
    ? ['--min-time-ms', '50', '--min-reps', '2']
    : ['--min-time-ms', '500', '--min-reps', '5'];
  const r: PeakOut = runJsonCommand<PeakOut>(
    ...pinned(threads, binary, ['--op', op, '--threads', String(threads), ...timing]),
  );
  if (r.error) return { value: null, error: r.error };
  return typeof r.gflops === 'number'
    ? { value: r.gflops }
    : { value: null, error: 'the probe printed no gflops' };
}

/**
 * The anchor inside a bench's rounds: prepared once (compiled and checked, or skipped with the
 * reason), then `measure` runs every op at every thread count, each in its own process, the order
 * reversed every other round, recording the values in `samples` under `peakId`.
 */
export class PeakAnchor {
  readonly probe: Probe = prepareProbe();

  constructor(
    private readonly threadCounts: readonly number[],
    private readonly quick: boolean,
  ) {
    if ('skip' in this.probe) console.log(`native 128-bit SIMD peak skipped: ${this.probe.skip}`);
  }

  /** One round of the probe's figures (nothing when skipped). */
  measure(samples: SampleSet, round: number, log: (line: string) => void = console.error): void {
    if (!('binary' in this.probe)) return;
    const runs = PEAK_OPS.flatMap((op) => this.threadCounts.map((threads) => ({ op, threads })));
    for (const { op, threads } of alternate(runs, round)) {
      const r = runPeak(this.probe.binary, op, threads, this.quick);
      samples.add(peakId(op, threads), r.value, r.error ?? 'no value');
      log(`round ${round + 1} ${peakId(op, threads)}: ${r.value?.toFixed(1) ?? r.error}`);
    }
  }

  /** The peak figures (none when skipped). */
  figures(samples: SampleSet): Figure[] {
    if (!('binary' in this.probe)) return [];
    return PEAK_OPS.flatMap((op) =>
      this.threadCounts.map((threads) =>
        samples.figure(
          {
            workload: PEAK_WORKLOAD,
            size: PEAK_SIZE,
            lib: peakLib(op),
            threads,
            unit: 'GFLOP/s',
            better: 'higher',
          },
          {},
          'not measured',
        ),
      ),
    );
  }

  /** The environment entry and the notes a report needs: what the anchor is, or why it is absent. */
  describe(environment: Record<string, string | number | boolean>, notes: string[]): void {
    if ('binary' in this.probe) {
      environment.nativeProbeCompiler = this.probe.compiler;
      notes.push(PEAK_NOTE);
    } else notes.push(`native 128-bit SIMD peak skipped: ${this.probe.skip}. Nothing was measured for it.`);
  }
}

/** What the peak figures and their ratios show (a report's note). */
export const PEAK_NOTE =
  'native-simd-peak: the hardware ceiling for 128-bit SIMD on this host, measured by native/simd_peak.cpp (g++ -O2 -mavx2 -mfma) in its own process alternating with the other contenders: 12 independent xmm accumulators updated as a GEMM tile is (acc += x·y), native-fma with vfmadd231ps, native-muladd with vmulps + vaddps (fp-contract off, checked with objdump); 2T runs two pthreads and sums them. WebAssembly SIMD is 128 bits wide and V8 uses only xmm0–15, so no wasm GEMM can pass it; "/ native 128-bit peak" ratios are the share of that ceiling reached (the FMA figure; mul+add / FMA says whether FMA adds anything at 128 bits here).';

/**
 * The ratios of the peak anchor among `figures` (pure): each WebAssembly matmul figure over the FMA
 * peak at its thread count (`matmul 512: nnet-wasm 2T / native 128-bit peak 2T`), then the peak's
 * own mul+add / FMA and 2T / 1T. A ratio whose figures have no samples is left out.
 *
 * @example
 * peakRatios(report.figures).map((r) => r.label);
 * // ['matmul 256: nnet-wasm 1T / native 128-bit peak 1T', ..., 'native 128-bit peak: 2T / 1T (FMA)']
 */
export function peakRatios(figures: readonly Figure[]): Ratio[] {
  const out: Ratio[] = [];
  for (const f of figures) {
    if (f.workload !== 'matmul' || !WASM_LIBS.includes(f.lib)) continue;
    const label = `matmul ${f.size}: ${f.lib} ${f.threads}T / native 128-bit peak ${f.threads}T`;
    out.push(...measuredRatio(figures, label, f.id, peakId('fma', f.threads)));
  }
  const threads = [...new Set(figures.filter((f) => f.workload === PEAK_WORKLOAD).map((f) => f.threads))];
  for (const t of threads)
    out.push(
      ...measuredRatio(
        figures,
        `native 128-bit peak ${t}T: mul+add / FMA`,
        peakId('muladd', t),
        peakId('fma', t),
      ),
    );
  out.push(
    ...measuredRatio(figures, 'native 128-bit peak: 2T / 1T (FMA)', peakId('fma', 2), peakId('fma', 1)),
  );
  return out;
}
