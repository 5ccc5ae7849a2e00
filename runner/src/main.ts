/**
 * Entry point: `node runner/src/main.ts --url … --token …` (or env vars, see config.ts).
 * Parse config (bad input → exit 2), register or reuse the stored credential, run.
 * SIGTERM/SIGINT: stop taking runs and let the active ones finish (drain), then exit 0;
 * a second signal cancels the active runs. A terminal refusal by the Worker exits 1; a host that
 * cannot sandbox agents exits 3 (unless --no-sandbox).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, parseConfig, USAGE } from './config.ts';
import { createLogger } from './log.ts';
import { ensureRegistered, RegistrationError, saveIdentity } from './registration.ts';
import { Runner } from './runner.ts';
import { defaultExecutors } from './executors/registry.ts';
import { detectClis } from './capabilities.ts';
import { checkSandboxSupport } from './sandbox/preflight.ts';
import { sandboxDeps, type SandboxDeps } from './sandbox/job-sandbox.ts';
import { sweepStaleCgroups } from './sandbox/cgroup.ts';

async function main(): Promise<number> {
  let cfg;
  try {
    cfg = parseConfig(process.argv.slice(2), process.env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`dursor-runner: ${e.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (!cfg) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const log = createLogger({ debug: cfg.debug });
  log.redactor.add(cfg.registrationToken);
  log.redactor.add(cfg.credential);
  // Issue "Seal every attempt…": find out now, not at the first attempt, that agents cannot be sandboxed here.
  if (cfg.noSandbox) {
    log.warn('WARNING: --no-sandbox: agents run WITHOUT an OS sandbox and can read and write whatever this runner\'s user can; use it only where the host cannot sandbox (e.g. a container without user namespaces)');
  } else {
    const sandbox = await checkSandboxSupport();
    if (!sandbox.ok) {
      process.stderr.write(`dursor-runner: cannot sandbox agents on this host: ${sandbox.reason}\n`);
      return 3;
    }
  }
  const stop = new AbortController();
  let wake!: () => void;
  const stopping = new Promise<void>((r) => (wake = r));
  stop.signal.addEventListener('abort', () => wake(), { once: true });
  let signals = 0;
  let runner: Runner | undefined;
  let terminal: string | null = null;
  const onSignal = (sig: string) => {
    signals++;
    if (signals === 1) {
      log.info(`${sig}: draining (send again to cancel active runs)`);
      stop.abort();
    } else {
      log.warn(`${sig}: cancelling active runs`);
      runner?.cancelAll('runner is shutting down');
    }
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));

  // Advertise only the agent CLIs that answer `--version` here, so the pool never assigns one we
  // lack; probed while registering (Gemini CLI takes seconds to answer).
  const detecting = detectClis({ cacheFile: join(cfg.workDir, 'agents', 'clis.json') }).catch((e) => {
    log.warn('agent CLI detection failed; advertising patch-agent only', { error: (e as Error)?.message });
    return [];
  });
  let identity;
  try {
    await mkdir(cfg.workDir, { recursive: true });
    identity = await ensureRegistered(cfg, log, stop.signal);
  } catch (e) {
    if (stop.signal.aborted) return 0;
    if (e instanceof RegistrationError) {
      log.error(e.message);
      return 1;
    }
    throw e;
  }
  if (stop.signal.aborted) return 0;

  const clis = await detecting;
  log.info('agent CLIs detected', { clis: clis.map((c) => `${c.id} ${c.version} (${c.binPath})`) });
  if (stop.signal.aborted) return 0;

  let sandbox: SandboxDeps | undefined;
  if (!cfg.noSandbox) {
    sandbox = sandboxDeps({ stateDir: cfg.stateDir, workDir: cfg.workDir, cliBins: clis.map((c) => c.binPath) });
    const swept = await sweepStaleCgroups();
    if (swept) log.warn('stopped processes a dead runner process had left in its sandboxes', { killed: swept });
    log.info('agents run sandboxed (srt: bubblewrap + a filtering proxy)');
  }

  runner = new Runner({
    baseUrl: cfg.url, credential: identity.credential, name: cfg.name, slots: cfg.slots, labels: cfg.labels,
    // Each rotated credential lands in the state file before it is used (issue 11).
    saveCredential: (credential) => saveIdentity(cfg.stateDir, { ...identity, credential }),
    workDir: cfg.workDir, maxFileBytes: cfg.maxFileBytes, gatewayOutageMs: cfg.gatewayOutageMs, executors: defaultExecutors(clis), sandbox, log,
    onTerminal: (reason) => {
      terminal = reason;
      log.error(`stopping: ${reason}`);
      runner?.cancelAll(reason);
      wake();
    },
  });
  runner.start();
  await stopping;
  await runner.drain();
  log.info('runner stopped');
  return terminal ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`dursor-runner: unexpected error: ${(e as Error)?.message ?? String(e)}\n`);
    process.exit(1);
  },
);
