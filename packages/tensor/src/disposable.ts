// `Tensor` implements `[Symbol.dispose]` so that `using t = ...` releases it. TypeScript knows
// `Symbol.dispose` only from `lib: ["esnext.disposable"]` (or `@types/node`); this declaration lets
// the published types compile under a plain `lib: ["es2022"]` too, and merges with either of those.
declare global {
  interface SymbolConstructor {
    /** The method `using` calls when a declaration leaves its scope (TC39 explicit resource management). */
    readonly dispose: unique symbol;
  }
}

export {};
