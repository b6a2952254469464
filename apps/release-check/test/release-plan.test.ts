import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import getReleasePlanModule from '@changesets/get-release-plan';
import { afterAll, describe, expect, it } from 'vitest';
import { publicPackages, root, workspacePackages } from './workspace.js';

// The CommonJS build's default export arrives as `.default` under Node's ESM interop.
type GetReleasePlan = typeof getReleasePlanModule;
const getReleasePlan: GetReleasePlan =
  (getReleasePlanModule as unknown as { default?: GetReleasePlan }).default ?? getReleasePlanModule;

const publicNames = publicPackages().map((p) => p.name);

/** The plan problems a release must never have: a major bump, or a public package leaving 0.x. */
function problems(plan: Awaited<ReturnType<GetReleasePlan>>): string[] {
  const found: string[] = [];
  for (const r of plan.releases) {
    if (r.type === 'major') found.push(`${r.name}: major bump ${r.oldVersion} -> ${r.newVersion}`);
    else if (publicNames.includes(r.name) && !r.newVersion.startsWith('0.'))
      found.push(`${r.name}: leaves 0.x (${r.oldVersion} -> ${r.newVersion})`);
  }
  return found;
}

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the workspace's manifests and changesets config with one changeset: `name: type`. */
function workspaceWithChangeset(name: string, type: 'minor' | 'patch'): string {
  const dir = mkdtempSync(join(tmpdir(), 'nnet-plan-'));
  scratch.push(dir);
  for (const file of ['package.json', 'pnpm-workspace.yaml', '.changeset/config.json']) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(root, file), join(dir, file));
  }
  for (const p of workspacePackages()) {
    mkdirSync(join(dir, p.dir), { recursive: true });
    cpSync(join(root, p.dir, 'package.json'), join(dir, p.dir, 'package.json'));
  }
  writeFileSync(join(dir, '.changeset/only-one.md'), `---\n"${name}": ${type}\n---\n\nA ${type} change.\n`);
  return dir;
}

describe('release plan (changesets)', () => {
  it('the checked-in changesets bump no package to a major and keep every public package at 0.x', async () => {
    const plan = await getReleasePlan(root);
    expect(problems(plan)).toEqual([]);
  });

  it('the checked-in changesets give every public package the same next version (one fixed group)', async () => {
    const plan = await getReleasePlan(root);
    const next = new Set(plan.releases.filter((r) => publicNames.includes(r.name)).map((r) => r.newVersion));
    if (plan.releases.length > 0) expect([...next]).toHaveLength(1);
  });

  it.each(publicNames.flatMap((name) => [[name, 'minor'] as const, [name, 'patch'] as const]))(
    'a lone %s %s bump moves every public package together and bumps nothing to a major',
    async (name, type) => {
      const plan = await getReleasePlan(workspaceWithChangeset(name, type));
      expect(problems(plan)).toEqual([]);
      const bumped = plan.releases.filter((r) => publicNames.includes(r.name));
      expect(bumped.map((r) => r.name).sort()).toEqual([...publicNames].sort());
      expect(new Set(bumped.map((r) => r.type))).toEqual(new Set([type]));
    },
  );
});
