export interface BundleSizes {
  js: number;
  jsGzip: number;
  wasm: number;
  wasmGzip: number;
  wasmFiles: { file: string; bytes: number; gzip: number }[];
}
/** Bundles `entry` (relative to bundle/) for the browser; throws if it imports a Node built-in. */
export function measure(entry: string): Promise<BundleSizes>;
