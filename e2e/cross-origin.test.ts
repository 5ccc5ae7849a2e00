/**
 * Issue 11 on the real `wrangler dev`: the cross-origin check compares a browser's `Origin` with
 * the host the request was made to, so it holds only if wrangler dev hands the Worker the host the
 * client used. Here the page's own origin works at 127.0.0.1 and at localhost (what `npm start`
 * prints and what a developer may type), a foreign one is refused for a POST and for the task's
 * socket, and callers that send no Origin (scripts, runners) go on working.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Client, ownerClient } from '../testkit/src/stack/client.ts';
import { startStack, type Stack } from '../testkit/src/stack/stack.ts';

const EVIL = 'https://evil.example';

/** What the upgrade answered: 101, or the refusal's status. */
function upgradeStatus(url: string, cookie: string, origin: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { cookie }, origin });
    ws.once('open', () => { ws.close(); resolve(101); });
    ws.once('unexpected-response', (_req, res) => { res.resume(); resolve(res.statusCode ?? 0); });
    ws.once('error', reject);
  });
}

describe('cross-origin requests on wrangler dev', () => {
  let stack: Stack;
  let owner: Client;
  let taskId = '';
  beforeAll(async () => {
    stack = await startStack();
    owner = await ownerClient(stack.url);
    const { repo } = await owner.ok('POST', '/v1/repos', { cloneUrl: 'http://127.0.0.1:9/x.git' });
    taskId = (await owner.ok('POST', '/v1/tasks', { repoId: repo.id, instruction: 'x' })).task.id;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('a POST from the page\'s own origin works at 127.0.0.1 and at localhost; a foreign one is 403', async () => {
    const port = new URL(stack.url).port;
    expect((await owner.req('POST', '/v1/runners/registration-tokens', {}, { origin: `http://127.0.0.1:${port}` })).status).toBe(201);
    expect((await owner.req('POST', '/v1/runners/registration-tokens', {}, { origin: `http://localhost:${port}` })).status).toBe(403);
    const local = new Client(`http://localhost:${port}`);
    local.cookie = owner.cookie;
    expect((await local.req('POST', '/v1/runners/registration-tokens', {}, { origin: `http://localhost:${port}` })).status).toBe(201);
    expect((await local.req('POST', '/v1/runners/registration-tokens', {}, { origin: `http://127.0.0.1:${port}` })).status).toBe(403);
    const evil = await owner.req('POST', '/v1/runners/registration-tokens', '{}', { origin: EVIL, 'content-type': 'text/plain' });
    expect(evil.status).toBe(403);
    expect(evil.body.error.code).toBe('cross_origin');
    // No Origin at all: a script with the cookie, as the other e2e tests are.
    expect((await owner.req('POST', '/v1/runners/registration-tokens', {})).status).toBe(201);
  });

  it('the task socket opens for the page\'s own origin and is refused for a foreign one', async () => {
    const ws = `${stack.url.replace(/^http/, 'ws')}/v1/tasks/${taskId}/live?after=0`;
    expect(await upgradeStatus(ws, owner.cookie, stack.url)).toBe(101);
    expect(await upgradeStatus(ws, owner.cookie, EVIL)).toBe(403);
    expect(await upgradeStatus(`${stack.url.replace(/^http/, 'ws')}/v1/live`, owner.cookie, EVIL)).toBe(403);
  });
});
