import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import OpenAI from 'openai';
import { CLOSE_CODES, PROTOCOL_VERSION } from '../../protocol/src/index.ts';
import { startFakeOpenAI, startFakeWorker, type FakeOpenAI, type FakeWorker } from '../src/index.ts';

function open(url: string, credential: string): Promise<{ ws: WebSocket; inbox: any[]; closed: Promise<number> }> {
  const ws = new WebSocket(url, { headers: { authorization: `Bearer ${credential}` } });
  const inbox: any[] = [];
  ws.on('message', (d) => inbox.push(JSON.parse(String(d))));
  const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, inbox, closed }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

describe('fake worker', () => {
  let provider: FakeOpenAI;
  let worker: FakeWorker;
  let credential: string;
  beforeAll(async () => {
    provider = await startFakeOpenAI({ apiKey: 'sk-upstream', scenarios: [{ match: 'hi', turns: [{ text: 'hello back' }] }] });
    worker = await startFakeWorker({ upstream: provider.url, upstreamKey: 'sk-upstream' });
    const res = await fetch(`${worker.url}/v1/runners/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ registrationToken: worker.registrationToken, name: 'r1' }) });
    expect(res.status).toBe(201);
    credential = ((await res.json()) as { credential: string }).credential;
  });
  afterAll(async () => {
    await worker.close();
    await provider.close();
  });

  it('refuses a bad registration token and an unknown credential', async () => {
    const res = await fetch(`${worker.url}/v1/runners/register`, { method: 'POST', body: JSON.stringify({ registrationToken: 'nope', name: 'r' }) });
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).error.code).toBe('unauthorized');
    await expect(open(`${worker.url.replace('http', 'ws')}/v1/runners/connect`, 'drc_wrong')).rejects.toThrow('HTTP 401');
  });

  it('plays pool and run sockets: welcome, assign, stored frames with cumulative acks, cancel', async () => {
    const pool = await open(`${worker.url.replace('http', 'ws')}/v1/runners/connect`, credential);
    pool.ws.send(JSON.stringify({ type: 'hello', protocolVersion: PROTOCOL_VERSION, name: 'r1', executors: ['patch-agent'], slots: 1 }));
    await worker.waitFor(() => pool.inbox.find((m) => m.type === 'welcome'), 'welcome');
    const a = worker.assign({ cloneUrl: 'http://127.0.0.1:1/x.git', instruction: 'hi' });
    const assign = await worker.waitFor(() => pool.inbox.find((m) => m.type === 'assign'), 'assign');
    expect(assign.assignment.runId).toBe(a.runId);
    pool.ws.send(JSON.stringify({ type: 'accept', runId: a.runId }));
    await worker.waitFor(() => worker.poolMessages.find((m) => m.type === 'accept'), 'accept');

    const stale = await open(`${worker.url.replace('http', 'ws')}/v1/runs/${a.runId}/stream?assignment=9`, credential);
    expect(await stale.closed).toBe(CLOSE_CODES.staleAssignment);

    const run = await open(`${worker.url.replace('http', 'ws')}/v1/runs/${a.runId}/stream?assignment=1`, credential);
    await worker.waitFor(() => run.inbox.length > 0, 'attached');
    expect(run.inbox[0]).toEqual({ type: 'attached', lastFrame: 0, cancelRequested: false, answersPing: true });
    const ev = (text: string) => ({ runId: a.runId, ts: Date.now(), type: 'text', text });
    run.ws.send(JSON.stringify({ type: 'frame', frame: 1, events: [ev('a')] }));
    run.ws.send(JSON.stringify({ type: 'frame', frame: 1, events: [ev('a')] }));
    run.ws.send(JSON.stringify({ type: 'frame', frame: 2, events: [ev('b')] }));
    run.ws.send(JSON.stringify({ type: 'heartbeat' }));
    await worker.waitFor(() => worker.runs.get(a.runId)!.heartbeats === 1, 'heartbeat');
    const fr = worker.runs.get(a.runId)!;
    expect(fr.stored.map((f) => f.frame)).toEqual([1, 2]);
    expect(fr.received.length).toBe(3);
    const acks = await worker.waitFor(() => { const x = run.inbox.filter((m) => m.type === 'ack'); return x.length === 3 && x; }, '3 acks');
    expect(acks.map((m) => m.frame)).toEqual([1, 1, 2]);

    // LLM gateway: the run token opens the upstream, which sees only the upstream key.
    const client = new OpenAI({ baseURL: `${worker.url}/v1/llm/openai`, apiKey: a.runToken, maxRetries: 0 });
    const out = await client.chat.completions.create({ model: 'fake-model', messages: [{ role: 'user', content: 'hi' }] });
    expect(out.choices[0].message.content).toBe('hello back');
    expect(provider.requests.at(-1)?.headers.authorization).toBe('Bearer sk-upstream');
    expect(worker.llmRequests.at(-1)).toEqual({ runId: a.runId, provider: 'openai', path: '/chat/completions', status: 200 });
    const bad = new OpenAI({ baseURL: `${worker.url}/v1/llm/openai`, apiKey: 'drt_wrong', maxRetries: 0 });
    await expect(bad.chat.completions.create({ model: 'fake-model', messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);

    worker.cancel(a.runId, 'stop');
    await worker.waitFor(() => run.inbox.find((m) => m.type === 'cancel'), 'cancel');
    run.ws.send(JSON.stringify({ type: 'frame', frame: 4, events: [ev('gap')] }));
    expect(await run.closed).toBe(CLOSE_CODES.badMessage);
    expect(fr.violations).toEqual(['gap: got frame 4 after 2']);
    pool.ws.close();
  });

  it('answers GET /v1/git/credential to the runner holding the run, as the test set it, and counts the calls', async () => {
    const pool = await open(`${worker.url.replace('http', 'ws')}/v1/runners/connect`, credential);
    pool.ws.send(JSON.stringify({ type: 'hello', protocolVersion: PROTOCOL_VERSION, name: 'r1', executors: ['patch-agent'], slots: 3 }));
    await worker.waitFor(() => worker.hellos.length > 1 && pool.inbox.find((m) => m.type === 'welcome'), 'welcome');
    const withCreds = worker.assign({ cloneUrl: 'http://127.0.0.1:1/x.git', instruction: 'x', runId: 'run_cred', credentials: 'worker' });
    const other = worker.assign({ cloneUrl: 'http://127.0.0.1:1/x.git', instruction: 'x', runId: 'run_other', credentials: 'worker' });
    const none = worker.assign({ cloneUrl: 'http://127.0.0.1:1/x.git', instruction: 'x', runId: 'run_none' });
    expect(withCreds.repo.credentials).toBe('worker');
    expect(none.repo.credentials).toBe('none');
    const ask = async (a: { runId: string; assignment: number }, token = credential, assignment = a.assignment) => {
      const res = await fetch(`${worker.url}/v1/git/credential?runId=${a.runId}&assignment=${assignment}`, { headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, body: (await res.json()) as any };
    };

    // Nothing configured: 404 (no credentials); then per run, with '*' as the fallback.
    expect((await ask(withCreds)).status).toBe(404);
    worker.setGitCredential('run_cred', (call) => (call === 2 ? { status: 503 } : { username: 'x-access-token', password: `tok-${call}` }));
    worker.setGitCredential('*', () => ({ username: 'u', password: 'shared' }));
    expect(await ask(withCreds)).toEqual({ status: 503, body: { error: { code: 'unavailable', message: 'git credentials unavailable (fake 503)' } } });
    expect(await ask(withCreds)).toEqual({ status: 200, body: { username: 'x-access-token', password: 'tok-3' } });
    expect(await ask(other)).toEqual({ status: 200, body: { username: 'u', password: 'shared' } });
    // A run whose repo needs none gets 404 whatever is set.
    expect((await ask(none)).status).toBe(404);
    // The run token, an unknown credential: 401; another runner's credential or a stale assignment: 403.
    expect((await ask(withCreds, withCreds.runToken)).body.error.code).toBe('unauthorized');
    worker.credentials.add('drc_other_runner');
    expect((await ask(withCreds, 'drc_other_runner')).body.error.code).toBe('run_not_assigned');
    expect((await ask(withCreds, credential, withCreds.assignment + 1)).status).toBe(403);

    expect(worker.gitCredentialCalls('run_cred')).toBe(3);
    expect(worker.gitCredentialCalls('run_other')).toBe(1);
    expect(worker.gitCredentialRequests.map((r) => r.status)).toEqual([404, 503, 200, 200, 404, 401, 403, 403]);
    pool.ws.close();
  });
});
