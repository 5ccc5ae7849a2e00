import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { expectCleanLog, startHarness, type Harness } from './harness.ts';

describe('runner: file policy on real runs', () => {
  let h: Harness;
  let passwd: string;
  beforeAll(async () => {
    h = await startHarness({ slots: 5 });
    passwd = await readFile('/etc/passwd', 'utf8');
  });
  afterAll(() => h.close());

  const cases: Array<{ name: string; call: { name: string; arguments: Record<string, unknown> }; error: string; maxFileBytes?: number }> = [
    { name: 'hook', call: { name: 'write_file', arguments: { path: '.git/hooks/pre-commit', content: '#!/bin/sh\nexit 0\n' } }, error: 'policy: .git/hooks/pre-commit — nothing under .git/ may be touched' },
    { name: 'dotenv', call: { name: 'write_file', arguments: { path: '.env', content: 'SECRET=1\n' } }, error: 'policy: .env — secret files (.env*, *.pem, *.key, *.secret) may not be committed' },
    { name: 'symlink', call: { name: 'write_file', arguments: { path: 'passwd-link', content: 'root::0:0::/:/bin/sh\n' } }, error: 'policy: path escapes the workspace: passwd-link (resolves to /etc/passwd)' },
    { name: 'outside', call: { name: 'write_file', arguments: { path: '../outside', content: 'x\n' } }, error: 'policy: path escapes the workspace: ../outside' },
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
});
