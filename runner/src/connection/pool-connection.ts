/**
 * The runner's pool socket (`/v1/runners/connect`, docs/architecture.md §1): says `hello` on every connect
 * (with the runs still active, so a reconnect does not orphan them), receives `assign`, and
 * carries accept / reject / capacity. Each connection's fresh credential (`credential`) is saved
 * before it is used, then confirmed with `credentialSaved` (credential.ts). Redials with backoff;
 * protocolTooOld and unauthorized are terminal and reported through onTerminal. So is `replaced`
 * (another process connected with this credential) — unless this process has had its credential
 * rotated: then it redials with the one it saved and wins its place back from the copy
 * (worker/src/runner-pool/README.md, "Credential rotation").
 * A Worker whose welcome says `answersPing` is pinged, and a socket silent past
 * LIMITS.socketSilenceMs is dropped and redialled (watchdog.ts): a half-open socket would otherwise
 * leave the runner connected to nobody, forever.
 */
import { CLOSE_CODES, LIMITS, PROTOCOL_VERSION, decode, decodeIssue, type Assignment, type Backoff, type ExecutorId, type SandboxMode } from '../../../protocol/src/index.ts';
import type { RunnerCredential } from '../credential.ts';
import type { Logger } from '../log.ts';
import { SocketLoop } from './socket-loop.ts';
import type { WatchdogOptions } from './watchdog.ts';

export const RUNNER_VERSION = '0.1.0';
/** How long a replaced runner waits before it redials to win its place back (see onClose). */
const WIN_BACK_DELAY_MS = 2_000;

export interface PoolConnectionOptions {
  baseUrl: string;
  credential: RunnerCredential;
  name: string;
  slots: number;
  labels: string[];
  executors: ExecutorId[];
  /** How this runner seals its attempts, told to the Worker so the owner sees an unsandboxed runner. */
  sandbox: SandboxMode;
  log: Logger;
  activeRuns(): string[];
  onAssign(assignment: Assignment): void;
  onTerminal(reason: string): void;
  backoff?: Backoff;
  /** Default LIMITS.socketPingEveryMs / socketSilenceMs (tests shorten it). */
  watchdog?: WatchdogOptions;
}

const TERMINAL: Record<number, string> = {
  [CLOSE_CODES.protocolTooOld]: `the Worker refuses this runner's protocol version ${PROTOCOL_VERSION}; upgrade the runner`,
  [CLOSE_CODES.unauthorized]: 'the Worker refused the runner credential (unknown, revoked, or used from two places); register again with a new token',
  [CLOSE_CODES.replaced]: 'another runner process connected with this credential; this one stops',
};

export class PoolConnection {
  #o: PoolConnectionOptions;
  #loop: SocketLoop<'runnerToPool'>;
  #welcomed = false;
  #workerProtocol = 0;
  /** Counts pool sockets opened, so a confirm goes only on the socket that brought the credential. */
  #socketSeq = 0;

  constructor(o: PoolConnectionOptions) {
    this.#o = o;
    this.#loop = new SocketLoop({
      role: 'runnerToPool',
      url: `${o.baseUrl.replace(/^http/, 'ws')}/v1/runners/connect`,
      credential: o.credential,
      log: o.log,
      backoff: o.backoff,
      watchdog: o.watchdog ?? { pingEveryMs: LIMITS.socketPingEveryMs, silenceMs: LIMITS.socketSilenceMs },
      handlers: {
        onOpen: () => {
          this.#socketSeq++;
          this.#hello();
        },
        onMessage: (d) => this.#onMessage(d),
        onClose: (code, reason) => {
          this.#welcomed = false;
          const terminal = TERMINAL[code];
          if (!terminal) return 'reconnect';
          if (code === CLOSE_CODES.replaced && this.#o.credential.rotations > 0) {
            // Our saved credential is retired once whoever replaced us has saved theirs; presenting
            // it then wins the place back. Wait for that: come back too early and we merely replace
            // the copy in turn, and the Worker cannot tell the owner.
            this.#o.log.warn('another process connected with this runner\'s credential (a copy of its state file?); reconnecting to take the place back', { reason });
            return WIN_BACK_DELAY_MS;
          }
          this.#o.onTerminal(`${terminal} (close ${code}${reason ? `: ${reason}` : ''})`);
          return 'stop';
        },
      },
    });
  }

  get welcomed(): boolean {
    return this.#welcomed;
  }
  /** The protocol version of the Worker's last welcome (0 before any). */
  get workerProtocol(): number {
    return this.#workerProtocol;
  }
  get stopped(): Promise<void> {
    return this.#loop.stopped;
  }

  start(): void {
    this.#loop.start();
  }

  /** Stop taking work: close the socket for good (drain). */
  stop(reason = 'draining'): void {
    this.#loop.stop(1000, reason);
  }

  accept(runId: string): void {
    this.#loop.send({ type: 'accept', runId });
  }
  reject(runId: string, reason: string): void {
    this.#loop.send({ type: 'reject', runId, reason: reason.slice(0, 1000) });
  }
  sendCapacity(): void {
    this.#loop.send({ type: 'capacity', activeRuns: this.#o.activeRuns() });
  }

  #hello(): void {
    const o = this.#o;
    this.#loop.send({
      type: 'hello', protocolVersion: PROTOCOL_VERSION, name: o.name, executors: o.executors, slots: o.slots,
      labels: o.labels, activeRuns: o.activeRuns(), version: RUNNER_VERSION, sandbox: o.sandbox,
      ...(o.credential.rotates ? { rotatesCredential: true } : {}),
    });
  }

  #onMessage(data: string): void {
    const decoded = decode('poolToRunner', data);
    if (!decoded.ok) {
      this.#o.log.warn('bad message on pool socket, reconnecting', { error: (decodeIssue('poolToRunner', data) ?? decoded.reason).slice(0, 300) });
      return this.#loop.drop();
    }
    const msg = decoded.msg;
    if (msg.type === 'welcome') {
      this.#welcomed = true;
      this.#workerProtocol = msg.protocolVersion;
      this.#loop.keepAlive(msg.answersPing === true);
      this.#o.log.info('connected to pool', { runnerId: msg.runnerId, pool: msg.pool, protocolVersion: msg.protocolVersion });
    } else if (msg.type === 'credential') this.#rotate(msg.credential);
    else this.#o.onAssign(msg.assignment);
  }

  #rotate(next: string): void {
    const seq = this.#socketSeq;
    this.#o.credential.rotate(next).then(
      () => {
        // On a newer socket the Worker learns it from the dial itself (a saved, unconfirmed credential is accepted).
        if (seq === this.#socketSeq) this.#loop.send({ type: 'credentialSaved' });
        this.#o.log.info('runner credential rotated and saved');
      },
      (e) => this.#o.log.error('could not save the rotated runner credential; keeping the old one', { error: (e as Error)?.message }),
    );
  }
}
