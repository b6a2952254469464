/**
 * Native probes of the benches (`native/<name>.cpp`): compiled with g++ at bench time into
 * `<tmpdir>/nnet-bench-native/<hash of the source, compiler and flags>/`, reused while none of them
 * changes, or the reason a probe is skipped (g++ missing, a compile error). The probes measure the
 * host itself (its SIMD peak, the CPUs it gives a process), so each bench can set its figures
 * against them in the same run.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A compiled probe, or why there is none. */
export type Compiled = { binary: string; compiler: string } | { skip: string };

/**
 * Compiles `native/<name>.cpp` with `g++ <flags>` (or finds it compiled), or says why not.
 *
 * @example
 * const probe = compileNative('host_capacity', ['-O2', '-pthread']);
 * if ('binary' in probe) spawnSync(probe.binary, ['--ms', '500']);
 */
export function compileNative(name: string, flags: readonly string[]): Compiled {
  const source = fileURLToPath(new URL(`../native/${name}.cpp`, import.meta.url));
  const version = spawnSync('g++', ['--version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0)
    return { skip: `g++ is missing (apt-get install g++) to compile native/${name}.cpp` };
  const compiler = version.stdout.split('\n')[0].trim();
  const key = createHash('sha256')
    .update(readFileSync(source))
    .update(compiler)
    .update(flags.join(' '))
    .digest('hex')
    .slice(0, 16);
  const dir = join(tmpdir(), 'nnet-bench-native', key);
  const binary = join(dir, name);
  if (!existsSync(binary)) {
    mkdirSync(dir, { recursive: true });
    const partial = `${binary}.${process.pid}`;
    const cc = spawnSync('g++', [...flags, '-o', partial, source], { encoding: 'utf8' });
    if (cc.status !== 0)
      return {
        skip: `g++ could not compile ${source}: ${(cc.stderr || String(cc.error)).trim().split('\n')[0]}`,
      };
    renameSync(partial, binary);
  }
  return { binary, compiler };
}
