/// <reference types="@webgpu/types" preserve="true" />
/**
 * The device side of the backend: a buffer pool by size class, one command encoder that collects
 * many dispatches and is submitted only when a read (or a write to a buffer a pending dispatch
 * uses) needs it or a bound is reached, a parameter arena, a pipeline cache keyed by the WGSL text
 * (which encodes kernel, dtype and shape class), asynchronous reads through `mapAsync`, and the
 * device-loss state.
 */
import { BackendError } from '@nnet/tensor';
import { DeviceLostError } from './errors.js';

// GPUBufferUsage / GPUMapMode values from the WebGPU spec, so no global has to be installed.
const MAP_READ = 0x1;
const COPY_SRC = 0x4;
const COPY_DST = 0x8;
const STORAGE = 0x80;
const MODE_READ = 0x1;

/** Dispatches collected before the encoder is submitted regardless of reads. */
const MAX_BATCH = 256;
/** The parameter arena: one slot (>= 256 bytes, the storage-offset alignment) per dispatch. */
const ARENA_BYTES = 256 * 1024;
/** Pooled bytes kept for reuse beyond which released buffers are destroyed. */
const POOL_LIMIT_BYTES = 512 * 1024 * 1024;

/**
 * A size class: at least 256 bytes, then four steps per power of two (256, 320, 384, 448, 512,
 * 640, ...), so a pooled buffer wastes at most a quarter of its size.
 */
export function sizeClass(bytes: number): number {
  if (bytes <= 256) return 256;
  const p = 2 ** Math.floor(Math.log2(bytes));
  const step = p / 4;
  return Math.ceil(bytes / step) * step;
}

/** Buffers of one usage, kept by size class for reuse. */
class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private pooledBytes = 0;
  constructor(
    private readonly device: GPUDevice,
    private readonly usage: number,
  ) {}

  acquire(bytes: number): GPUBuffer {
    const size = sizeClass(bytes);
    const list = this.free.get(size);
    const reused = list?.pop();
    if (reused) {
      this.pooledBytes -= size;
      return reused;
    }
    return this.device.createBuffer({ size, usage: this.usage });
  }

  release(buffer: GPUBuffer): void {
    const size = buffer.size;
    if (this.pooledBytes + size > POOL_LIMIT_BYTES) {
      buffer.destroy();
      return;
    }
    let list = this.free.get(size);
    if (!list) {
      list = [];
      this.free.set(size, list);
    }
    list.push(buffer);
    this.pooledBytes += size;
  }

  /** Bytes held for reuse. */
  get bytes(): number {
    return this.pooledBytes;
  }

  clear(): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
    this.pooledBytes = 0;
  }
}

/** One dispatch: a shader, its buffers (binding 1, 2, ...), parameters (binding 0), a grid. */
export interface Dispatch {
  readonly code: string;
  readonly buffers: readonly GPUBuffer[];
  readonly params: ArrayBuffer;
  readonly groups: readonly [number, number, number];
}

/** Device, queue, pools, batching and the lost state of one WebGPU backend. */
export class GpuRuntime {
  private readonly storagePool: BufferPool;
  private readonly stagingPool: BufferPool;
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  /** The read_write binding numbers of each shader, by WGSL text. */
  private readonly writable = new Map<string, ReadonlySet<number>>();
  private readonly arena: GPUBuffer;
  private readonly arenaData = new Uint8Array(ARENA_BYTES);
  private readonly slotAlign: number;
  private arenaUsed = 0;
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private pending = 0;
  private readonly touched = new Set<GPUBuffer>();
  private lostMessage: string | null = null;
  private firstError: string | null = null;
  /** Submissions made so far (a measure of batching). */
  submissions = 0;
  /** Dispatches encoded so far. */
  dispatches = 0;
  /** Resolves when the device is lost (including `device.destroy()`), with the reason. */
  readonly lost: Promise<string>;

