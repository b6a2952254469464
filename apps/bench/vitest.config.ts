import { defineConfig } from 'vitest/config';

// Tests run from the package folder (vite.config.ts is the browser page's, rooted at web/).
export default defineConfig({ test: { root: '.', include: ['test/**/*.test.ts'] } });
