/** The char model's corpus, bundled at build time by vite.config.ts's `charLmCorpus` plugin. */
declare module 'virtual:charlm-corpus' {
  /** The first chapters of Moby Dick (about 250,000 characters, ending at a paragraph). */
  export const text: string;
  /** The whole book's length in characters. */
  export const total: number;
}
