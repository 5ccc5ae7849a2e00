/**
 * The test side of a WebSocket to a Durable Object: accepts it, queues every JSON message, and
 * lets a test await the next message or the close, each with a bounded wait.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Msg = any;

export class TestSocket {
  readonly ws: WebSocket;
  readonly received: Msg[] = [];
  closed: { code: number; reason: string } | null = null;
  #read = 0;
  #waiters: (() => void)[] = [];

  constructor(ws: WebSocket) {
    this.ws = ws;
    ws.addEventListener('message', (e) => {
      this.received.push(JSON.parse(e.data as string));
      this.#wake();
    });
    ws.addEventListener('close', (e) => {
      this.closed = { code: e.code, reason: e.reason };
      this.#wake();
    });
    ws.accept();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  async #until<T>(ready: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = ready();
      if (value !== undefined) return value;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got ${JSON.stringify(this.received.slice(this.#read))}, closed=${JSON.stringify(this.closed)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  send(msg: unknown): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  /** The next unread message. */
  next(timeoutMs = 3000): Promise<Msg> {
    return this.#until(() => (this.#read < this.received.length ? this.received[this.#read++] : undefined), 'a message', timeoutMs);
  }

  /** Skip unread messages until one matches `type`. */
  async nextOfType(type: string, timeoutMs = 3000): Promise<Msg> {
    return this.#until(() => {
      while (this.#read < this.received.length) {
        const m = this.received[this.#read++];
        if (m.type === type) return m;
      }
      return undefined;
    }, `a ${type} message`, timeoutMs);
  }

  waitClose(timeoutMs = 3000): Promise<{ code: number; reason: string }> {
    return this.#until(() => this.closed ?? undefined, 'close', timeoutMs);
  }

  unread(): Msg[] {
    return this.received.slice(this.#read);
  }

  close(): void {
    try {
      this.ws.close(1000, 'test done');
    } catch {
      // already closed
    }
  }
}
