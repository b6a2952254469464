import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface WorkspacePackage {
  name: string;
  version: string;
  private: boolean;
  /** Folder relative to the root, e.g. `packages/tensor`. */
  dir: string;
  json: Record<string, unknown>;
}

/** Every package under `packages/` and `apps/` (the folders pnpm-workspace.yaml lists). */
export function workspacePackages(): WorkspacePackage[] {
  const out: WorkspacePackage[] = [];
  for (const group of ['packages', 'apps']) {
    for (const entry of readdirSync(join(root, group), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const dir = join(root, group, entry.name);
      let text: string;
      try {
        text = readFileSync(join(dir, 'package.json'), 'utf8');
      } catch {
        continue;
      }
      const json = JSON.parse(text) as Record<string, unknown>;
      out.push({
        name: json.name as string,
        version: json.version as string,
        private: json.private === true,
        dir: relative(root, dir),
        json,
      });
    }
  }
  return out;
}

/** The packages published to npm. */
export const publicPackages = (): WorkspacePackage[] => workspacePackages().filter((p) => !p.private);
