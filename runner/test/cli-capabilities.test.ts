/** capabilities.ts: a CLI counts as installed only when `<bin> --version` answers in time. */
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectClis } from '../src/capabilities.ts';
import { defaultExecutors } from '../src/executors/registry.ts';

let dir: string;
let bins: string;
const script = async (name: string, body: string, mode = 0o755) => {
  await writeFile(join(bins, name), `#!/bin/sh\n${body}\n`);
  await chmod(join(bins, name), mode);
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'caps-'));
  bins = join(dir, 'bin');
  await mkdir(bins);
  await script('claude', `echo probe >> "${join(dir, 'claude-probes')}"; echo "2.1.330 (Claude Code)"; env > "${join(dir, 'claude-env')}"`);
  await script('codex', 'exec sleep 30');
  await script('gemini', 'echo 0.61.0', 0o644);
  await script('cursor-agent', 'exit 1');
  process.env.DURSOR_RUNNER_CREDENTIAL = 'drc_probe_secret_123456';
});
afterAll(async () => {
  delete process.env.DURSOR_RUNNER_CREDENTIAL;
  await rm(dir, { recursive: true, force: true });
});

describe('CLI detection', () => {
  it('keeps only CLIs that answer --version in time; the executors follow', async () => {
    const started = Date.now();
    const found = await detectClis({ dirs: [bins], path: '/usr/bin:/bin', timeoutMs: 1_000 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(found.map((f) => [f.id, f.version, f.binPath])).toEqual([['claude-code', '2.1.330 (Claude Code)', join(bins, 'claude')]]);
    expect([...defaultExecutors(found).keys()]).toEqual(['patch-agent', 'claude-code']);
    // The probe runs with a scrubbed env too.
    expect(await readFile(join(dir, 'claude-env'), 'utf8')).not.toContain('drc_probe_secret_123456');
  });

  it('finds nothing when nothing is installed', async () => {
    expect(await detectClis({ dirs: [join(dir, 'empty')], path: '', timeoutMs: 1_000 })).toEqual([]);
  });

  it('remembers answers for an unchanged binary', async () => {
    const cacheFile = join(dir, 'state', 'clis.json');
    const before = (await readFile(join(dir, 'claude-probes'), 'utf8')).split('\n').filter(Boolean).length;
    await detectClis({ dirs: [bins], path: '/usr/bin:/bin', timeoutMs: 1_000, cacheFile });
    const again = await detectClis({ dirs: [bins], path: '/usr/bin:/bin', timeoutMs: 1_000, cacheFile });
    expect(again.map((f) => f.id)).toEqual(['claude-code']);
    const after = (await readFile(join(dir, 'claude-probes'), 'utf8')).split('\n').filter(Boolean).length;
    expect(after - before).toBe(1);
  });
});
