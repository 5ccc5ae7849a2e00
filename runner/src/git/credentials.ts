/**
 * Git credentials of one run (issue 4, docs/architecture.md §4). When the assignment says
 * `repo.credentials: 'worker'`, every isomorphic-git network call of the run (cache clone/fetch,
 * push) gets its own `onAuth` + `onAuthFailure`, which ask the Worker
 * (`GET /v1/git/credential?runId=…&assignment=N`) at the moment the remote wants them — with the
 * runner's own credential as Bearer, never the run token: agents are hostile, and the run token
 * is what an agent's process could hold or learn (issue "Seal every attempt"). The Worker answers
 * only while this runner holds that assignment.
 * Nothing is cached: installation tokens expire mid-run, and asking is cheap. A refused
 * credential is asked for once more (the Worker renews expired tokens); a second refusal cancels
 * the call, which `describeGitError` turns into "the remote refused dursor's credentials".
 * The values go to the log redactor and travel only in the Authorization header isomorphic-git
 * builds — never in a URL, log line, event or error message.
 */
import type { AuthCallback, AuthFailureCallback } from 'isomorphic-git';
import { GitCredential } from '../../../protocol/src/index.ts';
import { asCredential, type CredentialInput } from '../credential.ts';
import type { Redactor } from '../log.ts';
import { GitAuthError, safeUrl } from '../workspace/git-errors.ts';

/** Callbacks for one network call (the retry budget is per call). */
export interface GitAuthCallbacks {
  onAuth: AuthCallback;
  onAuthFailure: AuthFailureCallback;
}
/** Hands out fresh callbacks for each network call of a run. */
export type GitAuth = () => GitAuthCallbacks;

export interface WorkerGitAuthOptions {
  baseUrl: string;
  /** The runner's own credential (`drc_…`), the one its pool and run sockets use; read at each request (it rotates). */
  credential: CredentialInput;
  runId: string;
  assignment: number;
  redactor: Redactor;
  timeoutMs?: number;
}

const TIMEOUT_MS = 15_000;

/** The run's credentials from the Worker, asked for at each `onAuth`. */
export function workerGitAuth(o: WorkerGitAuthOptions): GitAuth {
  const ask = () => fetchGitCredential(o);
  return () => {
    let refused: string | undefined;
    let retried = false;
    return {
      onAuth: async () => {
        const cred = await ask();
        refused = cred?.password;
        return cred ?? undefined;
      },
      onAuthFailure: async () => {
        if (retried) return { cancel: true };
        retried = true;
        const cred = await ask();
        // The same value again would only be refused again.
        if (!cred || cred.password === refused) return { cancel: true };
        refused = cred.password;
        return cred;
      },
    };
  };
}

/** One `GET /v1/git/credential`: the credential, null on 404 (the repo needs none), or a GitAuthError. */
export async function fetchGitCredential(o: WorkerGitAuthOptions): Promise<GitCredential | null> {
  const where = `${safeUrl(o.baseUrl).replace(/\/+$/, '')}/v1/git/credential`;
  const query = new URLSearchParams({ runId: o.runId, assignment: String(o.assignment) });
  const timeoutMs = o.timeoutMs ?? TIMEOUT_MS;
  const credential = asCredential(o.credential);
  let res: Response;
  for (let attempt = 1; ; attempt++) {
    await credential.settled();
    const used = credential.current;
    try {
      res = await fetch(`${where}?${query}`, { headers: { authorization: `Bearer ${used}`, accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
    } catch (e) {
      const err = e as { name?: string; cause?: { code?: string } };
      const why = err.name === 'TimeoutError' ? `timed out after ${Math.round(timeoutMs / 1000)} s` : (err.cause?.code ?? err.name ?? 'network error');
      throw new GitAuthError(`cannot get git credentials from the Worker at ${where} (${why})`);
    }
    // Asked just before the runner's credential rotated: ask again with the new one.
    if (res.status !== 401 || credential.current === used || attempt > 1) break;
    await res.body?.cancel();
  }
  if (res.status === 404) {
    await res.body?.cancel();
    return null;
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    if (res.status === 401 || res.status === 403) throw new GitAuthError(`the Worker refused this runner git credentials for run ${o.runId} (HTTP ${res.status}${workerMessage(body)})`);
    throw new GitAuthError(`the Worker could not hand out git credentials (HTTP ${res.status}${workerMessage(body)})`);
  }
  const parsed = GitCredential.safeParse(body);
  if (!parsed.success) throw new GitAuthError('the Worker answered GET /v1/git/credential with something that is not a git credential');
  o.redactor.add(parsed.data.username);
  o.redactor.add(parsed.data.password);
  return parsed.data;
}

/** The Worker's own `{ error: { message } }`, cut short (it never carries a secret, but stay brief). */
function workerMessage(body: unknown): string {
  const msg = (body as { error?: { message?: unknown } } | undefined)?.error?.message;
  return typeof msg === 'string' && msg ? `: ${msg.slice(0, 200)}` : '';
}
