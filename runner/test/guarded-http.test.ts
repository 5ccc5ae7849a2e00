/**
 * The runner's connect-time address check (issue 11): git over isomorphic-git with the run's
 * guarded HTTP client against the test kit's real `git http-backend` on 127.0.0.1. Host names
 * resolve through a map this test controls (names the system resolver cannot know, so a clone
 * that works proves the socket went where the checked answer said).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitServer, type GitServer } from '../../testkit/src/index.ts';
import { guardedGitHttp, type Resolve } from '../src/git/guarded-http.ts';
import { hostsFile } from './hosts-file.ts';
import { GitStepError, RepoCache } from '../src/workspace/repo-cache.ts';

const HOSTS = {
  localhost: ['127.0.0.1'],
  'git.example.test': ['127.0.0.1'],
  'private.example.test': ['10.0.0.7'],
  'metadata.example.test': ['169.254.169.254'],
  'v6loop.example.test': ['::1'],
  'mapped.example.test': ['::ffff:127.0.0.1'],
  'nat64.example.test': ['64:ff9b::7f00:1'],
  'sixtofour.example.test': ['2002:7f00:1::'],
  'teredo.example.test': ['2001:0:4136:e378:8000:63bf:80ff:fffe'],
  'linklocal6.example.test': ['fe80::1'],
  'cgnat.example.test': ['100.64.1.1'],
  // A rebinding-style answer: one public address and one private one. Every address is checked.
  'mixed.example.test': ['93.184.215.14', '127.0.0.1'],
};

let server: GitServer;
let port: string;
let work: string;

beforeAll(async () => {
  server = await startGitServer();
  await server.createRepo('app', { 'README.md': '# app\n' });
  port = new URL(server.url).port;
  work = await mkdtemp(join(tmpdir(), 'runner-guarded-'));
});
afterAll(async () => {
  await server?.close();
  await rm(work, { recursive: true, force: true });
});

let n = 0;
/** One clone of `app` through a fresh cache; the failure reason, or 'ok'. */
async function cloneWith(url: string, allowPrivate: boolean, resolve: Resolve): Promise<string> {
  const cache = new RepoCache({ workDir: join(work, `w${++n}`) });
  try {
    await cache.prepare(url, 'main', join(work, `ws${n}`), () => {}, guardedGitHttp({ allowPrivate, resolve }));
    return 'ok';
  } catch (e) {
    if (e instanceof GitStepError) return e.message;
    throw e;
  }
}

const P = () => port;
/** Clone URLs that all lead to 127.0.0.1:<port>, or to another private place, spelled every way. */
const privateUrls: [string, () => string][] = [
  ['a name that resolves to loopback', () => `http://git.example.test:${P()}/app.git`],
  ['the same name, upper case with a trailing dot', () => `http://GIT.EXAMPLE.TEST.:${P()}/app.git`],
  ['a name that resolves to 10/8', () => `http://private.example.test:${P()}/app.git`],
  ['a name that resolves to the metadata address', () => `http://metadata.example.test:${P()}/app.git`],
  ['a name that resolves to ::1', () => `http://v6loop.example.test:${P()}/app.git`],
  ['a name that resolves to IPv4-mapped loopback', () => `http://mapped.example.test:${P()}/app.git`],
  ['a name that resolves to NAT64 of loopback', () => `http://nat64.example.test:${P()}/app.git`],
  ['a name that resolves to 6to4 of loopback', () => `http://sixtofour.example.test:${P()}/app.git`],
  ['a name that resolves to Teredo', () => `http://teredo.example.test:${P()}/app.git`],
  ['a name that resolves to IPv6 link-local', () => `http://linklocal6.example.test:${P()}/app.git`],
  ['a name that resolves to CGNAT', () => `http://cgnat.example.test:${P()}/app.git`],
  ['a name with one public and one private address', () => `http://mixed.example.test:${P()}/app.git`],
  ['localhost', () => `http://localhost:${P()}/app.git`],
  ['LOCALHOST. (case, trailing dot)', () => `http://LOCALHOST.:${P()}/app.git`],
  ['127.0.0.1', () => `http://127.0.0.1:${P()}/app.git`],
  ['127.0.0.1. (trailing dot)', () => `http://127.0.0.1.:${P()}/app.git`],
  ['decimal 2130706433', () => `http://2130706433:${P()}/app.git`],
  ['hex 0x7f000001', () => `http://0x7f000001:${P()}/app.git`],
  ['hex parts 0x7f.0.0.1', () => `http://0x7f.0.0.1:${P()}/app.git`],
  ['octal 0177.0.0.1', () => `http://0177.0.0.1:${P()}/app.git`],
  ['short 127.1', () => `http://127.1:${P()}/app.git`],
  ['[::ffff:127.0.0.1]', () => `http://[::ffff:127.0.0.1]:${P()}/app.git`],
  ['[::ffff:7f00:1]', () => `http://[::ffff:7f00:1]:${P()}/app.git`],
  ['[::127.0.0.1] (IPv4-compatible)', () => `http://[::127.0.0.1]:${P()}/app.git`],
  ['[64:ff9b::127.0.0.1] (NAT64)', () => `http://[64:ff9b::127.0.0.1]:${P()}/app.git`],
  ['[64:ff9b:1::7f00:1] (local NAT64)', () => `http://[64:ff9b:1::7f00:1]:${P()}/app.git`],
  ['[2002:7f00:1::] (6to4)', () => `http://[2002:7f00:1::]:${P()}/app.git`],
  ['[::1]', () => `http://[::1]:${P()}/app.git`],
  ['a fragment before @', () => `http://127.0.0.1:${P()}/app.git#@github.com`],
];

