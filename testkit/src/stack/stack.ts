/**
 * The real dursor stack for end-to-end tests: `wrangler dev` on workerd with a fresh local D1
 * (migrations applied by wrangler itself) and SQLite-backed Durable Objects, plus helpers to
 * start runner processes against it.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '../wait.ts';
import { freePort } from './ports.ts';
import { startProcess, type Proc } from './processes.ts';

export const ROOT = path.resolve(import.meta.dirname, '../../..');
/**
 * The wrangler the stack runs: the project's own, unless `DURSOR_E2E_WRANGLER` names another
 * `wrangler.js` (e.g. the Workers pool's older copy, to show a test reproduces a wrangler bug).
 */
export const WRANGLER = process.env.DURSOR_E2E_WRANGLER || path.join(ROOT, 'node_modules/wrangler/bin/wrangler.js');
const run = promisify(execFile);

export interface Stack {
  url: string;
  dir: string;
  worker: Proc;
  stop(): Promise<void>;
}

export interface StackOptions {
  leaseMs?: number;
  /** Extra `--var NAME:value` pairs. */
  vars?: Record<string, string>;
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const dir = await mkdtemp(path.join(tmpdir(), 'dursor-e2e-'));
  const persist = path.join(dir, 'state');
  const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', NO_COLOR: '1' };
  await run(process.execPath, [WRANGLER, 'd1', 'migrations', 'apply', 'dursor', '--local', '--persist-to', persist], { cwd: ROOT, env });
  const port = await freePort();
  const vars: Record<string, string> = {
    DURSOR_ALLOW_PRIVATE_URLS: 'true',
    DURSOR_LEASE_MS: String(opts.leaseMs ?? 3_000),
    DURSOR_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    // Hermetic: override what a developer's .dev.vars (from `npm start`) would set.
    DURSOR_RUNNER_BOOTSTRAP_TOKEN: '',
    ...opts.vars,
  };
  const args = ['dev', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', persist, '--show-interactive-dev-session=false', '--log-level', 'info'];
  for (const [k, v] of Object.entries(vars)) args.push('--var', `${k}:${v}`);
  const worker = startProcess('worker', process.execPath, [WRANGLER, ...args], { cwd: ROOT, env });
  const url = `http://127.0.0.1:${port}`;
  await waitFor('wrangler dev to answer', async () => (await fetch(`${url}/v1/auth/state`)).ok, 60_000, 200).catch((e) => {
    throw new Error(`${e.message}\n--- wrangler output ---\n${worker.output().slice(-4000)}`);
  });
  return {
    url,
    dir,
    worker,
    async stop() {
      await worker.kill('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
