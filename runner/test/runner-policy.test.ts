import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { WELL_KNOWN } from '../../testkit/src/secret-samples.ts';
import { expectCleanLog, startHarness, type Harness } from './harness.ts';

const CREDENTIAL = 'credential files (SSH keys, .aws/credentials, .netrc, .git-credentials…) may not be committed';
const GIT = '.git in any spelling (case, trailing dots, GIT~1, ignorable characters, nested) may not be committed';

describe('runner: file policy on real runs', () => {
  let h: Harness;
  let passwd: string;
  beforeAll(async () => {
    h = await startHarness({ slots: 20 });
    passwd = await readFile('/etc/passwd', 'utf8');
  });
  afterAll(() => h.close());

  const cases: Array<{ name: string; call: { name: string; arguments: Record<string, unknown> }; error: string; maxFileBytes?: number }> = [
    { name: 'hook', call: { name: 'write_file', arguments: { path: '.git/hooks/pre-commit', content: '#!/bin/sh\nexit 0\n' } }, error: 'policy: .git/hooks/pre-commit — nothing under .git/ may be touched' },
    { name: 'dotenv', call: { name: 'write_file', arguments: { path: '.env', content: 'SECRET=1\n' } }, error: 'policy: .env — secret files (.env*, *.pem, *.key, *.secret) may not be committed' },
    { name: 'symlink', call: { name: 'write_file', arguments: { path: 'passwd-link', content: 'root::0:0::/:/bin/sh\n' } }, error: 'policy: path escapes the workspace: passwd-link (resolves to /etc/passwd)' },
    { name: 'outside', call: { name: 'write_file', arguments: { path: '../outside', content: 'x\n' } }, error: 'policy: path escapes the workspace: ../outside' },
    // Issue 11: credential files, secrets in contents, submodule URLs, workflows, .git look-alikes.
    { name: 'id-rsa', call: { name: 'write_file', arguments: { path: 'id_rsa', content: 'key\n' } }, error: `policy: id_rsa — ${CREDENTIAL}` },
    { name: 'npmrc', call: { name: 'write_file', arguments: { path: '.npmrc', content: '//registry.npmjs.org/:_authToken=abc123abc123\n' } }, error: 'policy: .npmrc — an .npmrc with an auth token may not be committed' },
    { name: 'aws', call: { name: 'write_file', arguments: { path: '.aws/credentials', content: '[default]\n' } }, error: `policy: .aws/credentials — ${CREDENTIAL}` },
    { name: 'token', call: { name: 'write_file', arguments: { path: 'src/config.ts', content: `export const t = '${WELL_KNOWN.github}';\n` } }, error: 'policy: src/config.ts — the file holds a secret (GitHub token)' },
    { name: 'gitmodules', call: { name: 'write_file', arguments: { path: '.gitmodules', content: '[submodule "x"]\n\tpath = x\n\turl = ext::sh -c id\n' } }, error: 'policy: .gitmodules — submodule URL "ext::sh -c id" is not https' },
    { name: 'workflow', call: { name: 'write_file', arguments: { path: '.github/workflows/ci.yml', content: 'on: push\n' } }, error: 'policy: .github/workflows/ci.yml — workflow changes are off for this repository (Settings → Repositories)' },
    { name: 'dot-git-upper', call: { name: 'write_file', arguments: { path: '.GIT/config', content: '[core]\n' } }, error: `policy: .GIT/config — ${GIT}` },
    { name: 'dot-git-dot', call: { name: 'write_file', arguments: { path: '.git./config', content: '[core]\n' } }, error: `policy: .git./config — ${GIT}` },
    { name: 'git-8dot3', call: { name: 'write_file', arguments: { path: 'GIT~1/config', content: '[core]\n' } }, error: `policy: GIT~1/config — ${GIT}` },
    { name: 'dot-git-zwj', call: { name: 'write_file', arguments: { path: '.g\u200Dit/config', content: '[core]\n' } }, error: `policy: .g\u200Dit/config — ${GIT}` },
    { name: 'nested-git', call: { name: 'write_file', arguments: { path: 'sub/.git/config', content: '[core]\n' } }, error: `policy: sub/.git — ${GIT}` },
    { name: 'big', call: { name: 'write_file', arguments: { path: 'big.txt', content: 'x'.repeat(5000) } }, error: 'policy: big.txt — file is 4.9 KiB, over the 2.0 KiB size cap', maxFileBytes: 2048 },
  ];

  it('each violating run fails with its reason, pushes nothing, and changes nothing outside the workspace', async () => {
    const started = await Promise.all(cases.map(async (c) => {
      const url = await h.gitServer.createRepo(`policy-${c.name}`, { 'README.md': '# r\n' }, { symlinks: { 'passwd-link': '/etc/passwd' } });
      h.provider.addScenario({ match: `policy case ${c.name}`, turns: [{ toolCalls: [{ name: 'write_file', arguments: { path: 'ok.txt', content: 'fine\n' } }, c.call] }, { text: 'done' }] });
      return { c, a: h.worker.assign({ cloneUrl: url, instruction: `policy case ${c.name}`, limits: c.maxFileBytes ? { maxFileBytes: c.maxFileBytes } : {} }) };
    }));
    for (const { c, a } of started) {
      const r = await h.result(a.runId);
      expect({ name: c.name, outcome: r.outcome, error: r.error }).toEqual({ name: c.name, outcome: 'failed', error: c.error });
      expect(await h.gitServer.listBranches(`policy-${c.name}`)).toEqual(['main']);
      expectCleanLog(h.worker.runs.get(a.runId)!);
    }
    await h.idle();
    expect(await readFile('/etc/passwd', 'utf8')).toBe(passwd);
    const runsDir = join(h.workDir, 'runs');
    await expect(stat(join(runsDir, 'outside'))).rejects.toThrow();
    await expect(stat(join(dirname(h.workDir), 'outside'))).rejects.toThrow();
    expect(await readdir(runsDir)).toEqual([]);
    // The escaping tool call was answered as a tool error before the run stopped.
    const outside = started.find((s) => s.c.name === 'outside')!;
    const toolResults = h.worker.runs.get(outside.a.runId)!.events.filter((e) => e.type === 'tool_result');
    expect(toolResults.at(-1)).toMatchObject({ isError: true, output: 'error: policy: path escapes the workspace: ../outside' });
  });

  it('a repository that allows workflow changes gets its workflow pushed', async () => {
    const url = await h.gitServer.createRepo('policy-workflow-allowed', { 'README.md': '# r\n' });
    h.provider.addScenario({ match: 'workflow allowed', turns: [{ toolCalls: [{ name: 'write_file', arguments: { path: '.github/workflows/ci.yml', content: 'on: push\n' } }] }, { text: 'done' }] });
    const a = h.worker.assign({ cloneUrl: url, instruction: 'workflow allowed', allowWorkflowChanges: true });
    const r = await h.result(a.runId);
    expect({ outcome: r.outcome, error: r.error, files: r.files.map((f) => f.path) }).toEqual({ outcome: 'succeeded', error: undefined, files: ['.github/workflows/ci.yml'] });
    expect(await h.gitServer.listBranches('policy-workflow-allowed')).toContain(a.branch);
  });
});
