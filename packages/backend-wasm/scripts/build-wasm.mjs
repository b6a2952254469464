// Builds the four .wasm files the package ships from assembly/index.ts: plain and relaxed SIMD,
// each with its own memory (browsers without cross-origin isolation) and with an imported shared
// memory (the worker pool). One list of flags instead of four hand-kept command lines.
import asc from 'assemblyscript/asc';

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
