// Creates and disposes WebGPU backends in many child processes and counts the processes that die
// inside Dawn (abort: "terminate called after throwing std::system_error: Invalid argument",
// segfault, or a hang). Each child creates a backend, runs one small kernel and reads it back
// (or not), disposes it (or just drops it), and lets the garbage collector run, several times in
// a row. Run after building:
//   node scripts/dispose-stress.mjs [--runs 50] [--iterations 4] [--gc forced|natural]
//        [--module ./dist/index.js] [--timeout 60]
// Exit code 1 when any child died, so it can gate a change. Uses the adapter the tests use
// (lavapipe in CI); prints the counts, not timings.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const self = fileURLToPath(import.meta.url);

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const moduleUrl = pathToFileURL(
  resolve(option('module', new URL('../dist/index.js', import.meta.url).pathname)),
).href;
const iterations = Number(option('iterations', '4'));
const gcMode = option('gc', 'forced');
if (gcMode !== 'forced' && gcMode !== 'natural')
  throw new Error(`--gc must be forced or natural, got ${gcMode}`);

const tick = (ms) => new Promise((r) => setTimeout(r, ms));

/** Lets V8 collect what is unreachable: `gc()` when exposed, else enough garbage for a major GC. */
async function collect() {
  if (gcMode === 'forced' && typeof globalThis.gc === 'function') {
    globalThis.gc();
    await tick(10);
    globalThis.gc();
  } else {
    let keep = [];
    for (let i = 0; i < 200_000; i++) {
      keep.push({ i, s: `x${i}` });
      if (keep.length > 50_000) keep = [];
    }
  }
  await tick(10);
}

async function child() {
  const { createWebGpuBackend } = await import(moduleUrl);
  const { tensor, registerBackend, setBackend } = await import('@nnet/tensor');
  for (let i = 0; i < iterations; i++) {
    const backend = await createWebGpuBackend({ allowSoftware: true });
    if (i % 2 === 1) {
      // Some work first: a dispatch, a submission and a mapAsync read.
      registerBackend(`stress${i}`, () => backend, -1);
      await setBackend(`stress${i}`);
      const out = await tensor([1, 2, 3]).mul(2).sum().data();
      if (out[0] !== 12) throw new Error(`wrong result ${out[0]}`);
    }
    // The last iteration only drops the backend: a user who never calls dispose.
    if (i < iterations - 1) backend.dispose();
    await collect();
  }
  await collect();
  console.log('child ok');
}

function runChild(timeoutSeconds) {
  return new Promise((done) => {
    const args = ['--expose-gc', self, '--child', '--module', fileURLToPath(moduleUrl)];
    args.push('--iterations', String(iterations), '--gc', gcMode);
    const p = spawn(process.execPath, args, {
      env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    p.stderr.on('data', (d) => {
      stderr += d;
    });
    p.stdout.resume();
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      p.kill('SIGKILL');
    }, timeoutSeconds * 1000);
    p.on('exit', (code, signal) => {
      clearTimeout(timer);
      const systemError = /std::system_error/.test(stderr);
      done({ code, signal, hung, systemError, stderr });
    });
  });
}

async function parent() {
  const runs = Number(option('runs', '50'));
  const timeoutSeconds = Number(option('timeout', '60'));
  const counts = { ok: 0, abort: 0, segv: 0, hung: 0, other: 0, systemError: 0 };
  const firstFailure = [];
  for (let r = 0; r < runs; r++) {
    const res = await runChild(timeoutSeconds);
    if (res.systemError) counts.systemError++;
    if (res.hung) counts.hung++;
    else if (res.code === 0) counts.ok++;
    else if (res.signal === 'SIGABRT') counts.abort++;
    else if (res.signal === 'SIGSEGV') counts.segv++;
    else counts.other++;
    if (!res.hung && res.code !== 0 && firstFailure.length < 2) {
      // Dawn's limit warnings on every device are noise here.
      const lines = res.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('Warning:'));
      firstFailure.push(`${res.code ?? res.signal}: ${lines.slice(-3).join(' | ') || '(nothing on stderr)'}`);
    }
    process.stdout.write(res.code === 0 ? '.' : res.hung ? 'H' : res.signal === 'SIGABRT' ? 'A' : 'X');
  }
  const died = runs - counts.ok;
  console.log(
    `\n${fileURLToPath(moduleUrl)}: ${runs} processes x ${iterations} backends (gc ${gcMode}): ` +
      `${counts.ok} ok, ${died} died (${counts.abort} SIGABRT, ${counts.segv} SIGSEGV, ${counts.hung} hung, ` +
      `${counts.other} other; ${counts.systemError} printed std::system_error)`,
  );
  for (const f of firstFailure) console.log(`  e.g. ${f}`);
  process.exitCode = died > 0 ? 1 : 0;
}

if (process.argv.includes('--child')) await child();
else await parent();
