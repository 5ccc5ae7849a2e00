/**
 * Numeric limits shared by Worker, runner and web. Every value cites why it exists.
 */
export const LIMITS = {
  /** Event batching on the runner (docs/architecture.md §5): flush a frame every ≤100 ms, or once it holds ≤256 KiB of events. */
  batchMaxDelayMs: 100,
  batchMaxBytes: 256 * 1024,
  /** A single event's text is cut to this size so one frame always fits a WebSocket message (workerd: 1 MiB). */
  eventMaxTextBytes: 64 * 1024,

  // ---- The run socket's promises (issue 11): the runner's batcher keeps inside them, TaskRoom refuses a
  // frame outside them with CLOSE_CODES.badMessage and stores nothing of it (frame-limits.ts checks both). ----

  /**
   * Events in one frame. The batcher flushes at this count; TaskRoom stores a frame in one transaction
   * and acks it once, so the count bounds that transaction and the broadcast behind it (a hostile
   * frame of 15,000 events was one 15,000-row write before this).
   */
  frameMaxEvents: 100,
  /**
   * A frame message's UTF-8 bytes, checked before it is parsed (whatever the runtime lets through):
   * Cloudflare's documented WebSocket message limit of 1 MiB. The batcher's frames stay under it:
   * ≤ batchMaxBytes plus one merged text piece, or a single event ≤ eventMaxBytes.
   */
  frameMaxBytes: 1024 * 1024,
  /**
   * One event as stored: the UTF-8 bytes of its JSON (what event-log.ts writes as one SQLite row).
   * It must hold a `result` with a patchMaxBytes patch, JSON escaping and its file list, stay well
   * under SQLite's and D1's 2 MB row limit (over it the insert throws SQLITE_TOOBIG), and leave a
   * frame room for its envelope under frameMaxBytes.
   */
  eventMaxBytes: 768 * 1024,
  /**
   * How deep one event's JSON nests (the event object is level 1; `tool_call.input` is the only free
   * shape). Agents' tool inputs nest a handful of levels; depth, not size, is what makes recursive
   * readers throw (JSON.stringify in the browser, renderers): an input 400,000 levels deep was
   * stored and replayed before this.
   */
  eventMaxDepth: 32,
  /** The unified patch carried by a `result` event and stored in D1 (D1 row limit is 2 MB). */
  patchMaxBytes: 512 * 1024,
  /** Default lease for an assigned run; renewed by heartbeats every leaseMs/3 (docs/architecture.md §6). */
  defaultLeaseMs: 30_000,
  /**
   * A leased run whose runner's run socket closed and did not come back within this time is
   * treated as lost at once instead of at lease expiry (issue 9: a killed runner's attempt runs
   * again elsewhere within seconds). Runners reconnect a dropped socket well inside it.
   */
  runSocketGraceMs: 5_000,
  /**
   * The dead-peer watchdog of a runner's sockets, pool and run (issue 12): the runner sends
   * SOCKET_PING every socketPingEveryMs, the Worker's runtime answers SOCKET_PONG without waking the
   * RunnerPool or TaskRoom DO (a WebSocket auto-response: no timer and no duration in the DO), and
   * a socket that brought nothing at all — pong, welcome, assign, ack — for socketSilenceMs is
   * dropped and redialled. So a half-open socket (packets dropped, no FIN/RST, no close, e.g. a NAT
   * or a proxy that forgot the flow) is noticed within socketSilenceMs of going quiet, instead of
   * never: until then the pool hands this runner runs it never sees, and a run's frames and
   * heartbeats go nowhere while its lease runs out. Silence is three pings, so one or two late pongs (a busy
   * event loop, a congested link) are not a death; 15 s is half of defaultLeaseMs, so a runner is
   * back and taking runs — and a run socket re-attached, its lease renewed — well before a lease runs out. A ping every 5 s is ~17,000 tiny messages a day per runner, answered by the
   * runtime alone.
   */
  socketPingEveryMs: 5_000,
  socketSilenceMs: 15_000,
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