  constructor(readonly device: GPUDevice) {
    this.storagePool = new BufferPool(device, STORAGE | COPY_SRC | COPY_DST);
    this.stagingPool = new BufferPool(device, MAP_READ | COPY_DST);
    this.slotAlign = Math.max(256, device.limits.minStorageBufferOffsetAlignment);
    this.arena = device.createBuffer({ size: ARENA_BYTES, usage: STORAGE | COPY_DST });
    this.lost = device.lost.then((info) => {
      this.lostMessage ??= `${info.reason}${info.message ? `: ${info.message}` : ''}`;
      return this.lostMessage;
    });
    device.addEventListener('uncapturederror', (ev) => {
      const e = (ev as GPUUncapturedErrorEvent).error;
      this.firstError ??= e?.message ?? String(e);
    });
  }

  /** Throws `DeviceLostError` if the device is gone. `op` names the call for the message. */
  check(op: string): void {
    if (this.lostMessage !== null) {
      throw new DeviceLostError(
        `webgpu.${op}: the GPU device was lost (${this.lostMessage}); this backend is unusable. ` +
          "Switch backend (await setBackend('cpu')) or create a new WebGPU backend.",
      );
    }
  }

  /** Marks the device lost now (used by dispose, before the asynchronous lost promise settles). */
  markLost(reason: string): void {
    this.lostMessage ??= reason;
  }

  get isLost(): boolean {
    return this.lostMessage !== null;
  }

  /** A storage buffer of at least `bytes` bytes (from the pool). */
  acquire(bytes: number): GPUBuffer {
    return this.storagePool.acquire(bytes);
  }

  /** Returns a storage buffer to the pool. Safe while queued work still uses it (queue order). */
  release(buffer: GPUBuffer): void {
    this.storagePool.release(buffer);
  }

  /** Bytes pooled for reuse (not counted by `memory()`). */
  get pooledBytes(): number {
    return this.storagePool.bytes + this.stagingPool.bytes;
  }

  /** Writes bytes into a buffer, after submitting pending work that uses that buffer. */
  write(buffer: GPUBuffer, byteOffset: number, data: ArrayBufferView): void {
    if (this.touched.has(buffer)) this.flush();
    this.device.queue.writeBuffer(buffer, byteOffset, data.buffer, data.byteOffset, data.byteLength);
  }

  private pipeline(code: string): GPUComputePipeline {
    let p = this.pipelines.get(code);
    if (!p) {
      const module = this.device.createShaderModule({ code });
      p = this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
      this.pipelines.set(code, p);
    }
    return p;
  }

  /** Pipelines compiled so far. */
  get pipelineCount(): number {
    return this.pipelines.size;
  }

  private writableBindings(code: string): ReadonlySet<number> {
    let set = this.writable.get(code);
    if (!set) {
      set = new Set(
        [...code.matchAll(/@binding\((\d+)\)\s*var<storage,\s*read_write>/g)].map((m) => Number(m[1])),
      );
      this.writable.set(code, set);
    }
    return set;
  }

  /**
   * The dispatch's buffers, where a buffer bound for reading is also bound for writing (an output
   * that aliases an input: `x.copy_(x)`, an in-place op on its own operand) replaced by a copy
   * taken just before the dispatch: WebGPU forbids binding one buffer writable and again in the
   * same dispatch, and reading the copy gives the kernel the inputs as they were, as on the CPU.
   * Ends the compute pass for the copy; the copies go back to the pool at once (queue order keeps
   * them intact until the dispatch has run).
   */
  private unaliased(d: Dispatch): readonly GPUBuffer[] {
    const writable = this.writableBindings(d.code);
    const written = new Set(d.buffers.filter((_, i) => writable.has(i + 1)));
    if (written.size === 0) return d.buffers;
    const buffers = [...d.buffers];
    const copies = new Map<GPUBuffer, GPUBuffer>();
    buffers.forEach((buffer, i) => {
      if (writable.has(i + 1) || !written.has(buffer)) return;
      let copy = copies.get(buffer);
      if (!copy) {
        this.pass?.end();
        this.pass = null;
        this.encoder ??= this.device.createCommandEncoder();
        copy = this.storagePool.acquire(buffer.size);
        this.encoder.copyBufferToBuffer(buffer, 0, copy, 0, buffer.size);
        copies.set(buffer, copy);
      }
      buffers[i] = copy;
    });
    for (const copy of copies.values()) {
      this.touched.add(copy);
      this.storagePool.release(copy);
    }
    return buffers;
  }

