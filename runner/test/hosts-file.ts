/** A resolver for tests: an /etc/hosts of the test's own (names the system cannot resolve). */
import type { LookupAddress } from 'node:dns';
import type { Resolve } from '../src/git/guarded-http.ts';

/** An /etc/hosts of the test's own: name → addresses, and every question asked. */
export function hostsFile(map: Record<string, string[]>): Resolve & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (hostname: string): Promise<LookupAddress[]> => {
    asked.push(hostname);
    const found = map[hostname.toLowerCase().replace(/\.$/, '')];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { asked });
}

