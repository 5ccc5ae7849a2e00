/**
 * GitHub's refusals, as the API's one error shape: what GitHub said, never a token or a stack.
 * Our own 401 means "sign in again" to the web app, so GitHub refusing dursor's credentials is a
 * 502 `github_unauthorized` instead; a 404 stays a 404, a validation failure a 422.
 */
import { HttpError } from '../lib/errors.ts';

interface OctokitLikeError {
  status?: number;
  message?: string;
  response?: { data?: unknown };
}

/** GitHub's own message plus its per-field `errors[].message`, when present. */
export function githubMessage(err: unknown): string {
  const e = err as OctokitLikeError;
  const data = e?.response?.data as { message?: unknown; errors?: Array<{ message?: unknown; code?: unknown }> } | undefined;
  const base = typeof data?.message === 'string' ? data.message : (e?.message ?? String(err)).split('\n')[0];
  const details = (data?.errors ?? []).map((x) => (typeof x?.message === 'string' ? x.message : typeof x?.code === 'string' ? x.code : '')).filter(Boolean);
  return details.length ? `${base}: ${details.join('; ')}` : base;
}

export const githubStatus = (err: unknown): number | undefined => (err as OctokitLikeError)?.status;

export function toHttpError(err: unknown, doing: string): HttpError {
  if (err instanceof HttpError) return err;
  const status = githubStatus(err);
  const said = githubMessage(err);
  if (status === 401 || status === 403) return new HttpError(502, 'github_unauthorized', `GitHub refused dursor's credentials while ${doing} (${status} ${said}); check Settings → GitHub`);
  if (status === 404) return new HttpError(404, 'github_not_found', `GitHub says not found while ${doing}: the repository or object is missing or the connection cannot see it`);
  if (status === 409) return new HttpError(409, 'github_conflict', `GitHub refused while ${doing}: ${said}`);
  if (status === 422) return new HttpError(422, 'github_validation', `GitHub refused while ${doing}: ${said}`);
  if (status === undefined || status === 500) return new HttpError(502, 'github_unreachable', `GitHub could not be reached while ${doing}: ${said}`);
  return new HttpError(502, 'github_error', `GitHub answered ${status} while ${doing}: ${said}`);
}

/** Runs a GitHub call, turning its failure into the API's error shape. */
export async function github<T>(doing: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toHttpError(err, doing);
  }
}
