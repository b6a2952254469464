// Builds the four .wasm files the package ships from assembly/index.ts: plain and relaxed SIMD,
// each with its own memory (browsers without cross-origin isolation) and with an imported shared
// memory (the worker pool). One list of flags instead of four hand-kept command lines.
// Skips the compile when every output is newer than all of its inputs (assembly/**, src/codes.ts
// which it imports, this script and the compiler's package.json), so `pnpm test` after turbo's build does not redo it; --force
// compiles regardless.
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const common = [
  'assembly/index.ts',
  '--runtime',
  'stub',
  '-O3',
  '--noAssert',
  '--enable',
  'simd',
  '--initialMemory',
  '16',
];
const relaxed = ['--enable', 'relaxed-simd'];
const shared = ['--importMemory', '--sharedMemory', '--maximumMemory', '32768', '--enable', 'threads'];
const builds = {
  'nnet.wasm': [],
  'nnet-relaxed.wasm': relaxed,
  'nnet-shared.wasm': shared,
  'nnet-shared-relaxed.wasm': [...relaxed, ...shared],
};

/** Modification times of the files under `dir`, recursively. */
function mtimes(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? mtimes(join(dir, e.name)) : [statSync(join(dir, e.name)).mtimeMs],
  );
}

const newestInput = Math.max(
  ...mtimes('assembly'),
  statSync('src/codes.ts').mtimeMs,
  statSync(new URL(import.meta.url)).mtimeMs,
  statSync(createRequire(import.meta.url).resolve('assemblyscript/package.json')).mtimeMs,
);
const outputTimes = Object.keys(builds).map(
  (file) => statSync(`dist/${file}`, { throwIfNoEntry: false })?.mtimeMs ?? 0,
);
if (!process.argv.includes('--force') && Math.min(...outputTimes) > newestInput) {
  console.log('build-wasm: dist/*.wasm newer than assembly/**, skipped (--force to rebuild)');
  process.exit(0);
}

const { default: asc } = await import('assemblyscript/asc');
for (const [file, flags] of Object.entries(builds)) {
  const { error } = await asc.main([...common, ...flags, '-o', `dist/${file}`], {
    stdout: process.stdout,
    stderr: process.stderr,
  });
  if (error) {
    console.error(`build-wasm: ${file}: ${error.message}`);
    process.exit(1);
  }
}
