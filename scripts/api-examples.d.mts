// Types of scripts/api-examples.mjs, for the TypeScript test that runs it (apps/release-check).
import type { CompilerOptions } from 'typescript';

/** One TypeScript code block of a doc comment, with its package and place. */
export interface Example {
  /** The package's name, e.g. `@nnet/tensor`. */
  pkg: string;
  /** The export or member whose comment has it: `Linear`, `Module.stateDict`, `node.saveCheckpoint`. */
  symbol: string;
  /** The declaration's file, relative to the repository's root. */
  file: string;
  /** The declaration's line. */
  line: number;
  /** The source line of the example's first line (0: not found). */
  exampleLine: number;
  /** The code between the fences. */
  code: string;
  /** The words after the fence's language (`nocheck`). */
  flags: string[];
}

/** One example that does not typecheck. */
export interface ExampleFailure {
  /** The package's name (empty for a problem of the program as a whole). */
  pkg: string;
  /** `package: symbol #n`: the symbol's n-th example, from 1. */
  key: string;
  /** The key with the declaration's place: `package: symbol #n (file:line)`. */
  entry: string;
  /** `file:line: TSxxxx: message` per diagnostic, at the example's line in the comment. */
  errors: string[];
}

/** What typecheckExamples found. */
export interface ExampleCheck {
  /** How many examples were typechecked. */
  checked: number;
  /** The examples marked ```ts nocheck (not checked), sorted by entry. */
  nocheck: { pkg: string; key: string; entry: string }[];
  /** Sorted by entry. */
  failures: ExampleFailure[];
  /** Seconds spent wrapping and typechecking. */
  seconds: number;
}

/** Wraps each example in its own module and typechecks them all in one program against the built packages. */
export function typecheckExamples(
  examples: readonly Example[],
  options: {
    root: string;
    specifierOf: (pkg: string, name: string) => string | undefined;
    compilerOptions?: CompilerOptions;
  },
): ExampleCheck;
/** The TypeScript code blocks of a TypeDoc comment (```ts, ```typescript, unlabelled), with the fence's flags. */
export function codeBlocks(comment: unknown): { code: string; flags: string[] }[];
/** The line (1-based) where `code` starts in the comment above line `line` of `text`; 0 when not found. */
export function exampleLine(text: string, line: number, code: string): number;
/** One example as a module; `bodyLine`: the module line of the example's first line. */
export function wrapExample(
  code: string,
  specifierOf: (name: string) => string | undefined,
): { text: string; bodyLine: number };
/** The examples' program's compiler options: tsconfig.base.json's without emitting, plus `extra`. */
export function exampleCompilerOptions(root: string, extra?: CompilerOptions): CompilerOptions;
/** Each example as the module the check typechecks, with a file name. */
export function wrappedExamples(
  examples: readonly Example[],
  specifierOf: (pkg: string, name: string) => string | undefined,
): { name: string; text: string }[];
