// Every method the type of Tensor declares (the class core in tensor.ts and each method file's
// `declare module '../tensor.js'` in src/methods/) exists on Tensor.prototype once the package is
// loaded: a method file that tensor.ts forgets to import fails here. The list comes from the
// TypeScript declarations of the package's sources, not from a hand-written list.
import '@nnet/test-utils/setup';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { Tensor, tensor, ValueError } from '../src/index.js';
import { defineTensorMethods } from '../src/methods/install.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** The names of the methods declared on Tensor by the package's sources (tsconfig.build.json's files). */
function declaredMethods(): { methods: string[]; declaredIn: Map<string, string> } {
  const configPath = `${packageDir}tsconfig.build.json`;
  const config = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!config) throw new Error(`cannot read ${configPath}`);
  const program = ts.createProgram({
    rootNames: config.fileNames,
    options: { ...config.options, noEmit: true },
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(`${packageDir}src/tensor.ts`);
  if (!source) throw new Error('src/tensor.ts is not part of tsconfig.build.json');
  const moduleSymbol = checker.getSymbolAtLocation(source);
  const tensorSymbol =
    moduleSymbol && checker.getExportsOfModule(moduleSymbol).find((s) => s.name === 'Tensor');
  if (!tensorSymbol) throw new Error('src/tensor.ts exports no Tensor');
  const methods: string[] = [];
  const declaredIn = new Map<string, string>();
  for (const member of checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(tensorSymbol))) {
    // Methods named by a string (the class's [Symbol.dispose] is checked by the lifetime tests).
    if (!(member.flags & ts.SymbolFlags.Method) || member.name.startsWith('__@')) continue;
    methods.push(member.name);
    const file = member.declarations?.[0]?.getSourceFile().fileName ?? '?';
    declaredIn.set(member.name, file.slice(packageDir.length));
  }
  return { methods: methods.sort(), declaredIn };
}

describe('Tensor methods', () => {
  const { methods, declaredIn } = declaredMethods();

  it('finds the declarations of the class core and of every method file', () => {
    const files = new Set(declaredIn.values());
    expect(files).toContain('src/tensor.ts');
    const methodFiles = readdirSync(`${packageDir}src/methods`)
      .filter((f) => f.endsWith('.ts') && f !== 'install.ts')
      .map((f) => `src/methods/${f}`);
    expect(methodFiles.length).toBeGreaterThan(0);
    for (const f of methodFiles) expect(files, `${f} declares no Tensor method`).toContain(f);
  });

  it('every declared method is installed on Tensor.prototype', () => {
    const missing = methods.filter(
      (name) => typeof Object.getOwnPropertyDescriptor(Tensor.prototype, name)?.value !== 'function',
    );
    expect(missing.map((m) => `${m} (declared in ${declaredIn.get(m)})`)).toEqual([]);
  });

  it('installed methods sit on the prototype like class methods (not enumerable)', () => {
    const enumerable = methods.filter(
      (name) => Object.getOwnPropertyDescriptor(Tensor.prototype, name)?.enumerable,
    );
    expect(enumerable).toEqual([]);
  });

  it('a method cannot be installed twice', () => {
    const add = Tensor.prototype.add;
    expect(() =>
      defineTensorMethods({
        add() {
          return this;
        },
      }),
    ).toThrow(ValueError);
    expect(Tensor.prototype.add).toBe(add);
    expect(tensor([1, 2]).add(1).toArray()).toEqual([2, 3]);
  });
});