describe('deployment mode (DURSOR_ALLOW_PRIVATE_URLS not true): refused before any byte reaches the server', () => {
  it.each(privateUrls)('%s', async (_name, url) => {
    const before = server.requests.length;
    const reason = await cloneWith(url(), false, hostsFile(HOSTS));
    expect(reason).toMatch(/^policy: .*(local or private|resolves to)/);
    expect(reason).toMatch(/DURSOR_ALLOW_PRIVATE_URLS/);
    expect(server.requests.length).toBe(before);
  });

  it('names the address and its kind', async () => {
    expect(await cloneWith(`http://nat64.example.test:${port}/app.git`, false, hostsFile(HOSTS))).toMatch(/nat64\.example\.test resolves to 64:ff9b::7f00:1, a NAT64/);
    expect(await cloneWith(`http://mixed.example.test:${port}/app.git`, false, hostsFile(HOSTS))).toMatch(/resolves to 127\.0\.0\.1, a loopback address/);
  });

  it('userinfo tricks are refused in both modes (credentials travel only through onAuth)', async () => {
    for (const allow of [false, true]) {
      for (const url of [`http://github.com@127.0.0.1:${port}/app.git`, `http://x:y@git.example.test:${port}/app.git`]) {
        expect(await cloneWith(url, allow, hostsFile(HOSTS)), url).toMatch(/credentials/);
      }
    }
  });
});

describe('local mode (DURSOR_ALLOW_PRIVATE_URLS=true): everything on 127.0.0.1 keeps working', () => {
  const reachable = privateUrls.filter(([name]) => /loopback|localhost|LOCALHOST|127|7f|::ffff/i.test(name) && !/NAT64|6to4|compatible|::1\]|resolves to ::1/.test(name));

  it.each(reachable)('%s', async (_name, url) => {
    expect(await cloneWith(url(), true, hostsFile(HOSTS))).toBe('ok');
  });

  it('connects to the address it checked: one resolution per connection, none by the system', async () => {
    const hosts = hostsFile({ 'git.example.test': ['127.0.0.1'] });
    const before = server.requests.length;
    expect(await cloneWith(`http://git.example.test:${port}/app.git`, true, hosts)).toBe('ok');
    const requests = server.requests.length - before;
    expect(requests).toBeGreaterThanOrEqual(2); // info/refs + git-upload-pack
    // A fresh connection per request, each resolved once through our resolver: nothing else asked DNS.
    expect(hosts.asked).toEqual(Array(requests).fill('git.example.test'));
  });
});
