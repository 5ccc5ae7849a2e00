/**
 * Which outbound URLs dursor accepts for repos and model base URLs (DESIGN §7).
 * Always: a parseable URL, scheme https (or http when private URLs are allowed), no
 * credentials in the userinfo (they would end up in logs and clone configs).
 * Unless DURSOR_ALLOW_PRIVATE_URLS is "true": https only, and the host may not be localhost,
 * *.localhost, *.local, *.internal, or a loopback / private / link-local / CGNAT / unspecified
 * IP literal. (Host names that resolve to such addresses are not caught here: the Worker has no
 * DNS API; Cloudflare's egress does not reach private networks anyway.)
 */
export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

export function allowPrivateUrls(env: { DURSOR_ALLOW_PRIVATE_URLS?: string }): boolean {
  return env.DURSOR_ALLOW_PRIVATE_URLS === 'true';
}

export function checkOutboundUrl(raw: string, allowPrivate: boolean): UrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'is not a valid URL' };
  }
  const scheme = url.protocol;
  if (scheme !== 'https:' && scheme !== 'http:') return { ok: false, reason: `scheme ${scheme}// is not allowed; use https://` };
  if (url.username || url.password) return { ok: false, reason: 'must not contain credentials (user:password@)' };
  if (allowPrivate) return { ok: true, url };
  if (scheme === 'http:') return { ok: false, reason: 'must use https:// (plain http is only allowed in local development)' };
  if (isPrivateHost(url.hostname)) return { ok: false, reason: `host ${url.hostname} is a local or private address` };
  return { ok: true, url };
}

export function isPrivateHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || /\.(localhost|local|internal)$/.test(host)) return true;
  if (host.startsWith('[')) return isPrivateIpv6(host.slice(1, -1));
  const v4 = parseIpv4(host);
  return v4 !== null && isPrivateIpv4(v4);
}

/** The WHATWG parser already normalised decimal/hex/short forms to dotted quads. */
function parseIpv4(host: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : null;
}

function isPrivateIpv4([a, b]: number[]): boolean {
  return a === 0 || a === 10 || a === 127 ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 100 && b >= 64 && b <= 127) ||
    a >= 224; // multicast and reserved
}

function isPrivateIpv6(addr: string): boolean {
  const a = addr.toLowerCase();
  if (a === '::' || a === '::1') return true;
  // IPv4-mapped (::ffff:a.b.c.d, normalised by the URL parser to ::ffff:xxxx:xxxx).
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(a);
  if (mapped) {
    const hi = parseInt(mapped[1], 16);
    const lo = parseInt(mapped[2], 16);
    return isPrivateIpv4([hi >> 8, hi & 255, lo >> 8, lo & 255]);
  }
  const first = parseInt(a.split(':')[0] || '0', 16);
  return (first & 0xfe00) === 0xfc00 || // fc00::/7 unique local
    (first & 0xffc0) === 0xfe80 || // fe80::/10 link-local
    (first & 0xff00) === 0xff00; // multicast
}
