/**
 * The one fetch wrapper: same-origin cookie auth, JSON bodies, an `Idempotency-Key` on every
 * create POST (so a double click or a retried request makes one thing, docs/architecture.md §6), and every
 * response parsed by a protocol schema before it reaches the UI. Failures of any kind become an
 * `ApiError` whose message can be shown to the user as is.
 */
import type { z } from 'zod';
import { ApiError as ApiErrorBody } from '../../../protocol/src/index.ts';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

export type RequestOptions = {
  body?: unknown;
  /** Create POSTs get a fresh key unless the caller passes one to reuse across retries. */
  idempotencyKey?: string;
  signal?: AbortSignal;
};

type Hooks = { onUnauthorized?: (path: string) => void; fetch?: typeof fetch };
const hooks: Hooks = {};

/** Lets the session module learn about an expired cookie, and tests swap fetch. */
export function configureApi(next: Hooks): void {
  Object.assign(hooks, next);
}

/** crypto.randomUUID exists only in secure contexts; a self-hosted http origin still needs keys. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

export async function request<S extends z.ZodType>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  schema: S,
  opts: RequestOptions = {},
): Promise<z.infer<S>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (method === 'POST') headers['idempotency-key'] = opts.idempotencyKey ?? newIdempotencyKey();
  let res: Response;
  try {
    res = await (hooks.fetch ?? fetch)(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', 'Could not reach the dursor server. Check your connection and try again.');
  }
  const json = await readJson(res);
  if (!res.ok) {
    const parsed = ApiErrorBody.safeParse(json);
    if (res.status === 401) hooks.onUnauthorized?.(path);
    if (parsed.success) throw new ApiError(res.status, parsed.data.error.code, parsed.data.error.message);
    throw new ApiError(res.status, 'http_' + res.status, `The server answered ${res.status} ${res.statusText}`.trim() + '.');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ApiError(res.status, 'bad_response', `Unexpected response from ${method} ${path}: ${parsed.error.issues[0]?.message ?? 'invalid shape'}.`);
  }
  return parsed.data;
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text().catch(() => '');
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A readable message for anything thrown at the UI. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
