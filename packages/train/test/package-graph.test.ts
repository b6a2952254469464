// The architecture's import rule, checked for every library package in one place: an arrow never
// points up or sideways (layers never imports optim; tensor imports no backend).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const packages = new URL('../../', import.meta.url);
const allowed: Record<string, string[]> = {
  tensor: [],
  // Typed-array kernels shared by the two JavaScript-side backends: a leaf beside them.
  'kernels-js': ['@nnet/tensor'],
  'backend-cpu': ['@nnet/tensor', '@nnet/kernels-js'],
  'backend-testkit': ['@nnet/tensor', 'vitest'],
  'backend-wasm': ['@nnet/tensor', '@nnet/kernels-js'],
  'backend-webgpu': ['@nnet/tensor', 'webgpu', '@webgpu/types'],
  onnx: ['@nnet/tensor', '@nnet/layers', 'protobufjs'],
  layers: ['@nnet/tensor'],
  loss: ['@nnet/tensor'],
  optim: ['@nnet/tensor'],
  train: ['@nnet/tensor', '@nnet/layers', '@nnet/loss', '@nnet/optim', 'cli-progress'],
};

function sourceFiles(dir: URL): URL[] {
  return readdirSync(dir).flatMap((f) => {
    const u = new URL(f, dir);
    return statSync(u).isDirectory() ? sourceFiles(new URL(`${f}/`, dir)) : f.endsWith('.ts') ? [u] : [];
  });
}

describe('package graph', () => {
  for (const [name, deps] of Object.entries(allowed)) {
    it(`@nnet/${name} declares and imports only ${deps.length ? deps.join(', ') : 'nothing'}`, () => {
      const root = new URL(`${name}/`, packages);
      const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as Record<
        string,
        Record<string, string> | undefined
      >;
      expect(Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies }).sort()).toEqual([...deps].sort());
      for (const file of sourceFiles(new URL('src/', root))) {
        // Doc comments show usage such as import '@nnet/backend-cpu'; only code lines count.
        const src = readFileSync(file, 'utf8')
          .split('\n')
          .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line))
          .join('\n');
        for (const m of src.matchAll(
          /^(?:import|export)\b[^;]*?\bfrom\s+'([^']+)';|^import\s+'([^']+)';/gm,
        )) {
          const spec = m[1] ?? m[2];
          const ok =
            spec.startsWith('.') ||
            spec.startsWith('node:') ||
            deps.some((d) => spec === d || spec.startsWith(`${d}/`));
          expect(ok, `${file.pathname} imports ${spec}`).toBe(true);
        }
      }
    });
  }
});
