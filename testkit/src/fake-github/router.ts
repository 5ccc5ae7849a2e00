/**
 * Request dispatch: redacts the recorded Authorization header to its scheme, matches a route,
 * authenticates and authorizes (app JWT / installation token / PAT; repos the principal cannot
 * see are 404, as on GitHub; an installation token without the route's permission is 403,
 * token-scope.ts), rejects unparsable JSON with 400, and answers every error in
 * GitHub's JSON. Non-API GETs fall through to the web pages. Also the Link-header pagination.
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { IncomingCall } from '../fake-http.ts';
import { authenticate } from './auth.ts';
import { canSee, findRepo } from './store.ts';
import { allows, notAccessible } from './token-scope.ts';
import { GhError, notFound, type Ctx, type Principal, type Route, type Store } from './types.ts';
import { servePage } from './web.ts';

const DOCS = 'https://docs.github.com/rest';

export function sendGh(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.end();
  const h = { 'x-github-request-id': randomBytes(8).toString('hex').toUpperCase(), 'x-github-media-type': 'github.v3; format=json', ...headers };
  if (status === 204 || body === undefined) {
    res.writeHead(status, h);
    return void res.end();
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...h });
  res.end(JSON.stringify(body));
}

export function sendError(res: ServerResponse, e: GhError): void {
  sendGh(res, e.status, { message: e.message, documentation_url: DOCS, ...(e.errors ? { errors: e.errors } : {}), status: String(e.status) }, e.headers);
}

function authorize(route: Route, principal: Principal | null): void {
  if (route.auth === 'none') return;
  if (!principal) throw new GhError(401, 'Requires authentication');
  const kind = principal.kind;
  if (route.auth === 'app' && kind !== 'app') throw new GhError(401, 'A JSON web token could not be decoded');
  if (route.auth !== 'app' && kind === 'app') throw new GhError(403, 'Resource not accessible by integration');
  if (route.auth === 'user' && kind !== 'pat') throw new GhError(403, 'Resource not accessible by integration');
  if (route.auth === 'installation' && kind !== 'installation') {
    throw new GhError(403, 'You must authenticate with an installation access token in order to list repositories for an installation.');
  }
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw notFound();
  }
}

const HAS_BODY = new Set(['POST', 'PATCH', 'PUT']);

export function createHandler(store: Store, routes: Route[]): (call: IncomingCall) => Promise<void> {
  return async (call) => {
    const { record, res } = call;
    const auth = record.headers.authorization;
    if (auth) record.headers.authorization = auth.trim().split(/\s+/)[0]; // never keep a credential
    try {
      let route: Route | undefined;
      let caps: string[] = [];
      for (const r of routes) {
        const m = r.method === record.method ? r.path.exec(record.path) : null;
        if (m) [route, caps] = [r, m.slice(1).map((c) => decode(c ?? ''))];
        if (m) break;
      }
      if (!route) {
        if (servePage(store, call)) return;
        throw notFound();
      }
      const body = record.body ?? {};
      if (!call.jsonOk || (HAS_BODY.has(record.method) && (typeof body !== 'object' || Array.isArray(body)))) {
        throw new GhError(400, 'Problems parsing JSON');
      }
      const principal = route.auth === 'none' ? null : authenticate(store, call.req.headers.authorization);
      authorize(route, principal);
      const ctx: Ctx = { store, call, params: caps, query: record.query, body, principal, repo: undefined as never, headers: {} };
      if (route.repo) {
        const repo = findRepo(store, caps[0], caps[1]);
        if (!repo || !canSee(principal, repo)) throw notFound();
        ctx.repo = repo;
        ctx.params = caps.slice(2);
      }
      if (route.needs && !allows(principal, route.needs)) throw notAccessible(route.needs);
      const reply = await route.handle(ctx);
      sendGh(res, reply.status, reply.body, ctx.headers);
    } catch (e) {
      if (e instanceof GhError) return sendError(res, e);
      sendGh(res, 500, { message: `fake GitHub: ${(e as Error).message}`, documentation_url: DOCS, status: '500' });
    }
  };
}

/** `per_page` (default 30, max 100) / `page` slicing with GitHub's `Link` header. */
export function paginate<T>(ctx: Ctx, items: T[]): T[] {
  const per = Math.min(100, Math.max(1, Number.parseInt(ctx.query.per_page ?? '', 10) || 30));
  const page = Math.max(1, Number.parseInt(ctx.query.page ?? '', 10) || 1);
  const last = Math.max(1, Math.ceil(items.length / per));
  const link = (p: number, rel: string) => {
    const q = new URLSearchParams({ ...ctx.query, per_page: String(per), page: String(p) });
    return `<${ctx.store.api}${ctx.call.record.path}?${q}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, 'prev'), link(1, 'first'));
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  if (links.length) ctx.headers.link = links.join(', ');
  return items.slice((page - 1) * per, page * per);
}

/** A required string field of the JSON body, or 422 `missing_field` for `resource`. */
export function field(ctx: Ctx, name: string, resource: string): string {
  const v = ctx.body[name];
  if (typeof v !== 'string' || v === '') throw new GhError(422, 'Validation Failed', [{ resource, code: 'missing_field', field: name }]);
  return v;
}
