/**
 * Messages between a runner and the Worker (docs/architecture.md §1, §5, §6).
 *
 * Two kinds of socket, both dialled by the runner with `Authorization: Bearer <runner credential>`:
 * - pool socket  `GET /v1/runners/connect`          → RunnerPool DO: hello, capacity, accept/reject ↔ welcome, assign
 * - run socket   `GET /v1/runs/:runId/stream?assignment=N` → TaskRoom DO: frame, heartbeat ↔ attached, ack, cancel
 *
 * Every message is JSON text, written with codec.ts `send` (typed by these schemas) and read with
 * codec.ts `decode` (parsed by them).
 */
import { z } from 'zod';
import { ExecutorId, ExecutorSpec } from './executors.ts';
import { RunEvent, TurnCall } from './events.ts';

// ---------- pool socket ----------

/**
 * The keep-alive pair of a runner's sockets, pool and run (LIMITS.socketPingEveryMs). Exact texts,
 * not schema messages: the Workers runtime matches the ping byte for byte and answers the pong
 * itself (`ctx.setWebSocketAutoResponse`), so neither ever reaches RunnerPool's or TaskRoom's code.
 * Not the run socket's `heartbeat`: that one renews the run's lease, so it must wake TaskRoom.
 */
export const SOCKET_PING = '{"type":"ping"}';
export const SOCKET_PONG = '{"type":"pong"}';

/**
 * Caps on one attempt's sandbox (issue 10). Every field is optional: a runner applies its own
 * default for what is missing, and the smaller value where it caps the same thing itself.
 */
export const SandboxLimits = z.object({
  wallClockSecs: z.number().int().positive().max(24 * 3600).optional(),
  maxProcesses: z.number().int().min(16).max(65_536).optional(),
  maxMemoryMb: z.number().int().min(256).max(1_048_576).optional(),
  maxCpuSecs: z.number().int().positive().max(24 * 3600).optional(),
  maxFileMb: z.number().int().positive().max(1_048_576).optional(),
  maxDiskMb: z.number().int().positive().max(10_485_760).optional(),
  maxOutputMb: z.number().int().positive().max(65_536).optional(),
});
export type SandboxLimits = z.infer<typeof SandboxLimits>;

/** A host an attempt may reach besides the gateway: `name`, `name:port` or `*.domain[:port]`. */
export const EgressHost = z.string().min(1).max(253).regex(/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/i, 'a host name, host:port or *.domain');

export const AttemptSandbox = z.object({
  allowedHosts: z.array(EgressHost).max(64).default([]),
  limits: SandboxLimits.default({}),
});
export type AttemptSandbox = z.infer<typeof AttemptSandbox>;

/** How a runner seals its attempts: srt (bubblewrap + a filtering proxy), or not at all (`--no-sandbox`). */
export const SandboxMode = z.enum(['srt', 'none']);
export type SandboxMode = z.infer<typeof SandboxMode>;

/**
 * What an earlier assignment of a run finished, for the assignment that continues it after its
 * runner was lost (built by TaskRoom from the run's `turn` events). The patch agent replays the
 * turns' tool calls on its fresh workspace and seeds its conversation with them instead of asking
 * the model again; CLI executors cannot (their sessions live on the lost machine) and start over.
 * Present on every claim of a run an earlier assignment started, even with no turns.
 * Bounded by LIMITS.resumeMaxBytes: TaskRoom keeps the longest prefix of turns that fits.
 */
export const ResumeTurn = z.object({
  text: z.string(),
  calls: z.array(TurnCall).min(1).max(256),
  tokens: z.number().int().nonnegative().optional(),
});
export type ResumeTurn = z.infer<typeof ResumeTurn>;
export const Resume = z.object({
  /** Turns 1..n, oldest first. */
  turns: z.array(ResumeTurn).max(10_000),
  /** The workspace commit the turns were made on. */
  baseCommit: z.string().max(64).optional(),
  /** How many finished turns were left out (past the size bound, or after a turn too large to record). */
  turnsLeftOut: z.number().int().nonnegative().optional(),
});
export type Resume = z.infer<typeof Resume>;

export const Hello = z.object({
  type: z.literal('hello'),
  protocolVersion: z.number().int().positive(),
  name: z.string().min(1).max(100),
  executors: z.array(ExecutorId),
  slots: z.number().int().min(1).max(64),
  labels: z.array(z.string().max(64)).max(32).default([]),
  /** Runs this runner is still working on (after a pool-socket reconnect). */
  activeRuns: z.array(z.string()).default([]),
  version: z.string().max(64).optional(),
  /** Absent from older runners: treated as unknown, not as sandboxed. */
  sandbox: SandboxMode.optional(),
  /**
   * The runner keeps a rotated credential (issue 11): it persists the one a `credential` message
   * brings, then says `credentialSaved`. Absent from older runners, which are never rotated.
   */
  rotatesCredential: z.boolean().optional(),
});
export type Hello = z.infer<typeof Hello>;

/** Sent whenever the runner's set of active runs changes. */
export const Capacity = z.object({
  type: z.literal('capacity'),
  activeRuns: z.array(z.string()),
});
export type Capacity = z.infer<typeof Capacity>;

