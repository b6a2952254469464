/// <reference types="@webgpu/types" preserve="true" />
/**
 * Finding a WebGPU implementation and an adapter: `navigator.gpu` in browsers (and any runtime that
 * has it), Dawn's Node binding (the npm package `webgpu`, an optional peer dependency) in Node.
 */
import { BackendError } from '@nnet/tensor';

/** What `createWebGpuBackend` learned about the adapter it uses. */
export interface AdapterSummary {
  /** Vendor, architecture, device and description strings joined, as the adapter reports them. */
  readonly description: string;
  /** True for a software rasteriser (lavapipe/llvmpipe, SwiftShader, WARP) or a fallback adapter. */
  readonly software: boolean;
}

/** Words a software adapter puts in its vendor/architecture/description strings. */
const SOFTWARE_WORDS = ['llvmpipe', 'lavapipe', 'swiftshader', 'software', 'basic render', 'warp'];

/**
 * True when the adapter is a software (CPU) implementation: the adapter says it is a fallback
 * adapter (`info.isFallbackAdapter`, or the older `adapter.isFallbackAdapter`), or its
 * vendor/architecture/device/description strings name lavapipe, llvmpipe, SwiftShader or WARP.
 *
 * ```ts
 * const backend = await createWebGpuBackend({ allowSoftware: true });
 * const adapter = await backend.gpu.requestAdapter(); // backend.gpu: navigator.gpu, or Dawn's in Node
 * if (adapter) isSoftwareAdapter(adapter)   // true on lavapipe; false on a real GPU
 * ```
 */
export function isSoftwareAdapter(adapter: GPUAdapter): boolean {
  checkAdapter('isSoftwareAdapter', adapter);
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const legacy = (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter;
  if (info?.isFallbackAdapter === true || legacy === true) return true;
  const text = describeAdapter(adapter).toLowerCase();
  return SOFTWARE_WORDS.some((w) => text.includes(w));
}

function checkAdapter(op: string, adapter: unknown): void {
  if (
    typeof adapter !== 'object' ||
    adapter === null ||
    typeof (adapter as GPUAdapter).requestDevice !== 'function'
  ) {
    throw new BackendError(
      `${op}: expected a GPUAdapter (from navigator.gpu.requestAdapter()), got ${String(adapter)}.`,
    );
  }
}

/**
 * The adapter's vendor, architecture, device and description, joined for messages.
 *
 * ```ts
 * const backend = await createWebGpuBackend({ allowSoftware: true });
 * const adapter = await backend.gpu.requestAdapter();
 * if (adapter) describeAdapter(adapter)   // 'mesa / software / llvmpipe-… / llvmpipe: Mesa 25.0.7-… (LLVM 15.0.6) …' on lavapipe
 * ```
 */
export function describeAdapter(adapter: GPUAdapter): string {
  checkAdapter('describeAdapter', adapter);
  const info = adapter.info;
  if (!info) return 'unknown adapter';
  const parts = [info.vendor, info.architecture, info.device, info.description].filter(
    (s) => typeof s === 'string' && s.length > 0,
  );
  return parts.length ? parts.join(' / ') : 'unknown adapter';
}

/** Dawn's Node binding: `create(flags)` returns a `GPU` (the package is an optional peer). */
interface DawnModule {
  create(flags: string[]): GPU;
}

function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

/**
 * Every `GPU` object a backend was made from, held for the life of the process. Dawn's Node binding
 * frees its native instance when the JavaScript `GPU` object is collected, yet the adapters and
 * devices made from it keep polling that instance (a `setImmediate` loop that calls
 * `ProcessEvents` on a raw pointer) and release into it when they are collected themselves. So a
 * `GPU` collected before every object made from it is gone makes the process abort
 * ("terminate called after throwing std::system_error: Invalid argument": a mutex in freed
 * memory), segfault or hang; `device.destroy()` and awaiting `device.lost` do not prevent it.
 * Nothing here can know when Dawn is done with it, so it is never let go: one per process in Node
 * (see `dawnGpu`), `navigator.gpu` in browsers, or the few a caller passes in.
 */
const retained = new Set<GPU>();

/** Holds `gpu` until the process exits (see `retained`), and returns it. */
export function retainGpu(gpu: GPU): GPU {
  retained.add(gpu);
  return gpu;
}

/** The one `create([])` of Dawn's Node binding in this process, made on first use. */
let dawnGpu: Promise<GPU> | null = null;

/**
 * The `GPU` object: `navigator.gpu` where it exists, else (in Node) `create([])` from the npm
 * package `webgpu`, imported dynamically so browser bundles never see it, made once per process
 * and reused by every backend. Throws `BackendError` saying what to install when neither exists.
 * The object is retained for the life of the process (see `retainGpu`).
 */
export async function getGpu(): Promise<GPU> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return retainGpu(nav.gpu);
  if (!isNode()) {
    throw new BackendError(
      "webgpu: this runtime has no navigator.gpu. Use a browser with WebGPU enabled, or pick another backend (await setBackend('wasm')).",
    );
  }
  dawnGpu ??= loadDawn().catch((e: unknown) => {
    dawnGpu = null; // an install fixed later can be picked up by the next call
    throw e;
  });
  return dawnGpu;
}

