/**
 * A minimal API client for tests: JSON in and out, a session cookie kept like a browser would,
 * and protocol schemas parsing what comes back (a shape drift fails the test, not a later line).
 */
import type { z } from 'zod';

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export class Client {
  cookie = '';
  bearer = '';
  readonly base: string;
  /** Every response body this client received, for tests that scan what the API ever said. */
  readonly bodies: string[] = [];

  constructor(base: string) {
    this.base = base;
  }

  async req<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
    const h: Record<string, string> = { ...headers };
    if (body !== undefined && typeof body !== 'string') h['content-type'] = 'application/json';
    if (this.cookie) h.cookie = this.cookie;
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    const res = await fetch(this.base + path, {
      method,
      headers: h,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0];
    const text = await res.text();
    this.bodies.push(text);
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: keep the text, the caller's assertion will say so */
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  async ok<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
    const r = await this.req<T>(method, path, body, headers);
    if (r.status >= 300) throw new Error(`${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  async parse<S extends z.ZodType>(schema: S, method: string, path: string, body?: unknown): Promise<z.infer<S>> {
    return schema.parse(await this.ok(method, path, body));
  }
}

export const OWNER = { email: 'owner@dursor.test', password: 'correct horse battery staple' };

/** First-run setup of the owner account; returns a signed-in client. */
export async function ownerClient(url: string): Promise<Client> {
  const c = new Client(url);
  await c.ok('POST', '/v1/auth/setup', OWNER);
  return c;
}
