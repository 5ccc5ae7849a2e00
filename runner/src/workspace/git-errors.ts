/**
 * Turns isomorphic-git and network errors into one readable line for a run's failure reason
 * ("clone failed: repository not found at http://…"). URLs lose any user-info first.
 */

/** Getting a run's git credentials from the Worker failed; the message is the reason, secret-free. */
export class GitAuthError extends Error {}

/**
 * A git connection the outbound address policy refused (git/guarded-http.ts, issue 11). Its
 * message starts with `policy: ` and is the run's whole failure reason.
 */
export class AddressPolicyError extends Error {
  readonly code = 'EDURSORPOLICY';
}

/** True when the URL carries user-info (credentials have no place in a clone URL). */
export function hasUserInfo(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(url.trim());
}

export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//');
  }
}

interface GitError {
  code?: string;
  message?: string;
  data?: { statusCode?: number; statusMessage?: string; what?: string };
  cause?: { code?: string; message?: string };
}

/** A failed git step as the run's reason: `<step> failed: <why>`, or the policy's own `policy: …`. */
export function gitStepFailure(step: 'clone' | 'fetch' | 'push', err: unknown, url: string, ref?: string): string {
  const why = describeGitError(err, url, ref);
  return policyError(err) ? why : `${step} failed: ${why}`;
}

/** The policy refusal behind an error, also when isomorphic-git wrapped it. */
function policyError(err: unknown): AddressPolicyError | null {
  if (err instanceof AddressPolicyError) return err;
  const cause = (err as { cause?: unknown; data?: { cause?: unknown } } | null)?.cause;
  return cause instanceof AddressPolicyError ? cause : null;
}

export function describeGitError(err: unknown, url: string, ref?: string): string {
  if (err instanceof GitAuthError) return err.message;
  const refused = policyError(err);
  if (refused) return refused.message;
  const e = (err ?? {}) as GitError;
  const where = safeUrl(url);
  // Only our onAuthFailure cancels: the remote refused the credentials twice in a row.
  if (e.code === 'UserCanceledError') return `the remote refused dursor's credentials for ${where}`;
  const status = e.data?.statusCode;
  if (e.code === 'HttpError' && status === 404) return `repository not found at ${where}`;
  if (e.code === 'HttpError' && (status === 401 || status === 403)) return `access denied to ${where} (HTTP ${status})`;
  if (e.code === 'HttpError') return `HTTP ${status} ${e.data?.statusMessage ?? ''} from ${where}`.replace(/\s+from/, ' from');
  if (e.code === 'NotFoundError' && ref) return `ref "${ref}" not found in ${where}`;
  const net = networkCode(err);
  if (net) return `cannot reach ${where} (${net})`;
  return `${e.message ?? String(err)}`.replace(/\/\/[^/@\s]*@/g, '//');
}

const NET = /^E(CONN|NOTFOUND|TIMEDOUT|AI_|HOSTUNREACH|NETUNREACH|PIPE|PROTO)/;

function networkCode(err: unknown): string | null {
  const e = (err ?? {}) as GitError;
  for (const code of [e.code, e.cause?.code]) if (code && NET.test(code)) return code;
  return null;
}

/** Errors caused by the remote or the network (as opposed to the local repository). */
export function isRemoteError(err: unknown): boolean {
  if (err instanceof GitAuthError || policyError(err)) return true;
  const code = (err as GitError | null)?.code;
  return code === 'HttpError' || code === 'NotFoundError' || code === 'SmartHttpError' || code === 'UserCanceledError' || networkCode(err) !== null;
}
