/**
 * Runner configuration from flags and environment variables (flags win). Bad input is a
 * `ConfigError` with a message meant for a human; main.ts prints it and exits 2, no stack.
 */
import { parseArgs } from 'node:util';
import { hostname, homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { LIMITS } from '../../protocol/src/index.ts';

export interface RunnerConfig {
  url: string;
  registrationToken?: string;
  credential?: string;
  name: string;
  slots: number;
  labels: string[];
  stateDir: string;
  workDir: string;
  /** Local cap on any changed file; the assignment's own cap applies too (the smaller wins). */
  maxFileBytes: number;
  /** How long a run's gateway relay waits out an unreachable Worker before a model call fails. */
  gatewayOutageMs: number;
  /** Run agents without the per-attempt sandbox (loudly logged; the UI shows the runner as unsandboxed). */
  noSandbox: boolean;
  debug: boolean;
}

export class ConfigError extends Error {}

export const USAGE = `usage: node runner/src/main.ts --url <worker url> [--token <registration token>] [options]

  --url             Worker URL, e.g. http://127.0.0.1:8787        (DURSOR_URL)
  --token           registration token, used once to register     (DURSOR_REGISTRATION_TOKEN)
  --credential      runner credential, skips registration         (DURSOR_RUNNER_CREDENTIAL)
  --name            runner name (default: host name)              (DURSOR_RUNNER_NAME)
  --slots           concurrent runs, 1-64 (default 2)             (DURSOR_RUNNER_SLOTS)
  --labels          comma-separated labels                        (DURSOR_RUNNER_LABELS)
  --state-dir       where the credential is kept (default ~/.dursor-runner)   (DURSOR_STATE_DIR)
  --work-dir        repo cache and workspaces (default <state-dir>/work)     (DURSOR_WORK_DIR)
  --max-file-bytes  largest file a run may commit (default ${LIMITS.defaultMaxFileBytes})
  --gateway-outage-secs  how long model calls wait out an unreachable Worker (default 60)  (DURSOR_GATEWAY_OUTAGE_SECS)
  --no-sandbox      run agents WITHOUT the per-attempt sandbox (hosts without user namespaces)  (DURSOR_NO_SANDBOX=1)
  --debug           verbose logs`;

const OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  credential: { type: 'string' },
  name: { type: 'string' },
  slots: { type: 'string' },
  labels: { type: 'string' },
  'state-dir': { type: 'string' },
  'work-dir': { type: 'string' },
  'max-file-bytes': { type: 'string' },
  'gateway-outage-secs': { type: 'string' },
  'no-sandbox': { type: 'boolean' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function positiveInt(raw: string, what: string, max: number): number {
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${what} must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < 1 || n > max) throw new ConfigError(`${what} must be between 1 and ${max}, got ${n}`);
  return n;
}

function workerUrl(raw: string | undefined): string {
  if (!raw) throw new ConfigError('missing --url (or DURSOR_URL): the Worker URL, e.g. http://127.0.0.1:8787');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`--url is not a valid URL: "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`--url must be http(s), got ${url.protocol}`);
  if (url.username || url.password) throw new ConfigError('--url must not contain credentials');
  return url.origin + url.pathname.replace(/\/+$/, '');
}

/** Returns the config, or `null` when --help was asked for. */
export function parseConfig(argv: string[], env: Record<string, string | undefined>): RunnerConfig | null {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  if (values.help) return null;
  const pick = (flag: keyof typeof values, envName: string) => {
    const v = values[flag] ?? env[envName];
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  };
  const stateDir = resolve(pick('state-dir', 'DURSOR_STATE_DIR') ?? join(homedir(), '.dursor-runner'));
  const name = pick('name', 'DURSOR_RUNNER_NAME') ?? hostname();
  if (name.length > 100) throw new ConfigError('--name must be at most 100 characters');
  const labels = (pick('labels', 'DURSOR_RUNNER_LABELS') ?? '').split(',').map((l) => l.trim()).filter(Boolean);
  if (labels.length > 32 || labels.some((l) => l.length > 64)) throw new ConfigError('--labels: at most 32 labels of at most 64 characters');
  const maxFile = pick('max-file-bytes', 'DURSOR_MAX_FILE_BYTES');
  const outage = pick('gateway-outage-secs', 'DURSOR_GATEWAY_OUTAGE_SECS');
  return {
    url: workerUrl(pick('url', 'DURSOR_URL')),
    registrationToken: pick('token', 'DURSOR_REGISTRATION_TOKEN'),
    credential: pick('credential', 'DURSOR_RUNNER_CREDENTIAL'),
    name,
    slots: positiveInt(pick('slots', 'DURSOR_RUNNER_SLOTS') ?? '2', '--slots', 64),
    labels,
    stateDir,
    workDir: resolve(pick('work-dir', 'DURSOR_WORK_DIR') ?? join(stateDir, 'work')),
    maxFileBytes: maxFile ? positiveInt(maxFile, '--max-file-bytes', 2 ** 40) : LIMITS.defaultMaxFileBytes,
    gatewayOutageMs: (outage ? positiveInt(outage, '--gateway-outage-secs', 3_600) : 60) * 1000,
    noSandbox: values['no-sandbox'] === true || env.DURSOR_NO_SANDBOX === '1',
    debug: values.debug === true || env.DURSOR_DEBUG === '1',
  };
}
