/**
 * Finding, choosing and instantiating the WebAssembly module. Two builds ship in the package:
 * plain 128-bit SIMD and relaxed SIMD (fused multiply-add). The relaxed one is used where the
 * runtime validates a probe module that uses f32x4.relaxed_madd (Node 20 only behind
 * --experimental-wasm-relaxed-simd; newer runtimes by default).
 */

/**
 * Where the module comes from: its bytes, a URL (a string is resolved against this module's URL;
 * file: URLs are read with fs in Node, others fetched), or (default) the file next to this module.
 *
 * Example:
 *   await createWasmBackend({ wasm: new URL('/assets/nnet.wasm', location.href) }); // a bundler's copy
 */
export type WasmSource = ArrayBuffer | Uint8Array | URL | string;

/** `v128.const 0`. */
const V128_ZERO = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];

/**
 * True when the runtime validates a module holding one function `() -> v128` whose body is
 * `code` (no locals; a body under 126 bytes, so every size fits one LEB128 byte).
 */
function validates(code: readonly number[]): boolean {
  const body = [0x00, ...code, 0x0b]; // no locals, the code, end
  const module = new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // magic, version 1
    ...[0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b], // type section: () -> v128
    ...[0x03, 0x02, 0x01, 0x00], // function section: one function of type 0
    ...[0x0a, body.length + 2, 0x01, body.length, ...body], // code section
  ]);
  try {
    return WebAssembly.validate(module);
  } catch {
    return false;
  }
}

/**
 * True when the runtime accepts relaxed SIMD: validates a probe (v128.const 0) ×3,
 * f32x4.relaxed_madd. Node 20 only with --experimental-wasm-relaxed-simd.
 *
 * ```ts
 * import { relaxedSimdSupported } from '@nnet/backend-wasm';
 * relaxedSimdSupported(); // false on plain Node 20, true on Node 22+ and current browsers
 * ```
 */
export function relaxedSimdSupported(): boolean {
  return validates([...V128_ZERO, ...V128_ZERO, ...V128_ZERO, 0xfd, 0x85, 0x02]);
}

/**
 * True when the runtime accepts 128-bit SIMD at all (validates v128.const 0); the backend needs it.
 *
 * ```ts
 * import { setBackend } from '@nnet/tensor';
 * import { simdSupported } from '@nnet/backend-wasm';
 * import '@nnet/backend-cpu';
 * await setBackend(simdSupported() ? 'wasm' : 'cpu'); // no wasm SIMD: use the CPU backend
 * ```
 */
export function simdSupported(): boolean {
  return validates(V128_ZERO);
}

async function fetchBytes(url: URL): Promise<ArrayBuffer | Uint8Array> {
  if (url.protocol === 'file:') {
    // Node: read the file. The specifier is a variable so bundlers leave the browser path free of Node built-ins.
    const specifier = 'node:fs/promises';
    const fs = (await import(/* @vite-ignore */ specifier)) as { readFile(path: URL): Promise<Uint8Array> };
    return fs.readFile(url);
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`could not fetch ${url.href}: HTTP ${res.status}`);
  return res.arrayBuffer();
}

/**
 * The shipped build's URL. Each is a literal `new URL('./x.wasm', import.meta.url)` so bundlers
 * (Vite, webpack 5, Parcel) see the files and emit them as assets.
 */
function shippedWasm(shared: boolean, relaxed: boolean): URL {
  if (shared)
    return relaxed
      ? new URL('./nnet-shared-relaxed.wasm', import.meta.url)
      : new URL('./nnet-shared.wasm', import.meta.url);
  return relaxed ? new URL('./nnet-relaxed.wasm', import.meta.url) : new URL('./nnet.wasm', import.meta.url);
}

/**
 * Compiles the chosen build. `relaxed` undefined means: relaxed where supported. `shared` picks
 * the build that imports a shared memory (for the worker pool).
 */
export async function compileModule(
  source?: WasmSource,
  relaxed?: boolean,
  shared = false,
): Promise<{ module: WebAssembly.Module; relaxed: boolean }> {
  const useRelaxed = relaxed ?? relaxedSimdSupported();
  let bytes: ArrayBuffer | Uint8Array;
  if (source instanceof ArrayBuffer || source instanceof Uint8Array) bytes = source;
  else {
    const url = source ? new URL(String(source), import.meta.url) : shippedWasm(shared, useRelaxed);
    bytes = await fetchBytes(url);
  }
  return { module: await WebAssembly.compile(bytes as BufferSource), relaxed: useRelaxed };
}

/** True in Node.js (where worker_threads and a blocking Atomics.wait on the main thread exist). */
export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

/**
 * True where a worker pool over shared memory can run: Node, or a cross-origin-isolated page or
 * worker (COOP/COEP headers) with SharedArrayBuffer and Web Workers.
 *
 * ```ts
 * import { setBackend } from '@nnet/tensor';
 * import { setThreads, threadsPossible } from '@nnet/backend-wasm';
 * await setBackend('wasm');
 * if (threadsPossible()) await setThreads(2); // else the backend runs one thread
 * ```
 */
export function threadsPossible(): boolean {
  if (isNode()) return true;
  const g = globalThis as { crossOriginIsolated?: boolean; SharedArrayBuffer?: unknown; Worker?: unknown };
  return (
    g.crossOriginIsolated === true &&
    typeof g.SharedArrayBuffer === 'function' &&
    typeof g.Worker === 'function'
  );
}

/**
 * True where this thread may block in Atomics.wait: Node and Web Workers, but not a browser
 * page's main thread (there the pool spins on Atomics.load instead).
 */
export function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Cores available to this process: Node's count, the browser's hardwareConcurrency when threads
 * are possible, else 1 (createWasmBackend's default thread count).
 *
 * ```ts
 * import { setBackend } from '@nnet/tensor';
 * import { availableCores, setThreads } from '@nnet/backend-wasm';
 * await setBackend('wasm');
 * await setThreads(Math.min(4, await availableCores())); // at most 4 threads, at most one per core
 * ```
 */
export async function availableCores(): Promise<number> {
  if (!isNode()) {
    const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
    return threadsPossible() && typeof n === 'number' && n >= 1 ? n : 1;
  }
  const specifier = 'node:os';
  const os = (await import(/* @vite-ignore */ specifier)) as {
    availableParallelism?: () => number;
    cpus(): unknown[];
  };
  return os.availableParallelism?.() ?? os.cpus().length;
}
