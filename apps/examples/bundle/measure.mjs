#!/usr/bin/env node
/**
 * Bundles nnet for the browser with Vite (Rollup) and reports gzipped sizes:
 * - minimal.ts: inference with tensor + layers + backend-wasm (JavaScript, and the .wasm it loads);
 * - all.ts: every library package, to prove the browser entries import no Node built-in (the
 *   build fails naming the importer if one does).
 * Run: node bundle/measure.mjs   (after `pnpm build`)
 */
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** Fails the build on a static import of a Node built-in (variable dynamic imports stay unresolved). */
const noNodeBuiltins = {
  name: 'nnet-no-node-builtins',
  enforce: 'pre',
  resolveId(id, importer) {
    if (builtins.has(id) || id.startsWith('node:'))
      throw new Error(`the browser bundle imports the Node built-in '${id}' from ${importer}`);
    return null;
  },
};

/** Bundles one entry; returns { js, wasm } sizes in bytes, raw and gzipped. */
export async function measure(entry) {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    plugins: [noNodeBuiltins],
    build: {
      write: false,
      target: 'es2022',
      minify: true,
      // Not library mode (which inlines the .wasm files as base64): the files stay separate assets.
      assetsInlineLimit: 0,
      rollupOptions: {
        input: fileURLToPath(new URL(entry, import.meta.url)),
        preserveEntrySignatures: 'strict',
      },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output);
  const sizes = { js: 0, jsGzip: 0, wasm: 0, wasmGzip: 0, wasmFiles: [] };
  for (const o of outputs) {
    const bytes = o.type === 'chunk' ? Buffer.from(o.code) : Buffer.from(o.source);
    const gz = gzipSync(bytes, { level: 9 }).length;
    if (o.fileName.endsWith('.js')) {
      sizes.js += bytes.length;
      sizes.jsGzip += gz;
    } else if (o.fileName.endsWith('.wasm')) {
      sizes.wasmFiles.push({ file: o.fileName, bytes: bytes.length, gzip: gz });
    }
  }
  // A page loads one of the four builds; report the largest.
  const biggest = sizes.wasmFiles.sort((a, b) => b.gzip - a.gzip)[0];
  if (biggest) {
    sizes.wasm = biggest.bytes;
    sizes.wasmGzip = biggest.gzip;
  }
  return sizes;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  const minimal = await measure('./minimal.ts');
  console.log(
    `minimal inference bundle (tensor + layers + backend-wasm): JavaScript ${kb(minimal.js)} (${kb(minimal.jsGzip)} gzipped) + one .wasm ${kb(minimal.wasm)} (${kb(minimal.wasmGzip)} gzipped) = ${kb(minimal.jsGzip + minimal.wasmGzip)} gzipped`,
  );
  const all = await measure('./all.ts');
  console.log(
    `every library package: JavaScript ${kb(all.js)} (${kb(all.jsGzip)} gzipped); no Node built-ins`,
  );
}
