/**
 * `npm start`: dursor on this machine in one command.
 *  1. makes .dev.vars (encryption key, runner bootstrap token) on first use;
 *  2. applies the D1 migrations to the local database;
 *  3. builds the web app;
 *  4. starts `wrangler dev` on 127.0.0.1:8787 (workerd, local D1 and Durable Objects);
 *  5. starts one local runner registered with the bootstrap token;
 *  and prints where to go. Ctrl-C stops everything.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const port = Number(process.env.PORT ?? 8787);
const url = `http://127.0.0.1:${port}`;
const bin = (pkg: string, file: string) => path.join(root, 'node_modules', pkg, file);
const node = process.execPath;

function devVars(): Record<string, string> {
  const file = path.join(root, '.dev.vars');
  const vars: Record<string, string> = {};
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const m = /^([A-Z0-9_]+)\s*=\s*"?(.*?)"?\s*$/.exec(line);
      if (m) vars[m[1]] = m[2];
    }
  }
  let changed = false;
  if (!vars.DURSOR_ENCRYPTION_KEY) { vars.DURSOR_ENCRYPTION_KEY = randomBytes(32).toString('base64'); changed = true; }
  if (!vars.DURSOR_RUNNER_BOOTSTRAP_TOKEN) { vars.DURSOR_RUNNER_BOOTSTRAP_TOKEN = `drr_${randomBytes(24).toString('hex')}`; changed = true; }
  if (changed) {
    writeFileSync(file, Object.entries(vars).map(([k, v]) => `${k}="${v}"`).join('\n') + '\n', { mode: 0o600 });
    console.log('· wrote .dev.vars (local secrets; never commit it)');
  }
  return vars;
}

function step(title: string, args: string[]) {
  console.log(`· ${title}`);
  execFileSync(node, args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' } });
}

const children: ChildProcess[] = [];
function start(name: string, args: string[]): ChildProcess {
  // Own process group, so stopping reaches wrangler's workerd children too.
  const child = spawn(node, args, { cwd: root, detached: true, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' } });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} exited (${signal ?? code}); stopping.`);
      stop(1);
    }
  });
  children.push(child);
  return child;
}

let stopping = false;
function stop(code = 0) {
  stopping = true;
  for (const c of children) {
    try {
      process.kill(-c.pid!, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  setTimeout(() => process.exit(code), 3000).unref();
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

async function waitReady(timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/v1/auth/state`)).ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`wrangler dev did not answer on ${url} within ${timeoutMs / 1000} s`);
}

const vars = devVars();
step('applying D1 migrations (local)', [bin('wrangler', 'bin/wrangler.js'), 'd1', 'migrations', 'apply', 'dursor', '--local']);
step('building the web app', [bin('vite', 'bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn']);
console.log(`· starting wrangler dev on ${url}`);
start('wrangler dev', [bin('wrangler', 'bin/wrangler.js'), 'dev', '--ip', '127.0.0.1', '--port', String(port), '--show-interactive-dev-session=false', '--log-level', 'warn', '--var', 'DURSOR_ALLOW_PRIVATE_URLS:true']);
await waitReady();
console.log('· starting a local runner');
start('runner', [path.join(root, 'runner/src/main.ts'), '--url', url, '--token', vars.DURSOR_RUNNER_BOOTSTRAP_TOKEN, '--name', 'local', '--state-dir', path.join(root, '.dursor/runner'), '--work-dir', path.join(root, '.dursor/work')]);

const state = await (await fetch(`${url}/v1/auth/state`)).json() as { setupRequired: boolean };
console.log(`
dursor is running at ${url}
${state.setupRequired ? '  First run: open it and create the owner account (email + password).' : '  Sign in with your owner account.'}
  A local runner (name "local") is connected. Ctrl-C stops everything.
`);