async function loadDawn(): Promise<GPU> {
  // A computed specifier: bundlers leave the import alone, so browser builds do not pull Dawn in.
  const specifier = 'webgpu';
  let mod: DawnModule;
  try {
    mod = (await import(/* @vite-ignore */ specifier)) as DawnModule;
  } catch (e) {
    throw new BackendError(
      `webgpu: Node has no WebGPU of its own and the optional peer dependency 'webgpu' (Dawn's Node binding) ` +
        `could not be loaded (${e instanceof Error ? e.message : String(e)}). Install it: npm install webgpu ` +
        '(and a Vulkan driver; see the README of @nnet/backend-webgpu).',
    );
  }
  return retainGpu(mod.create([]));
}

/** Options for choosing an adapter. */
export interface AdapterOptions {
  /** Accept a software adapter (lavapipe, SwiftShader). Default false. */
  readonly allowSoftware?: boolean;
  readonly powerPreference?: GPUPowerPreference;
}

/**
 * Requests an adapter. A hardware adapter is always taken; a software one only with
 * `allowSoftware` (it is asked for explicitly with `forceFallbackAdapter` when no other exists).
 * Throws `BackendError` naming what was found when nothing suitable is there.
 */
export async function chooseAdapter(gpu: GPU, options: AdapterOptions): Promise<GPUAdapter> {
  const adapter = await gpu.requestAdapter(
    options.powerPreference ? { powerPreference: options.powerPreference } : undefined,
  );
  if (adapter && !isSoftwareAdapter(adapter)) return adapter;
  if (!options.allowSoftware) {
    throw new BackendError(
      adapter
        ? `webgpu: only a software adapter is available (${describeAdapter(adapter)}); it is used only when ` +
            "asked for by name: await setBackend('webgpu'), or createWebGpuBackend({ allowSoftware: true })."
        : 'webgpu: no WebGPU adapter is available (no GPU, or no driver). Pick another backend, ' +
            "e.g. await setBackend('wasm'); in Node install a Vulkan driver (see the README).",
    );
  }
  if (adapter) return adapter;
  const fallback = await gpu.requestAdapter({ forceFallbackAdapter: true });
  if (fallback) return fallback;
  throw new BackendError(
    'webgpu: no WebGPU adapter is available, not even a software one. In Node on Linux install ' +
      "Mesa's lavapipe (apt-get install mesa-vulkan-drivers; Mesa 25 works, Debian 12's Mesa 22 is rejected); otherwise pick another backend.",
  );
}