export const Accept = z.object({ type: z.literal('accept'), runId: z.string() });
export const Reject = z.object({ type: z.literal('reject'), runId: z.string(), reason: z.string().max(1000) });

/** The runner has persisted the credential the last `credential` message brought, and uses it from now on. */
export const CredentialSaved = z.object({ type: z.literal('credentialSaved') });

export const RunnerToPool = z.discriminatedUnion('type', [Hello, Capacity, Accept, Reject, CredentialSaved]);
export type RunnerToPool = z.infer<typeof RunnerToPool>;

export const Assignment = z.object({
  runId: z.string(),
  taskId: z.string(),
  /** Increments every time the run is (re)assigned; frames of an older assignment are refused. */
  assignment: z.number().int().positive(),
  /** 1-based attempt number within its round (for display). */
  attempt: z.number().int().positive(),
  repo: z.object({
    cloneUrl: z.string(),
    /** Branch or commit the workspace starts from. */
    baseRef: z.string(),
    /**
     * worker: the remote needs credentials; the runner's isomorphic-git `onAuth` fetches them
     * from `GET /v1/git/credential` with its runner credential, each time it needs them (tokens expire).
     */
    credentials: z.enum(['none', 'worker']).default('none'),
  }),
  /** Branch the runner pushes to: `dursor/<task-id>/<run-id>`. */
  branch: z.string(),
  instruction: z.string(),
  /**
   * The conversation before `instruction` (oldest first), for executors that cannot resume a
   * session: they start fresh with it as context.
   */
  history: z.array(z.object({ role: z.enum(['user', 'assistant']), content: z.string() })).default([]),
  executor: ExecutorSpec,
  /** Short-lived token for the Worker's LLM gateway, scoped to this run. */
  runToken: z.string(),
  limits: z.object({
    maxTurns: z.number().int().positive(),
    maxTokens: z.number().int().positive(),
    maxFileBytes: z.number().int().positive(),
  }),
  leaseMs: z.number().int().positive(),
  /** Set when an earlier assignment of this run got as far as running (protocol 2, additive). */
  resume: Resume.optional(),
  /** What the attempt's sandbox lets through beyond the runner's defaults (the repo's settings; additive). */
  sandbox: AttemptSandbox.optional(),
  /** The repository allows the run to change `.github/workflows/` (its setting, issue 11; absent = no). */
  allowWorkflowChanges: z.boolean().optional(),
  /**
   * The deployment's DURSOR_ALLOW_PRIVATE_URLS (issue 11): whether the runner's git connections may
   * reach loopback, private and other special addresses (local development). Absent from older
   * Workers: refused, the safe side.
   */
  allowPrivateAddresses: z.boolean().default(false),
});
export type Assignment = z.infer<typeof Assignment>;

export const Welcome = z.object({
  type: z.literal('welcome'),
  runnerId: z.string(),
  pool: z.string(),
  protocolVersion: z.number().int(),
  /**
   * The Worker answers SOCKET_PING with SOCKET_PONG on this socket (issue 12, additive): the runner
   * pings and drops a silent socket (LIMITS.socketSilenceMs). Absent from older Workers, which would
   * close the socket on a ping they cannot parse: the runner does not ping them.
   */
  answersPing: z.boolean().optional(),
});
export const Assign = z.object({ type: z.literal('assign'), assignment: Assignment });
/**
 * This connection's fresh runner credential (after `welcome`, to runners whose hello says
 * `rotatesCredential`). The one the runner dialled with dies once it answers `credentialSaved`.
 */
export const RotateCredential = z.object({ type: z.literal('credential'), credential: z.string().min(1).max(200) });

export const PoolToRunner = z.discriminatedUnion('type', [Welcome, Assign, RotateCredential]);
export type PoolToRunner = z.infer<typeof PoolToRunner>;

// ---------- run socket ----------

export const Frame = z.object({
  type: z.literal('frame'),
  /** Per-assignment frame number, 1, 2, 3, … Frames ≤ the last stored one are acked and ignored. */
  frame: z.number().int().positive(),
  events: z.array(RunEvent).min(1),
});
export type Frame = z.infer<typeof Frame>;

export const Heartbeat = z.object({ type: z.literal('heartbeat') });

export const RunnerToRoom = z.discriminatedUnion('type', [Frame, Heartbeat]);
export type RunnerToRoom = z.infer<typeof RunnerToRoom>;

/** First message on a run socket: what TaskRoom already holds, and whether cancel is pending. */
export const Attached = z.object({
  type: z.literal('attached'),
  lastFrame: z.number().int().nonnegative(),
  cancelRequested: z.boolean(),
  /** As Welcome.answersPing, for the run socket (TaskRoom answers through the same auto-response). */
  answersPing: z.boolean().optional(),
});
/** Cumulative: every frame ≤ `frame` is stored. */
export const Ack = z.object({ type: z.literal('ack'), frame: z.number().int().nonnegative() });
export const Cancel = z.object({ type: z.literal('cancel'), reason: z.string() });

export const RoomToRunner = z.discriminatedUnion('type', [Attached, Ack, Cancel]);
export type RoomToRunner = z.infer<typeof RoomToRunner>;
