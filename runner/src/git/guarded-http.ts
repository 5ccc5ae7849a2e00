/**
 * isomorphic-git's HTTP client for one run, checked where the connection is made (issue 11).
 *
 * The Worker can only judge the text of a clone URL; which machine a host name leads to is
 * decided here, on the runner's own network, at the moment of connecting. Unless the deployment
 * allows private addresses (the assignment's `allowPrivateAddresses`, DURSOR_ALLOW_PRIVATE_URLS):
 * - every URL — the clone URL and every redirect — passes the shared host rule
 *   (protocol/src/outbound-url.ts): no `localhost`-like names, no special-purpose IP literal;
 * - a host name is resolved once, by the resolver given here, and *every* address it answers is
 *   checked; the socket then connects to an address from that same answer (Node's `lookup`
 *   option), so there is no second lookup a rebinding DNS server could answer differently;
 * - redirects (of the GET that discovers refs, as git's own `http.followRedirects=initial`) are
 *   followed here, not by a library, each through the same checks, and never from https to http.
 *   Credentials are not carried to another host.
 * IP literals never reach `lookup` (Node connects to them directly), which is why the host rule runs
 * on each URL first. TLS keeps the host name for SNI and certificate checks: we only choose the
 * address. No `accept-encoding` is sent, so answers come uncompressed, as git's smart HTTP does.
 */
import { promises as dns, type LookupAddress } from 'node:dns';
import * as http from 'node:http';
import * as https from 'node:https';
import type { LookupFunction } from 'node:net';
import { Readable } from 'node:stream';
import type { GitHttpRequest, GitHttpResponse, HttpClient } from 'isomorphic-git';
import { addressRefusal, hostRefusal } from '../../../protocol/src/outbound-url.ts';
import { AddressPolicyError, safeUrl } from '../workspace/git-errors.ts';

/** A host name → its addresses. The system's resolver (with /etc/hosts) unless a test supplies a map. */
export type Resolve = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolve: Resolve = (hostname) => dns.lookup(hostname, { all: true, order: 'verbatim' });

export interface GuardedHttpOptions {
  allowPrivate: boolean;
  resolve?: Resolve;
  /** Redirects followed per request (git's own default is a handful; GitHub uses one for renamed repos). */
  maxRedirects?: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const NOT_TO_ANOTHER_HOST = ['authorization', 'cookie', 'proxy-authorization'];

const DEPLOYMENT = 'this dursor reaches only public addresses (DURSOR_ALLOW_PRIVATE_URLS is not true)';

export function guardedGitHttp(opts: GuardedHttpOptions): HttpClient {
  const lookup = checkedLookup(opts.resolve ?? systemResolve, opts.allowPrivate);
  const maxRedirects = opts.maxRedirects ?? 5;
  return {
    async request(req: GitHttpRequest): Promise<GitHttpResponse> {
      let url = checkTarget(req.url, opts.allowPrivate);
      const method = (req.method ?? 'GET').toUpperCase();
      // Like git's own http.followRedirects=initial: only the GET that discovers refs is redirected.
      // A POST (upload-pack, receive-pack) streams its body and gets its 3xx back, as isomorphic-git's own client does.
      const follows = method === 'GET' || method === 'HEAD';
      let headers: Record<string, string> = { ...req.headers };
      for (let hop = 0; ; hop++) {
        const res = await send(url, method, headers, req.body, lookup, req.signal);
        const location = res.headers.location;
        if (!follows || !REDIRECTS.has(res.statusCode ?? 0) || !location) {
          return { url: url.href, method, statusCode: res.statusCode ?? 0, statusMessage: res.statusMessage ?? '', headers: flatHeaders(res.headers), body: res[Symbol.asyncIterator]() };
        }
        res.resume();
        if (hop >= maxRedirects) throw new Error(`too many redirects from ${safeUrl(req.url)}`);
        const next = checkTarget(new URL(location, url).href, opts.allowPrivate);
        if (url.protocol === 'https:' && next.protocol === 'http:') throw new AddressPolicyError(`policy: ${safeUrl(url.href)} redirected to plain http (${safeUrl(next.href)}); refused`);
        if (next.host !== url.host) headers = withoutHeaders(headers, NOT_TO_ANOTHER_HOST);
        url = next;
      }
    },
  };
}

/** The URL to connect to, or an AddressPolicyError saying why not. */
function checkTarget(raw: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AddressPolicyError(`policy: ${safeUrl(raw)} is not a valid URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new AddressPolicyError(`policy: scheme ${url.protocol}// is not allowed for git (${safeUrl(raw)})`);
  if (url.username || url.password) throw new AddressPolicyError(`policy: ${safeUrl(raw)} must not carry credentials (user-info)`);
  const why = allowPrivate ? null : hostRefusal(url.hostname);
  if (why) throw new AddressPolicyError(`policy: ${why}; ${DEPLOYMENT}`);
  return url;
}

/**
 * Node's `lookup` hook: one resolution per connection, every address checked, and the socket
 * connects to what this returned. Errors reach the request's 'error' event unchanged.
 */
export function checkedLookup(resolve: Resolve, allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    const done = callback as (err: Error | null, address?: string | LookupAddress[], family?: number) => void;
    resolve(hostname).then((found) => {
      const family = options.family === 4 || options.family === 6 ? options.family : 0;
      const usable = family ? found.filter((a) => a.family === family) : found;
      if (usable.length === 0) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
      if (!allowPrivate) {
        for (const a of found) {
          const why = addressRefusal(a.address);
          if (why) throw new AddressPolicyError(`policy: host ${hostname} resolves to ${a.address}, a ${why} address; ${DEPLOYMENT}`);
        }
      }
      if (options.all) done(null, usable);
      else done(null, usable[0].address, usable[0].family);
    }).catch((err: Error) => done(err));
  };
}

function send(url: URL, method: string, headers: Record<string, string>, body: GitHttpRequest['body'], lookup: LookupFunction, signal?: AbortSignal): Promise<http.IncomingMessage> {
  const client = url.protocol === 'https:' ? https : http;
  // A body given whole is sent with its length; an iterator is streamed as isomorphic-git produces it (a push's pack).
  const whole = Array.isArray(body) ? Buffer.concat(body) : undefined;
  return new Promise((resolve, reject) => {
    const req = client.request({
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      method,
      headers: whole ? { ...headers, 'content-length': String(whole.length) } : headers,
      // A fresh connection per request: a pooled socket was connected under another run's check.
      agent: false,
      lookup,
      signal,
    }, resolve);
    req.on('error', reject);
    if (whole || !body) req.end(whole);
    else Readable.from(body as AsyncIterable<Uint8Array>).on('error', (e) => req.destroy(e)).pipe(req);
  });
}

function withoutHeaders(headers: Record<string, string>, names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !names.includes(k.toLowerCase())));
}

function flatHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, Array.isArray(v) ? v.join(', ') : v]])));
}
