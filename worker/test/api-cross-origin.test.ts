/**
 * Cross-origin requests (issue 11): a page on another origin must not spend the signed-in
 * browser's cookie. State-changing requests and socket upgrades that a browser sends from another
 * origin are refused with 403 `cross_origin`, JSON or not; the same requests from dursor's own
 * page work. Bearer-authenticated callers (API tokens, runners, run tokens, GitHub) send no
 * Origin and are not affected. JSON routes refuse non-JSON bodies with 415 instead of reading
 * them as `{}`. On https the session cookie is `__Host-` prefixed and Secure.
 */
import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Run, Task } from '../../protocol/src/index.ts';
import type { ApiErrorBody, Client } from './helpers/api.ts';
import { anonymous, appWith, BASE, client, json, OWNER, setupOwner } from './helpers/api.ts';
import { fakeTaskRoom } from './helpers/fake-durables.ts';
import { createProfile, createRepo, createTask } from './helpers/fixtures.ts';

const EVIL = 'https://evil.example';
const upgrade = { upgrade: 'websocket' };
const countRows = async (table: string) =>
  (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<{ n: number }>())!.n;

async function refused(res: Response): Promise<void> {
  const body = await json<ApiErrorBody>(res, 403);
  expect(body.error.code).toBe('cross_origin');
}

describe('cross-origin requests', () => {
  let owner: Client;
  let task: Task;
  let run: Run;
  let room: ReturnType<typeof fakeTaskRoom>;
  let viaRoom: Client;
  let repoId = '';
  beforeAll(async () => {
    owner = await setupOwner();
    repoId = (await createRepo(owner)).id;
    task = await createTask(owner, repoId);
    const profile = await createProfile(owner);
    room = fakeTaskRoom();
    viaRoom = owner.with(appWith({ TASK_ROOM: room.TASK_ROOM }));
    run = (await json<{ runs: Run[] }>(await viaRoom
      .post(`/v1/tasks/${task.id}/runs`, { attempts: [{ executor: 'patch-agent', modelProfileId: profile.id }] }), 201)).runs[0];
  });

  it('a cookie-authenticated POST from another origin is refused, JSON or text/plain', async () => {
    const before = await countRows('registration_tokens');
    await refused(await owner.post('/v1/runners/registration-tokens', {}, { origin: EVIL }));
    await refused(await owner.fetch('/v1/runners/registration-tokens', {
      method: 'POST', body: '{}', headers: { origin: EVIL, 'content-type': 'text/plain;charset=UTF-8' },
    }));
    await refused(await viaRoom.fetch(`/v1/runs/${run.id}/cancel`, {
      method: 'POST', body: 'x', headers: { origin: EVIL, 'content-type': 'text/plain' },
    }));
    await refused(await owner.fetch(`/v1/repos/${repoId}`, { method: 'DELETE', headers: { origin: EVIL } }));
    // A sandboxed frame or data: URL says "null"; a browser without Origin still says where it is.
    await refused(await owner.post('/v1/repos', { cloneUrl: 'https://example.com/n.git' }, { origin: 'null' }));
    await refused(await owner.post('/v1/repos', { cloneUrl: 'https://example.com/s.git' }, { 'sec-fetch-site': 'cross-site' }));
    await refused(await owner.post('/v1/repos', { cloneUrl: 'https://example.com/s.git' }, { 'sec-fetch-site': 'same-site' }));
    // Another port of the same host is another origin.
    await refused(await owner.post('/v1/repos', { cloneUrl: 'https://example.com/p.git' }, { origin: 'http://dursor.test:8080' }));
    expect(await countRows('registration_tokens')).toBe(before);
    expect(room.calls.cancelRun).toEqual([]);
    expect(await countRows('repos')).toBe(1);
  });

  it('signing in from another origin is refused too (no login CSRF)', async () => {
    await refused(await anonymous().post('/v1/auth/login', OWNER, { origin: EVIL }));
  });

  it('the same requests from dursor\'s own page work', async () => {
    const same = { origin: BASE, 'sec-fetch-site': 'same-origin' };
    expect((await owner.post('/v1/runners/registration-tokens', {}, same)).status).toBe(201);
    expect((await owner.post('/v1/runners/registration-tokens', {}, { origin: BASE })).status).toBe(201);
    expect((await owner.post('/v1/runners/registration-tokens', {}, { 'sec-fetch-site': 'same-origin' })).status).toBe(201);
    expect((await viaRoom.fetch(`/v1/runs/${run.id}/cancel`, { method: 'POST', headers: same })).status).toBe(200);
    expect(room.calls.cancelRun).toEqual([run.id]);
    expect((await anonymous().post('/v1/auth/login', OWNER, same)).status).toBe(200);
  });

  it('local development: the page\'s own origin, on 127.0.0.1 or localhost, http', async () => {
    for (const origin of ['http://127.0.0.1:8787', 'http://localhost:8787']) {
      const login = await fetchAt(origin, '/v1/auth/login', { method: 'POST', body: JSON.stringify(OWNER), headers: { origin, 'content-type': 'application/json' } });
      expect(login.status).toBe(200);
      const cookie = /dursor_session=[^;]*/.exec(login.headers.get('set-cookie') ?? '')![0];
      const token = await fetchAt(origin, '/v1/runners/registration-tokens', {
        method: 'POST', body: '{}', headers: { origin, cookie, 'content-type': 'application/json' },
      });
      expect(token.status).toBe(201);
      // The other loopback name is another origin to the browser, so to dursor.
      const other = origin.includes('localhost') ? 'http://127.0.0.1:8787' : 'http://localhost:8787';
      await refused(await fetchAt(origin, '/v1/runners/registration-tokens', {
        method: 'POST', body: '{}', headers: { origin: other, cookie, 'content-type': 'application/json' },
      }));
    }
  });

  it('bearer-authenticated callers need no Origin: API tokens, runners', async () => {
    const { token } = await json<{ token: string }>(await owner.post('/v1/auth/tokens', { name: 'script' }), 201);
    const script = client({ authorization: `Bearer ${token}` });
    expect((await script.post('/v1/repos', { cloneUrl: 'https://example.com/script.git' })).status).toBe(201);
    const reg = await json<{ registrationToken: { token: string } }>(await owner.post('/v1/runners/registration-tokens', {}), 201);
    expect((await anonymous().post('/v1/runners/register', { registrationToken: reg.registrationToken.token, name: 'r' })).status).toBe(201);
  });

  it('GET stays readable from a link or a prefetch (SameSite=Lax already keeps it to top-level navigations)', async () => {
    expect((await owner.fetch(`/v1/tasks/${task.id}`, { headers: { origin: EVIL, 'sec-fetch-site': 'cross-site' } })).status).toBe(200);
  });

  it('a socket upgrade from another origin is refused: the task socket and the feed', async () => {
    const before = room.calls.fetch.length;
    await refused(await viaRoom.fetch(`/v1/tasks/${task.id}/live?after=0`, { headers: { ...upgrade, origin: EVIL } }));
    await refused(await viaRoom.fetch(`/v1/tasks/${task.id}/live?after=0`, { headers: { ...upgrade, 'sec-fetch-site': 'cross-site', origin: EVIL } }));
    await refused(await owner.fetch('/v1/live', { headers: { ...upgrade, origin: EVIL } }));
    expect(room.calls.fetch.length).toBe(before);
  });

  it('a socket upgrade from dursor\'s own page opens', async () => {
    const res = await viaRoom.fetch(`/v1/tasks/${task.id}/live?after=0`, { headers: { ...upgrade, origin: BASE } });
    expect(res.status).toBe(101);
    res.webSocket?.accept();
    res.webSocket?.close();
    const feed = await owner.fetch('/v1/live', { headers: { ...upgrade, origin: BASE, 'sec-fetch-site': 'same-origin' } });
    expect(feed.status).toBe(101);
    feed.webSocket?.accept();
    feed.webSocket?.close();
  });
});

