/**
 * Registration: trade the admin's registration token for this runner's own credential once
 * (POST /v1/runners/register) and keep it in `<state-dir>/runner.json` (mode 0600) so later
 * starts reuse it. A stored credential for another Worker URL is ignored. Network errors and
 * 5xx are retried with backoff (the Worker may still be starting); 4xx are final.
 * The Worker rotates the credential on every pool connection (credential.ts); each new one is
 * saved here, atomically (temp file, 0600, rename), before it is used. A credential given with
 * `--credential` is remembered by its hash, so a restart with the same flag resumes from the
 * rotated one in the state file instead of presenting the long-dead original.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError, Backoff, RegisterRunnerResponse } from '../../protocol/src/index.ts';
import { sleep } from './cancellable.ts';
import type { RunnerConfig } from './config.ts';
import type { Logger } from './log.ts';

export interface RunnerIdentity {
  url: string;
  runnerId: string | null;
  credential: string;
  /** SHA-256 of the `--credential` this identity grew from (absent when it came from registration). */
  given?: string;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export class RegistrationError extends Error {}

const stateFile = (stateDir: string) => join(stateDir, 'runner.json');

export async function loadIdentity(stateDir: string, url: string): Promise<RunnerIdentity | null> {
  let raw: string;
  try {
    raw = await readFile(stateFile(stateDir), 'utf8');
  } catch {
    return null;
  }
  try {
    const v = JSON.parse(raw) as Partial<RunnerIdentity>;
    if (v.url === url && typeof v.credential === 'string' && v.credential) {
      return { url, runnerId: v.runnerId ?? null, credential: v.credential, ...(typeof v.given === 'string' ? { given: v.given } : {}) };
    }
  } catch {
    // A corrupt state file is treated as absent; registration writes a fresh one.
  }
  return null;
}

export async function saveIdentity(stateDir: string, id: RunnerIdentity): Promise<void> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const tmp = `${stateFile(stateDir)}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(id, null, 2) + '\n', { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, stateFile(stateDir));
}

async function registerOnce(cfg: RunnerConfig, token: string): Promise<RunnerIdentity | { retry: string }> {
  let res: Response;
  try {
    res = await fetch(`${cfg.url}/v1/runners/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ registrationToken: token, name: cfg.name, labels: cfg.labels }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (e) {
    return { retry: `cannot reach ${cfg.url}: ${(e as Error).cause ?? (e as Error).message}` };
  }
  const body: unknown = await res.json().catch(() => null);
  if (res.status >= 500) return { retry: `the Worker answered ${res.status}` };
  if (!res.ok) {
    const err = ApiError.safeParse(body);
    throw new RegistrationError(`registration refused (${res.status}): ${err.success ? err.data.error.message : 'no reason given'}`);
  }
  const parsed = RegisterRunnerResponse.safeParse(body);
  if (!parsed.success) throw new RegistrationError('registration answer is not a RegisterRunnerResponse');
  return { url: cfg.url, runnerId: parsed.data.runnerId, credential: parsed.data.credential };
}

/** Returns the runner's identity: --credential, else the stored one, else a fresh registration. */
export async function ensureRegistered(cfg: RunnerConfig, log: Logger, signal?: AbortSignal): Promise<RunnerIdentity> {
  const stored = await loadIdentity(cfg.stateDir, cfg.url);
  if (cfg.credential) {
    const given = sha256(cfg.credential);
    if (stored?.given === given) return stored;
    return { url: cfg.url, runnerId: null, credential: cfg.credential, given };
  }
  if (stored) {
    log.info('using stored runner credential', { runnerId: stored.runnerId });
    return stored;
  }
  if (!cfg.registrationToken) {
    throw new RegistrationError('not registered yet: pass --token (or DURSOR_REGISTRATION_TOKEN) with a registration token from an admin');
  }
  log.redactor.add(cfg.registrationToken);
  const backoff = new Backoff();
  for (let attempt = 1; attempt <= 1_000; attempt++) {
    if (signal?.aborted) break;
    const r = await registerOnce(cfg, cfg.registrationToken);
    if ('credential' in r) {
      await saveIdentity(cfg.stateDir, r);
      log.info('registered', { runnerId: r.runnerId, stateFile: stateFile(cfg.stateDir) });
      return r;
    }
    const delay = backoff.next();
    log.warn('registration failed, retrying', { reason: r.retry, attempt, retryInMs: delay });
    await sleep(delay, signal);
  }
  throw new RegistrationError('registration gave up');
}
