/**
 * Numeric limits shared by Worker, runner and web. Every value cites why it exists.
 */
export const LIMITS = {
  /** Event batching on the runner (DESIGN §5): flush a frame every ≤100 ms, ≤100 events, ≤256 KiB. */
  batchMaxDelayMs: 100,
  batchMaxEvents: 100,
  batchMaxBytes: 256 * 1024,
  /** A single event's text is cut to this size so one frame always fits a WebSocket message (workerd: 1 MiB). */
  eventMaxTextBytes: 64 * 1024,
  /** The unified patch carried by a `result` event and stored in D1 (D1 row limit is 2 MB). */
  patchMaxBytes: 512 * 1024,
  /** Default lease for an assigned run; renewed by heartbeats every leaseMs/3 (DESIGN §6). */
  defaultLeaseMs: 30_000,
  /**
   * A leased run whose runner's run socket closed and did not come back within this time is
   * treated as lost at once instead of at lease expiry (issue 9: a killed runner's attempt runs
   * again elsewhere within seconds). Runners reconnect a dropped socket well inside it.
   */
  runSocketGraceMs: 5_000,
  /**
   * A queued run for an agent that no connected runner offers fails after waiting this long
   * (issue 9: it used to wait forever as "waiting for a runner with a free slot").
   */
  noRunnerWaitMs: 5 * 60_000,
  /** A run that loses its runner is re-queued at most this many times, then fails. */
  maxLostRetries: 2,
  /** Cancel: runner interrupts, waits this grace period, then kills the executor. */
  cancelGraceMs: 1_000,
  /** If the runner does not confirm a cancel within this time, TaskRoom ends the run itself. */
  cancelDeadlineMs: 5_000,
  /** File policy default: no file in a run's change may exceed this size. */
  defaultMaxFileBytes: 1024 * 1024,
  /** Patch agent defaults. */
  defaultMaxTurns: 30,
  defaultMaxTokens: 400_000,
  /** Request bodies over this size are refused with 413 before parsing. */
  maxRequestBodyBytes: 1024 * 1024,
  /**
   * A `turn` event (the patch agent's finished turn, for resuming a re-queued run) larger than this
   * is recorded as omitted: it must fit one frame (batchMaxBytes) beside other events.
   */
  turnEventMaxBytes: 128 * 1024,
  /** Assignment.resume is cut to the turns that fit in this (the assign message must stay well under workerd's 1 MiB). */
  resumeMaxBytes: 512 * 1024,
  /** Viewer replay is sent in chunks of this many events. */
  replayChunkEvents: 500,
  /**
   * The most one model answer may stream through the LLM gateway (issue 11). Past it the gateway
   * cuts the answer and stops that run (`failed`, "the model's answer exceeded …"). Without a bound
   * one 10 MB tool-call argument in one SSE event took `wrangler dev` down with every run on it; an
   * answer is what the gateway holds in memory at worst (the tee's backlog and the usage parser's
   * unfinished line), so this bounds it per call. 16 MiB: as much as the gateway takes in a request
   * (a whole conversation), far above any real answer (a 128k-token output is ~0.5 MB).
   */
  gatewayMaxResponseBytes: 16 * 1024 * 1024,
  /** Attempts per create call (sum of counts). */
  maxAttemptsPerRound: 16,
} as const;
