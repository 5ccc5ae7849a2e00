/**
 * Fake Worker for runner tests: a real HTTP + WebSocket server (ws) on 127.0.0.1 that plays the
 * Worker's side of the runner protocol —
 *   POST /v1/runners/register            registration token → runner credential
 *   GET  /v1/runners/connect   (ws)      pool socket: hello → welcome, assign pushed by the test;
 *                                        SOCKET_PING answered with SOCKET_PONG, like the Worker's
 *                                        runtime auto-response (not recorded as a pool message)
 *   GET  /v1/runs/:id/stream   (ws)      run socket: see fake-run-room.ts
 *   GET  /v1/git/credential?runId&assignment   runner credential of the runner holding that
 *                                        assignment → the run's git credential, as the test set it
 *   *    /v1/llm/{openai,anthropic,google}/*   forwarded to that provider's upstream with the run
 *                                        token swapped for a key (fake-llm-proxy.ts)
 * Everything received is recorded for assertions; `waitFor` awaits a condition.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  CLOSE_CODES, LIMITS, PROTOCOL_VERSION, RegisterRunnerRequest, SOCKET_PING, SOCKET_PONG, decode, send,
  type Assignment, type ExecutorSpec, type GitCredential, type Hello, type Incoming,
} from '../../protocol/src/index.ts';
import { attachRunSocket, newFakeRun, sendAck, sendCancel, type AckMode, type FakeRun } from './fake-run-room.ts';
import { forwardLlm, LLM_PROVIDERS, type LlmLogEntry, type LlmProvider } from './fake-llm-proxy.ts';
import { Changes } from './changes.ts';
import { executorFor } from './fake-executor.ts';
import type { Maybe } from './wait.ts';

export type { AckMode, FakeRun, LlmLogEntry, LlmProvider };
export interface FakeWorkerOptions {
  /** Upstream for /v1/llm/openai/* (e.g. the fake provider's url, http://127.0.0.1:PORT/v1); same as `upstreams.openai`. */
  upstream?: string;
  /**
   * Upstream per gateway route, each a fake provider's `url`: openai `http://127.0.0.1:P/v1`,
   * anthropic and google `http://127.0.0.1:P` (the route's rest, e.g. `/v1/messages`, is appended).
   */
  upstreams?: Partial<Record<LlmProvider, string>>;
  /** Key sent upstream instead of the run token (every provider). */
  upstreamKey?: string;
  registrationToken?: string;
  /** Runners with a lower hello.protocolVersion are closed with CLOSE_CODES.protocolTooOld. */
  minProtocol?: number;
  /** The protocol version the welcome says (default PROTOCOL_VERSION): an older Worker refuses frames with event types it does not know. */
  protocolVersion?: number;
  leaseMs?: number;
  /** How an unknown credential is refused on a socket: HTTP 401 on the upgrade, or close 4003. */
  unauthorized?: 'http' | 'close';
  /**
   * How a run socket for an unknown run or a stale assignment is refused: close 4409, or on the
   * upgrade as TaskRoom does (HTTP 404 for an unknown run, 409 for a stale assignment).
   */
  staleRun?: 'close' | 'http';
  /**
   * Rotate runner credentials like the Worker (issue 11): a hello with `rotatesCredential` gets a
   * fresh credential (valid at once, like a pending one); `credentialSaved` retires the one the
   * socket was dialled with.
   */
  rotateCredentials?: boolean;
  /**
   * Whether pool and run sockets answer SOCKET_PING (default true, as today's Worker does). false
   * plays an older Worker: no `answersPing` in welcome or attached, and a ping is a bad message (4400).
   */
  answersPing?: boolean;
}
export interface AssignInput {
  cloneUrl: string;
  instruction: string;
  runId?: string;
  taskId?: string;
  baseRef?: string;
  branch?: string;
  model?: string;
  /**
   * Merged over the default `{ id: 'patch-agent', provider: 'openai-compatible', model, gatewayPath: '/v1/llm/openai' }`;
   * the default provider follows the id (claude-code → anthropic, codex → openai, gemini-cli → google,
   * cursor-agent → cursor) and the default gatewayPath follows the provider.
   */
  executor?: Partial<ExecutorSpec>;
  /** Conversation before the instruction. */
  history?: Assignment['history'];
  limits?: Partial<Assignment['limits']>;
  leaseMs?: number;
  /** worker: the runner fetches git credentials from `GET /v1/git/credential` (default none). */
  credentials?: Assignment['repo']['credentials'];
  /** What earlier assignments finished (as TaskRoom builds it from `turn` events). */
  resume?: Assignment['resume'];
  /** The repository's workflow allowance (issue 11); absent = off, as for an older Worker. */
  allowWorkflowChanges?: boolean;
  /**
   * The run's sockets are upgraded but never `attached` and get no close: what a runner saw when
   * TaskRoom closed a refused socket before returning its 101 (issue 11).
   */
  neverAttach?: boolean;
  /**
   * The deployment's DURSOR_ALLOW_PRIVATE_URLS as the assignment carries it. Default true: the fake
   * world (git servers, this fake) lives on 127.0.0.1, like local development.
   */
  allowPrivateAddresses?: boolean;
}
/** What `GET /v1/git/credential` answers: the credential, 404 (null), or an error status. */
export type GitCredentialAnswer = GitCredential | null | { status: number };
/** runId null: refused before the run was looked at (no runner credential, or not the run's runner). */
export interface GitCredentialRequest { runId: string | null; status: number }
export interface FakeWorker {
  url: string;
  registrationToken: string;
  registrations: Array<{ name: string; labels: string[]; runnerId: string; credential: string }>;
  /** Valid runner credentials (registration adds to it; tests may add more). */
  credentials: Set<string>;
  hellos: Hello[];
  /** The credential each pool socket was dialled with, in order. */
  poolDials: string[];
  /** Credentials handed out by rotation, in order (rotateCredentials). */
  rotatedTo: string[];
  /** Every pool message received (hello, accept, reject, capacity), in order. */
  poolMessages: Array<Incoming<'runnerToPool'>>;
  /** Every pool message refused (the socket closed with this code and reason), in order. */
  poolRefusals: Array<{ code: number; reason: string }>;
  poolConnections: number;
  /** SOCKET_PINGs received on pool sockets. */
  poolPings: number;
  runs: Map<string, FakeRun>;
  llmRequests: LlmLogEntry[];
  /** Every `GET /v1/git/credential`, in order (runId null: refused, not the runner holding the run). */
  gitCredentialRequests: GitCredentialRequest[];
  /**
   * Sets what `GET /v1/git/credential` answers for a run ('*': runs without their own);
   * `call` counts that run's requests from 1. Runs with `credentials: 'none'` always get 404.
   * Only the runner the run was assigned to (its pool socket's credential), naming the current
   * assignment of an unfinished run, is answered; anyone else gets 401 / 403, like the Worker.
   */
  setGitCredential(runId: string, answer: (call: number) => GitCredentialAnswer): void;
  /** How many times the run asked for its git credential. */
  gitCredentialCalls(runId: string): number;
  /** Builds an assignment, records the run and pushes `assign` on the live pool socket. */
  assign(input: AssignInput): Assignment;
  cancel(runId: string, reason?: string): void;
  setAckMode(runId: string, mode: AckMode): void;
  /** Abrupt drop (no close frame), like a network failure. */
  dropRunSocket(runId: string): void;
  /** Makes the run's current assignment stale: bumps its number and closes its socket with 4409. */
  staleAssignment(runId: string): void;
  dropPoolSocket(code?: number, reason?: string): void;
  /** Points a gateway route at another upstream from now on (undefined: none, the route answers 502). */
  setUpstream(provider: LlmProvider, url: string | undefined): void;
  waitFor<T>(check: () => Maybe<T>, what: string, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: object) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const apiError = (res: ServerResponse, status: number, code: string, message: string) => json(res, status, { error: { code, message } });
const bearer = (req: IncomingMessage) => /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';

export async function startFakeWorker(opts: FakeWorkerOptions = {}): Promise<FakeWorker> {
  const changes = new Changes();
  const registrationToken = opts.registrationToken ?? `drr_fake_${randomBytes(8).toString('hex')}`;
  const runTokens = new Map<string, string>(); // token → runId
  const upstreams: Partial<Record<LlmProvider, string>> = { openai: opts.upstream, ...opts.upstreams };
  const gitCredentials = new Map<string, (call: number) => GitCredentialAnswer>();
  /** runId → the runner credential of the pool socket the run was assigned on. */
  const holders = new Map<string, string>();
  let pool: WebSocket | undefined;
  let poolCredential = '';
  let poolReady = false;
  let counter = 0;

  const fw: FakeWorker = {
    url: '', registrationToken, registrations: [], credentials: new Set(), hellos: [], poolDials: [], rotatedTo: [], poolMessages: [], poolRefusals: [],
    poolConnections: 0, poolPings: 0, runs: new Map(), llmRequests: [], gitCredentialRequests: [],
    setGitCredential(runId, answer) {
      gitCredentials.set(runId, answer);
    },
    gitCredentialCalls: (runId) => fw.gitCredentialRequests.filter((r) => r.runId === runId).length,
    assign(input) {
      if (!pool || !poolReady) throw new Error('fake-worker: no runner is connected (no hello yet)');
      const runId = input.runId ?? `run_${++counter}`;
      const taskId = input.taskId ?? 'task_1';
      const previous = fw.runs.get(runId);
      const runToken = `drt_fake_${randomBytes(12).toString('hex')}`;
      runTokens.set(runToken, runId);
      const assignment: Assignment = {
        runId, taskId, assignment: (previous?.assignment.assignment ?? 0) + 1, attempt: 1,
        repo: { cloneUrl: input.cloneUrl, baseRef: input.baseRef ?? 'main', credentials: input.credentials ?? 'none' },
        branch: input.branch ?? `dursor/${taskId}/${runId}`,
        instruction: input.instruction,
        history: input.history ?? [],
        executor: executorFor(input),
        runToken,
        limits: { maxTurns: LIMITS.defaultMaxTurns, maxTokens: LIMITS.defaultMaxTokens, maxFileBytes: LIMITS.defaultMaxFileBytes, ...input.limits },
        leaseMs: input.leaseMs ?? opts.leaseMs ?? LIMITS.defaultLeaseMs,
        ...(input.resume ? { resume: input.resume } : {}),
        ...(input.allowWorkflowChanges !== undefined ? { allowWorkflowChanges: input.allowWorkflowChanges } : {}),
        allowPrivateAddresses: input.allowPrivateAddresses ?? true,
      };
      fw.runs.set(runId, { ...newFakeRun(assignment), neverAttach: input.neverAttach ?? false });
      holders.set(runId, poolCredential);
      send(pool, 'poolToRunner', { type: 'assign', assignment });
      return assignment;
    },
    cancel(runId, reason = 'cancelled by user') {
      sendCancel(mustRun(runId), reason);
    },
    setAckMode(runId, mode) {
      const run = mustRun(runId);
      run.ackMode = mode;
      if (mode === 'auto') sendAck(run);
    },
    dropRunSocket(runId) {
      mustRun(runId).socket?.terminate();
    },
    staleAssignment(runId) {
      const run = mustRun(runId);
      run.assignment = { ...run.assignment, assignment: run.assignment.assignment + 1 };
      run.socket?.close(CLOSE_CODES.staleAssignment, 'assignment is stale');
    },
    dropPoolSocket(code, reason) {
      if (code === undefined) pool?.terminate();
      else pool?.close(code, reason);
    },
    setUpstream(provider, url) {
      upstreams[provider] = url;
    },
    waitFor: (check, what, timeoutMs) => changes.waitFor(check, what, timeoutMs),
    async close() {
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const mustRun = (runId: string) => {
    const run = fw.runs.get(runId);
    if (!run) throw new Error(`fake-worker: unknown run ${runId}`);
    return run;
  };

  async function register(req: IncomingMessage, res: ServerResponse) {
    let body: unknown;
    try {
      let raw = '';
      for await (const c of req) raw += c;
      body = JSON.parse(raw);
    } catch {
      return apiError(res, 400, 'bad_json', 'request body is not valid JSON');
    }
    const parsed = RegisterRunnerRequest.safeParse(body);
    if (!parsed.success) return apiError(res, 400, 'invalid_request', parsed.error.issues[0]?.message ?? 'invalid');
    if (parsed.data.registrationToken !== registrationToken) return apiError(res, 401, 'unauthorized', 'registration token is invalid or expired');
    const runnerId = `rnr_${fw.registrations.length + 1}`;
    const credential = `drc_fake_${randomBytes(12).toString('hex')}`;
    fw.registrations.push({ name: parsed.data.name, labels: parsed.data.labels, runnerId, credential });
    fw.credentials.add(credential);
    changes.notify();
    json(res, 201, { runnerId, credential, pool: 'default' });
  }

  /**
   * The Worker's `GET /v1/git/credential`: the runner's own credential and the run it holds pick
   * the run (a run token is refused), the test's answer decides.
   */
  function gitCredential(req: IncomingMessage, res: ServerResponse) {
    const q = new URL(req.url ?? '/', 'http://x').searchParams;
    const cred = bearer(req);
    const asked = fw.runs.get(q.get('runId') ?? '');
    const holds = asked && holders.get(asked.assignment.runId) === cred && !asked.result
      && String(asked.assignment.assignment) === q.get('assignment');
    const runId = holds ? asked.assignment.runId : null;
    const call = runId ? fw.gitCredentialCalls(runId) + 1 : 0;
    const answer = (status: number, body: object) => {
      fw.gitCredentialRequests.push({ runId, status });
      changes.notify();
      json(res, status, body);
    };
    if (!fw.credentials.has(cred)) return answer(401, { error: { code: 'unauthorized', message: 'runner routes need Authorization: Bearer <runner credential (drc_…)>' } });
    if (!runId) return answer(403, { error: { code: 'run_not_assigned', message: 'this run is not assigned to this runner now' } });
    const run = fw.runs.get(runId);
    const provider = gitCredentials.get(runId) ?? gitCredentials.get('*');
    const a = run?.assignment.repo.credentials === 'worker' && provider ? provider(call) : null;
    if (a === null) return answer(404, { error: { code: 'not_found', message: "this run's repo needs no credentials" } });
    if ('status' in a) return answer(a.status, { error: { code: 'unavailable', message: `git credentials unavailable (fake ${a.status})` } });
    answer(200, { username: a.username, password: a.password });
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'POST' && path === '/v1/runners/register') return void register(req, res);
    if (req.method === 'GET' && path === '/v1/git/credential') return gitCredential(req, res);
    const llm = /^\/v1\/llm\/([a-z]+)(\/.*)?$/.exec(path);
    const provider = LLM_PROVIDERS.find((p) => p === llm?.[1]);
    if (llm && provider) {
      const rest = (req.url ?? '/').slice(`/v1/llm/${provider}`.length) || '/';
      return void forwardLlm(req, res, { provider, path: rest, runTokens, runs: fw.runs, upstream: upstreams[provider], upstreamKey: opts.upstreamKey ?? 'sk-fake-upstream', log: fw.llmRequests });
    }
    apiError(res, 404, 'not_found', `no route for ${req.method} ${path}`);
  });
  const wss = new WebSocketServer({ noServer: true });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const authorized = fw.credentials.has(bearer(req));
    if (!authorized && opts.unauthorized !== 'close') {
      socket.end('HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{"error":{"code":"unauthorized","message":"runner credential required"}}');
      return;
    }
    const runMatch = /^\/v1\/runs\/([^/]+)\/stream$/.exec(url.pathname);
    if (url.pathname !== '/v1/runners/connect' && !runMatch) return void socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
    if (runMatch && authorized && opts.staleRun === 'http') {
      const run = fw.runs.get(decodeURIComponent(runMatch[1]));
      if (!run) {
        changes.notify();
        return void socket.end('HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{"error":{"code":"not_found","message":"this task room does not know the run"}}');
      }
      if (run.assignment.assignment !== Number(url.searchParams.get('assignment'))) {
        changes.notify();
        return void socket.end('HTTP/1.1 409 Conflict\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{"error":{"code":"stale_assignment","message":"assignment is not current"}}');
      }
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (!authorized) return ws.close(CLOSE_CODES.unauthorized, 'unauthorized');
      if (runMatch) return onRunSocket(ws, decodeURIComponent(runMatch[1]), Number(url.searchParams.get('assignment')));
      onPoolSocket(ws, bearer(req));
    });
  });

  function onRunSocket(ws: WebSocket, runId: string, assignment: number) {
    const run = fw.runs.get(runId);
    if (!run || run.assignment.assignment !== assignment) {
      ws.close(CLOSE_CODES.staleAssignment, 'assignment is not current');
      return changes.notify();
    }
    if (run.neverAttach) {
      run.sockets++;
      run.socket = ws;
      return changes.notify();
    }
    attachRunSocket(run, ws, changes, opts.answersPing ?? true);
    changes.notify();
  }

  function onPoolSocket(ws: WebSocket, credential: string) {
    if (pool && pool.readyState === pool.OPEN) pool.close(CLOSE_CODES.replaced, 'replaced');
    pool = ws;
    poolReady = false;
    poolCredential = credential;
    fw.poolDials.push(credential);
    fw.poolConnections++;
    let issued: string | undefined;
    const answersPing = opts.answersPing ?? true;
    ws.on('message', (data) => {
      // The watchdog's keep-alive: a raw text answered like the RunnerPool's auto-response, never decoded.
      if (answersPing && String(data) === SOCKET_PING) {
        fw.poolPings++;
        return ws.send(SOCKET_PONG);
      }
      // Read as the RunnerPool reads it: the same decode, so the same refusal (close code and reason).
      const decoded = decode('runnerToPool', String(data), { minRunnerProtocol: opts.minProtocol });
      if (!decoded.ok) {
        fw.poolRefusals.push({ code: decoded.code, reason: decoded.reason });
        ws.close(decoded.code, decoded.reason);
        return changes.notify();
      }
      const msg = decoded.msg;
      fw.poolMessages.push(msg);
      if (msg.type === 'hello') {
        fw.hellos.push(msg);
        send(ws, 'poolToRunner', {
          type: 'welcome', runnerId: 'rnr_fake', pool: 'default', protocolVersion: opts.protocolVersion ?? PROTOCOL_VERSION,
          ...(answersPing ? { answersPing: true } : {}),
        });
        if (opts.rotateCredentials && msg.rotatesCredential) {
          issued = `drc_fake_rotated_${randomBytes(12).toString('hex')}`;
          fw.credentials.add(issued);
          fw.rotatedTo.push(issued);
          send(ws, 'poolToRunner', { type: 'credential', credential: issued });
        }
        if (pool === ws) poolReady = true;
      }
      if (msg.type === 'credentialSaved' && issued) {
        fw.credentials.delete(credential);
        for (const [runId, holder] of holders) if (holder === credential) holders.set(runId, issued);
        if (pool === ws) poolCredential = issued;
        issued = undefined;
      }
      changes.notify();
    });
    ws.on('close', () => {
      if (pool === ws) [pool, poolReady] = [undefined, false];
      changes.notify();
    });
    changes.notify();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fw.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fw;
}
