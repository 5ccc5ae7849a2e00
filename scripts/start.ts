/**
 * `npm start`: dursor on this machine in one command.
 *  1. makes the local secrets file (encryption key, runner bootstrap token) on first use;
 *  2. applies the D1 migrations to the local database;
 *  3. builds the web app;
 *  4. runs the Worker with `wrangler dev` on 127.0.0.1:8787 (workerd, local D1 and Durable Objects),
 *     supervised: if it dies, it says why and is started again on the same state (dev/supervisor.ts);
 *  5. runs one local runner registered with the bootstrap token, also supervised (it reconnects by
 *     itself while the Worker restarts, so it only restarts if it exits);
 *  and prints where to go once the runner is connected. Ctrl-C stops everything.
 *
 * Why `wrangler dev` (wrangler ≥ 4.164) and not Miniflare's API: e2e/long-watch.test.ts, the page
 * that killed wrangler 4.124 in every try, passed ten times in a row on it (README.md).
 *
 * Environment: PORT (default 8787); DURSOR_HOME moves every piece of local state — secrets, D1
 * and Durable Objects, the runner's credential and workspaces — into one directory (tests use it;
 * by default the secrets are `.dev.vars`, wrangler's state `.wrangler/state`, the runner's `.dursor/`).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureDebianPackages } from './dev/debian-packages.ts';
import { Supervised } from './dev/supervisor.ts';
// The repository's one bounded wait (dependency-free): the same helper the tests use.
import { waitFor } from '../testkit/src/wait.ts';

const root = path.resolve(import.meta.dirname, '..');
const port = Number(process.env.PORT ?? 8787);
const url = `http://127.0.0.1:${port}`;
const home = process.env.DURSOR_HOME ? path.resolve(process.env.DURSOR_HOME) : null;
const paths = {
  secrets: home ? path.join(home, 'dev.vars') : path.join(root, '.dev.vars'),
  state: home ? path.join(home, 'state') : path.join(root, '.wrangler/state'),
  runner: home ? path.join(home, 'runner') : path.join(root, '.dursor/runner'),
  work: home ? path.join(home, 'work') : path.join(root, '.dursor/work'),
};
const bin = (pkg: string, file: string) => path.join(root, 'node_modules', pkg, file);
const node = process.execPath;
// No telemetry and no Request.cf download: offline they only print stack traces (issue 9).
const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' };
const say = (msg: string) => console.log(`· ${msg}`);
/** `npm start -- --no-sandbox`: the local runner runs agents without the OS sandbox (hosts that cannot make one). */
const noSandbox = process.argv.includes('--no-sandbox');
/** The runner's exit code for "this host cannot sandbox agents" (runner/src/main.ts). */
const CANNOT_SANDBOX = 3;

function secrets(): Record<string, string> {
  const vars: Record<string, string> = {};
  if (existsSync(paths.secrets)) {
    for (const line of readFileSync(paths.secrets, 'utf8').split('\n')) {
      const m = /^([A-Z0-9_]+)\s*=\s*"?(.*?)"?\s*$/.exec(line);
      if (m) vars[m[1]] = m[2];
    }
  }
  let changed = false;
  if (!vars.DURSOR_ENCRYPTION_KEY) { vars.DURSOR_ENCRYPTION_KEY = randomBytes(32).toString('base64'); changed = true; }
  if (!vars.DURSOR_RUNNER_BOOTSTRAP_TOKEN) { vars.DURSOR_RUNNER_BOOTSTRAP_TOKEN = `drr_${randomBytes(24).toString('hex')}`; changed = true; }
  if (changed) {
    mkdirSync(path.dirname(paths.secrets), { recursive: true });
    writeFileSync(paths.secrets, Object.entries(vars).map(([k, v]) => `${k}="${v}"`).join('\n') + '\n', { mode: 0o600 });
    say(`wrote ${path.relative(root, paths.secrets) || paths.secrets} (local secrets; never commit it)`);
  }
  return vars;
}

function step(title: string, args: string[]) {
  say(title);
  execFileSync(node, args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], env });
}

async function answers(): Promise<boolean> {
  try {
    return (await fetch(`${url}/v1/auth/state`, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

if (!noSandbox) {
  // Every attempt runs in an OS sandbox (bubblewrap + socat + ripgrep, runner/README.md): bring them as the tests do.
  const needs = ensureDebianPackages({ bubblewrap: 'bwrap', socat: 'socat', ripgrep: 'rg' }, "the agents' sandbox");
  if (needs) say(`the runner sandboxes agents with ${needs.missing.join(', ')} from Debian: sudo sh -c '${needs.command}' (or npm start -- --no-sandbox)`);
}
const vars = secrets();
step('applying D1 migrations (local)', [bin('wrangler', 'bin/wrangler.js'), 'd1', 'migrations', 'apply', 'dursor', '--local', '--persist-to', paths.state]);
step('building the web app', [bin('vite', 'bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn']);

let stopping = false;
let runner: Supervised | undefined;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  // The runner first: it drains its runs while the Worker can still take their results.
  await runner?.stop('SIGTERM', 10_000);
  await worker.stop('SIGTERM');
  process.exit(code);
}
/** A start that cannot complete stops what it started, so no child outlives `npm start`. */
async function fail(e: Error): Promise<never> {
  say(`${e.message}; stopping.`);
  await stop(1);
  throw e;
}

say(`starting the Worker (wrangler dev) on ${url}`);
const worker = new Supervised({
  name: 'The Worker (wrangler dev)', command: node, cwd: root, env, log: say,
  args: [bin('wrangler', 'bin/wrangler.js'), 'dev', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', paths.state,
    '--env-file', paths.secrets, '--show-interactive-dev-session=false', '--log-level', 'warn', '--var', 'DURSOR_ALLOW_PRIVATE_URLS:true'],
  onRestart: () => {
    const since = Date.now();
    void waitFor('the Worker answering', answers, 60_000, 200).then(
      () => say(`the Worker is back on ${url} (${((Date.now() - since) / 1000).toFixed(1)} s after its restart); the runner reconnects by itself`),
      (e: Error) => say(`${e.message}; still trying`),
    );
  },
});
await waitFor(`wrangler dev answering on ${url}`, answers, 60_000, 200).catch(fail);

say('starting a local runner');
let runnerConnected = false;
runner = new Supervised({
  name: 'The runner', command: node, cwd: root, env: process.env, log: say,
  args: [path.join(root, 'runner/src/main.ts'), '--url', url, '--token', vars.DURSOR_RUNNER_BOOTSTRAP_TOKEN, '--name', 'local',
    '--state-dir', paths.runner, '--work-dir', paths.work, ...(noSandbox ? ['--no-sandbox'] : [])],
  finalCodes: [CANNOT_SANDBOX],
  onFinal: () => void fail(new Error('the runner cannot sandbox agents on this host (its reason is above); fix that, or run `npm start -- --no-sandbox` to run them unsandboxed')),
  onLine: (line) => {
    if (line.includes('"msg":"connected to pool"')) runnerConnected = true;
  },
});

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

await waitFor('the local runner connecting', () => runnerConnected, 60_000, 200).catch(fail);
const state = await (await fetch(`${url}/v1/auth/state`)).json() as { setupRequired: boolean };
console.log(`
dursor is running at ${url}
${state.setupRequired ? '  First run: open it and create the owner account (email + password).' : '  Sign in with your owner account.'}
  A local runner (name "local") is connected. Ctrl-C stops everything.
`);
