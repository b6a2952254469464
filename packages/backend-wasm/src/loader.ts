/**
 * Finding, choosing and instantiating the WebAssembly module. Two builds ship in the package:
 * plain 128-bit SIMD and relaxed SIMD (fused multiply-add). The relaxed one is used where the
 * runtime validates a probe module that uses f32x4.relaxed_madd (Node 20 only behind
 * --experimental-wasm-relaxed-simd; newer runtimes by default).
 */

/** Where the module comes from: bytes, a URL, or (default) the file next to this module. */
export type WasmSource = ArrayBuffer | Uint8Array | URL | string;

// (module (func (result v128) v128.const 0 v128.const 0 v128.const 0 f32x4.relaxed_madd))
const RELAXED_PROBE = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00,
  0x01,
  0x05,
  0x01,
  0x60,
  0x00,
  0x01,
  0x7b,
  0x03,
  0x02,
  0x01,
  0x00,
  0x0a,
  0x3d,
  0x01,
  0x3b,
  0x00,
  ...[0, 1, 2].flatMap(() => [0xfd, 0x0c, ...new Array<number>(16).fill(0)]),
  0xfd,
  0x85,
  0x02,
  0x0b,
]);

/** True when the runtime accepts relaxed SIMD. */
export function relaxedSimdSupported(): boolean {
  try {
    return WebAssembly.validate(RELAXED_PROBE);
  } catch {
    return false;
  }
}

/** True when the runtime accepts 128-bit SIMD at all. */
export function simdSupported(): boolean {
  // (module (func (result v128) v128.const 0))
  const probe = new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    0x01,
    0x05,
    0x01,
    0x60,
    0x00,
    0x01,
    0x7b,
    0x03,
    0x02,
    0x01,
    0x00,
    0x0a,
    0x16,
    0x01,
    0x14,
    0x00,
    0xfd,
    0x0c,
    ...new Array<number>(16).fill(0),
    0x0b,
  ]);
  try {
    return WebAssembly.validate(probe);
  } catch {
    return false;
  }
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
    const file = `./nnet${shared ? '-shared' : ''}${useRelaxed ? '-relaxed' : ''}.wasm`;
    const url = source ? new URL(String(source), import.meta.url) : new URL(file, import.meta.url);
    bytes = await fetchBytes(url);
  }
  return { module: await WebAssembly.compile(bytes as BufferSource), relaxed: useRelaxed };
}

/** True in Node.js (where worker_threads and a blocking Atomics.wait on the main thread exist). */
export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

/** Cores available to this process (Node), or 1. */
export async function availableCores(): Promise<number> {
  if (!isNode()) return 1;
  const specifier = 'node:os';
  const os = (await import(/* @vite-ignore */ specifier)) as {
    availableParallelism?: () => number;
    cpus(): unknown[];
  };
  return os.availableParallelism?.() ?? os.cpus().length;
}
