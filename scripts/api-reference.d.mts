// Types of scripts/api-reference.mjs, for the TypeScript test that runs it (apps/release-check).
import type { CompilerOptions } from 'typescript';
import type { Example, ExampleCheck } from './api-examples.mjs';

/** One undocumented declaration, or one type the API uses that its package does not export. */
export interface Finding {
  /** The package's name, e.g. `@nnet/tensor`. */
  pkg: string;
  /** The allow-list's key: `package: symbol`, or `package: Name (not exported; referenced by X)`. */
  key: string;
  /** The key with the declaration's place: `package: symbol (file:line)`. */
  entry: string;
}

/** What TypeDoc found over every public package. */
export interface TypeDocResult {
  /** Sorted by entry. */
  findings: Finding[];
  /** Exported functions, classes and constants whose comment has no `@example` or fenced code block, sorted by entry. */
  withoutExample: Finding[];
  /** Every TypeScript code block of every comment of the packages' own declarations, in walk order. */
  examples: Example[];
  /** Where an example of package `pkg` imports `name` from (its own package first), if any exports it. */
  importFrom: (pkg: string, name: string) => string | undefined;
  /** Every other TypeDoc warning or error (warnings are errors). */
  problems: string[];
  /** typedoc.json's entry points (absolute package folders). */
  packages: string[];
  /** How many top-level exports (functions, classes, interfaces, ...) TypeDoc documents, by package name. */
  exports: Record<string, number>;
}

/** The result compared with the allow-list. */
export interface AllowListComparison {
  /** Entries of findings the allow-list does not name. */
  notAllowed: string[];
  /** Allow-listed keys that no finding has any more (documented now, or gone). */
  stale: string[];
}

/** The repository's root folder. */
export const root: string;
/** scripts/api-undocumented.allow.txt. */
export const allowListPath: string;
/** scripts/api-no-example.allow.txt. */
export const noExampleAllowListPath: string;
/** scripts/api-broken-example.allow.txt. */
export const brokenExampleAllowListPath: string;
/** Converts and validates every public package with TypeDoc (`config`: another typedoc.json); `out`: also write the HTML there. */
export function runTypeDoc(options?: { out?: string; config?: string }): Promise<TypeDocResult>;
/** The allow-list's keys (blank lines and `#` comments skipped). */
export function readAllowList(path?: string): string[];
/** Compares findings with the allow-list. */
export function compareWithAllowList(
  findings: readonly Finding[],
  allowList: readonly string[],
): AllowListComparison;
/** The no-example allow-list's text for these findings: a header, then each key once, sorted. */
export function noExampleAllowListText(withoutExample: readonly Finding[]): string;
/** The broken-example allow-list's text for these failures: a header, then each key once, sorted. */
export function brokenExampleAllowListText(failures: readonly Finding[]): string;
/**
 * runTypeDoc, then compareWithAllowList of the undocumented findings with the allow-list file (or
 * `allowList`) and of those without an example with the no-example allow-list (or `noExampleAllowList`);
 * then every example typechecked, the failing ones compared with the broken-example allow-list (or
 * `brokenExampleAllowList`).
 */
export function checkApiReference(options?: {
  out?: string;
  config?: string;
  allowList?: readonly string[];
  noExampleAllowList?: readonly string[];
  brokenExampleAllowList?: readonly string[];
  exampleCompilerOptions?: CompilerOptions;
}): Promise<
  TypeDocResult &
    AllowListComparison & {
      noExample: AllowListComparison;
      exampleCheck: ExampleCheck;
      brokenExample: AllowListComparison;
    }
>;
