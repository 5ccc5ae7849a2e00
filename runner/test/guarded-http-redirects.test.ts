/**
 * Redirects and rebinding in deployment mode (issue 11). Deployment mode may only reach public
 * addresses, and every test server is local — so the probe (fixtures/redirect-probe.ts) runs in a
 * network namespace of its own (`unshare -rn`, as the agents' sandbox uses user namespaces) whose
 * loopback also carries a public address, 1.2.3.4, that exists nowhere else. Its "public" server
 * redirects to private places; its private server on 127.0.0.1 counts every request it gets.
 * The same probe with isomorphic-git's stock client is the control: it shows the hole the check closes.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const PUBLIC = '1.2.3.4';
const probe = join(import.meta.dirname, 'fixtures', 'redirect-probe.ts');

interface ProbeOutput { results: Record<string, string>; privateHits: string[]; authSeen: Record<string, string | null>; rebindCalls: number; P: number; T: number }

function runProbe(client: 'guarded' | 'stock'): ProbeOutput {
  const script = `ip link set lo up && ip addr add ${PUBLIC}/32 dev lo && exec "$0" "$1" "$2" "$3"`;
  const out = execFileSync('unshare', ['-rn', 'sh', '-c', script, process.execPath, probe, PUBLIC, client], {
    encoding: 'utf8', timeout: 30_000,
    env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin:/bin`, NODE_EXTRA_CA_CERTS: join(import.meta.dirname, 'fixtures', 'tls', 'cert.pem') },
  });
  return JSON.parse(out) as ProbeOutput;
}

const REFUSED = /^error: policy: host .* (is a local or private address|resolves to 127\.0\.0\.1)/;

describe('guarded git HTTP in deployment mode: redirects and rebinding', () => {
  let guarded: ProbeOutput;
  beforeAll(() => {
    guarded = runProbe('guarded');
  });

  it('never follows a redirect to a private address, however it is spelled', () => {
    const { results, privateHits } = guarded;
    for (const path of ['/to-loopback', '/to-name', '/to-mapped', '/to-decimal', '/to-localhost', '/to-nat64']) {
      expect(results[path], path).toMatch(REFUSED);
    }
    // isomorphic-git itself, discovering refs through a redirect to 127.0.0.1:
    expect(results['git redirect']).toMatch(REFUSED);
    expect(privateHits).toEqual([]);
    // A redirect to a public place is followed; a redirect loop ends.
    expect(results['/to-public']).toBe('200 public ok');
    expect(results['/loop']).toMatch(/^error: too many redirects/);
  });

  it('checks each connection\'s own answer: a name that rebinds to 127.0.0.1 is refused the second time', () => {
    const { results, privateHits, rebindCalls } = guarded;
    expect(results['rebind 1']).toBe('200 public ok');
    expect(results['rebind 2']).toMatch(/^error: policy: host rebind\.example\.test resolves to 127\.0\.0\.1/);
    expect(rebindCalls).toBe(2);
    expect(privateHits).toEqual([]);
  });

  it('does not carry credentials to another host', () => {
    const { results, authSeen, P } = guarded;
    expect(results['/to-other-host']).toBe('200 echo');
    expect(authSeen).toEqual({ [`other.example.test:${P}`]: null });
  });

  it('over TLS connects to the checked address yet verifies the host name (SNI, certificate, Host), and refuses https → http', () => {
    const { results, T } = guarded;
    expect(results['tls']).toBe(`200 tls ok, SNI public.example.test, Host public.example.test:${T}`);
    expect(results['tls other name']).toMatch(/^error: .*other\.example\.test.* not in the cert's altnames/);
    expect(results['tls to http']).toMatch(/^error: policy: .* redirected to plain http/);
  });

  it('control: isomorphic-git\'s stock client follows the same redirects into 127.0.0.1', () => {
    const { results, privateHits } = runProbe('stock');
    expect(results['/to-loopback']).toBe('200 private data');
    expect(privateHits.length).toBeGreaterThanOrEqual(3);
  });
});