  /** Encodes one dispatch into the current batch (submitted later). */
  run(d: Dispatch): void {
    const slot = Math.ceil(Math.max(d.params.byteLength, 16) / this.slotAlign) * this.slotAlign;
    if (slot > ARENA_BYTES)
      throw new BackendError(`webgpu: kernel parameters of ${d.params.byteLength} bytes`);
    if (this.arenaUsed + slot > ARENA_BYTES || this.pending >= MAX_BATCH) this.flush();
    const offset = this.arenaUsed;
    this.arenaData.set(new Uint8Array(d.params), offset);
    this.arenaUsed += slot;
    const pipeline = this.pipeline(d.code);
    const entries: GPUBindGroupEntry[] = [
      { binding: 0, resource: { buffer: this.arena, offset, size: Math.max(d.params.byteLength, 16) } },
    ];
    this.unaliased(d).forEach((buffer, i) => {
      entries.push({ binding: i + 1, resource: { buffer } });
      this.touched.add(buffer);
    });
    const bindGroup = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    if (!this.encoder) this.encoder = this.device.createCommandEncoder();
    if (!this.pass) this.pass = this.encoder.beginComputePass();
    this.pass.setPipeline(pipeline);
    this.pass.setBindGroup(0, bindGroup);
    this.pass.dispatchWorkgroups(d.groups[0], d.groups[1], d.groups[2]);
    this.pending++;
    this.dispatches++;
  }

  /** Submits every collected dispatch (parameters first, in queue order). */
  flush(): void {
    if (!this.encoder) return;
    this.pass?.end();
    this.pass = null;
    if (this.arenaUsed > 0)
      this.device.queue.writeBuffer(this.arena, 0, this.arenaData.buffer, 0, this.arenaUsed);
    this.device.queue.submit([this.encoder.finish()]);
    this.submissions++;
    this.encoder = null;
    this.arenaUsed = 0;
    this.pending = 0;
    this.touched.clear();
  }

  /** Copies `bytes` bytes of `buffer` back to the host, after everything queued before. */
  async read(buffer: GPUBuffer, bytes: number, op: string): Promise<ArrayBuffer> {
    this.flush();
    const staging = this.stagingPool.acquire(bytes);
    const enc = this.device.createCommandEncoder();
    enc.copyBufferToBuffer(buffer, 0, staging, 0, bytes);
    this.device.queue.submit([enc.finish()]);
    this.submissions++;
    try {
      await staging.mapAsync(MODE_READ, 0, staging.size);
    } catch (e) {
      this.check(op);
      throw new DeviceLostError(
        `webgpu.${op}: reading the buffer back failed (${e instanceof Error ? e.message : String(e)}).`,
      );
    }
    const copy = staging.getMappedRange(0, bytes).slice(0);
    staging.unmap();
    this.stagingPool.release(staging);
    if (this.firstError !== null) {
      const msg = this.firstError;
      this.firstError = null;
      throw new BackendError(`webgpu.${op}: a GPU command failed validation earlier: ${msg}`);
    }
    return copy;
  }

  /** Destroys every buffer and the device. */
  destroy(): void {
    this.markLost('the backend was disposed');
    this.encoder = null;
    this.pass = null;
    this.storagePool.clear();
    this.stagingPool.clear();
    this.arena.destroy();
    this.pipelines.clear();
    this.device.destroy();
  }
}
