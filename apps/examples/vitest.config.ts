import { defineConfig } from 'vitest/config';

// Tests run from the package folder (vite.config.ts is the web page's, rooted at web/). The global
// setup gives the browser test files one shared build folder (test/browser.ts).
export default defineConfig({
  test: { root: '.', include: ['test/**/*.test.ts'], globalSetup: ['test/global-setup.ts'] },
});