describe('JSON routes take only JSON bodies', () => {
  let owner: Client;
  beforeAll(async () => {
    owner = await setupOwner();
  });

  it('a non-JSON body on a JSON route is a 415, not read as {}', async () => {
    const before = await countRows('registration_tokens');
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await owner.fetch('/v1/runners/registration-tokens', { method: 'POST', body: '{}', headers: { 'content-type': type } });
      expect((await json<ApiErrorBody>(res, 415)).error).toEqual({
        code: 'unsupported_media_type', message: 'request body must be JSON (Content-Type: application/json)',
      });
    }
    const untyped = await owner.fetch('/v1/runners/registration-tokens', { method: 'POST', body: 'pool=evil' });
    expect(untyped.status).toBe(415);
    expect(await countRows('registration_tokens')).toBe(before);
  });

  it('JSON with a charset, or no body at all, still works', async () => {
    const typed = await owner.fetch('/v1/runners/registration-tokens', {
      method: 'POST', body: '{}', headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(typed.status).toBe(201);
    expect((await owner.fetch('/v1/runners/registration-tokens', { method: 'POST' })).status).toBe(201);
  });
});

describe('the session cookie', () => {
  it('over http (local development): dursor_session, HttpOnly, SameSite=Lax, not Secure', async () => {
    await setupOwner();
    const res = await anonymous().post('/v1/auth/login', OWNER);
    const set = res.headers.get('set-cookie') ?? '';
    expect(set).toMatch(/^dursor_session=[^;]+; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/);
  });

  it('over https (a deployment): __Host-dursor_session, Secure, and only that name signs in', async () => {
    await setupOwner();
    const login = await fetchAt('https://dursor.test', '/v1/auth/login', {
      method: 'POST', body: JSON.stringify(OWNER), headers: { 'content-type': 'application/json' },
    });
    const set = login.headers.get('set-cookie') ?? '';
    expect(set).toMatch(/^__Host-dursor_session=[^;]+; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    const value = /^__Host-dursor_session=([^;]+)/.exec(set)![1];
    const me = (cookie: string) => fetchAt('https://dursor.test', '/v1/auth/me', { headers: { cookie } });
    expect((await me(`__Host-dursor_session=${value}`)).status).toBe(200);
    // An unprefixed cookie could have been planted by a sibling host or over http: not trusted on https.
    expect((await me(`dursor_session=${value}`)).status).toBe(401);

    const logout = await fetchAt('https://dursor.test', '/v1/auth/logout', {
      method: 'POST', headers: { cookie: `__Host-dursor_session=${value}`, origin: 'https://dursor.test' },
    });
    expect(logout.status).toBe(200);
    expect(logout.headers.get('set-cookie')).toMatch(/^__Host-dursor_session=; Max-Age=0; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
  });
});

/** A request to the real Worker at another base URL than the helpers' (https, loopback names). */
async function fetchAt(base: string, path: string, init: RequestInit): Promise<Response> {
  return SELF.fetch(new Request(base + path, init));
}
