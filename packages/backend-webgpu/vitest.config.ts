import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Dawn's Node binding is a native addon: one process per file, not worker threads.
    pool: 'forks',
  },
});
