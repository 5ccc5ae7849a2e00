/**
 * A TCP proxy on 127.0.0.1 between a runner and its Worker (fake or real), so a test can cut the
 * network while both ends keep running: `dropAll` cuts every open connection (new ones are accepted
 * again at once); `outage(ms)` makes the Worker unreachable for a while — nothing listens on the
 * port (connects get ECONNREFUSED) until it listens again on the same port, and with `drop` every
 * open connection is cut first, like a Worker restart or a network gone; `blackhole()` makes every
 * open connection half-open — both sockets stay open, nothing is forwarded either way and nobody
 * hears a close (packets silently dropped by a NAT or middlebox that forgot the flow) — while new
 * connections are forwarded as usual.
 */
import net from 'node:net';

export interface TcpProxy {
  url: string;
  /** Destroys every open connection; new ones are accepted again. */
  dropAll(): number;
  /** Refuses connections for `ms` (and cuts the open ones first with `drop`); resolves once it accepts again. */
  outage(ms: number, opts?: { drop?: boolean }): Promise<void>;
  /**
   * Half-opens every open connection: from now on their bytes are read and discarded in both
   * directions, and neither end sees a FIN, RST or close. Returns how many connections it caught.
   */
  blackhole(): number;
  /** True while an outage refuses connections. */
  readonly refusing: boolean;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const pairs = new Set<[net.Socket, net.Socket]>();
  let refusing = false;
  let closed = false;
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, targetHost);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    sockets.add(client).add(upstream);
    pairs.add(pair);
    const cleanup = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
      pairs.delete(pair);
    };
    client.on('error', cleanup).on('close', cleanup);
    upstream.on('error', cleanup).on('close', cleanup);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const listen = (port: number) => new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  await listen(0);
  const { port } = server.address() as net.AddressInfo;
  const dropAll = () => {
    const n = sockets.size;
    for (const s of sockets) s.destroy();
    sockets.clear();
    return n;
  };
  const blackhole = () => {
    for (const [client, upstream] of pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      // Keep reading (and dropping) so neither side's writes ever block or fail: silence, not back-pressure.
      client.on('data', () => {});
      upstream.on('data', () => {});
    }
    const n = pairs.size;
    pairs.clear();
    return n;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    dropAll,
    blackhole,
    get refusing() {
      return refusing;
    },
    async outage(ms, opts = {}) {
      if (refusing) throw new Error('tcp-proxy: an outage is already under way');
      refusing = true;
      // close() stops listening at once (its callback would wait for open connections: not awaited).
      server.close();
      if (opts.drop) dropAll();
      await new Promise((r) => setTimeout(r, ms));
      refusing = false;
      if (!closed) await listen(port);
    },
    close: () => new Promise((r) => {
      closed = true;
      dropAll();
      if (!server.listening) return r();
      server.close(() => r());
    }),
  };
}
