/**
 * The outbound URL policy (docs/architecture.md §7, issue 11): which URLs dursor and its runners may fetch —
 * repository clone URLs, model base URLs, the GitHub API and web roots. One rule, shared by the
 * Worker (checked when a URL is saved and again before each fetch) and the runner (checked where
 * the git connection is made, on every address a host name resolves to and on every redirect).
 *
 * Always: a parseable URL, scheme https (or http when private addresses are allowed), no
 * credentials in the userinfo (they would end up in logs and clone configs).
 * Unless private addresses are allowed (DURSOR_ALLOW_PRIVATE_URLS=true, local development):
 * https only; no `localhost`, `*.localhost`, `*.local` or `*.internal` name; and no address
 * outside public unicast — loopback, private, link-local, CGNAT, multicast, reserved, and every
 * IPv6 form that embeds or translates to an IPv4 address (IPv4-compatible, NAT64 64:ff9b::/96 and
 * 64:ff9b:1::/48, 6to4, Teredo, SIIT). IPv4-mapped IPv6 (::ffff:a.b.c.d) is the IPv4 address it
 * maps, and is judged as that.
 *
 * Addresses are classified by ipaddr.js (its IANA special-purpose registries), not by ranges
 * written here. Two additions of ours: an IPv6 address must also lie in 2000::/3, IANA's global
 * unicast space, which leaves out ::/96 (IPv4-compatible) and every unassigned block ipaddr.js
 * calls plain "unicast"; and any embedding is refused whole, even of a public IPv4 address —
 * nobody needs a 6to4 literal as a repository URL, and what a translator does with it is not ours
 * to predict.
 *
 * IPv4 spellings (decimal `2130706433`, hex `0x7f.1`, octal `0177.0.0.1`, short `127.1`, a
 * trailing dot) need nothing here: the WHATWG URL parser turns them into a dotted quad first.
 */
import ipaddr from 'ipaddr.js';

/**
 * protocol/ compiles without DOM or Node types; both of its users (workerd, Node) have the WHATWG
 * URL class, and this is the part of it the policy reads.
 */
interface WhatwgUrl { readonly href: string; readonly protocol: string; readonly username: string; readonly password: string; readonly hostname: string }
declare const URL: new (input: string) => WhatwgUrl;

export type UrlCheck = { ok: true; url: WhatwgUrl } | { ok: false; reason: string };

const LOCAL_NAME = /(^|\.)(localhost|local|internal)$/;
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');

/** Readable names for ipaddr.js's range labels (everything but "unicast" is refused). */
const RANGE_WORDS: Record<string, string> = {
  unspecified: 'unspecified', broadcast: 'broadcast', multicast: 'multicast', linkLocal: 'link-local',
  loopback: 'loopback', carrierGradeNat: 'carrier-grade NAT', private: 'private', reserved: 'reserved',
  uniqueLocal: 'unique-local', deprecatedSiteLocal: 'site-local', discard: 'discard-only',
  rfc6145: 'SIIT, embeds an IPv4 address', rfc6052: 'NAT64, embeds an IPv4 address', '6to4': '6to4, embeds an IPv4 address',
  teredo: 'Teredo, embeds an IPv4 address', ipv4Compatible: 'IPv4-compatible, embeds an IPv4 address',
};

/**
 * Why an IP address may not be reached without the private-address allowance, or null when it
 * is public unicast. Takes an address as a resolver or the URL parser writes it (no brackets).
 * Something that is not an IP address at all is refused too: a caller that asks has one.
 */
export function addressRefusal(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  let addr = ipaddr.parse(address);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
  const range = addr.range();
  if (range !== 'unicast') return RANGE_WORDS[range] ?? range;
  if (addr.kind() === 'ipv6' && !addr.match(GLOBAL_UNICAST_V6)) {
    return addr.match(ipaddr.IPv6.parseCIDR('::/96')) ? RANGE_WORDS.ipv4Compatible : 'not global unicast';
  }
  return null;
}

/** True for names that mean "this machine or its network" whatever DNS says. */
export function isLocalName(hostname: string): boolean {
  return LOCAL_NAME.test(hostname.toLowerCase().replace(/\.$/, ''));
}

/** The IP literal a URL's hostname spells (IPv6 without its brackets), or null for a name. */
export function hostLiteral(hostname: string): string | null {
  if (hostname.startsWith('[')) return hostname.slice(1, -1);
  return ipaddr.IPv4.isValidFourPartDecimal(hostname) ? hostname : null;
}

/**
 * Why a URL's host may not be reached without the allowance, or null. Only what the URL itself
 * says: a name's addresses are checked where it is resolved (see worker/src/lib/README.md).
 */
export function hostRefusal(hostname: string): string | null {
  const literal = hostLiteral(hostname);
  if (literal !== null) {
    const why = addressRefusal(literal);
    return why && `host ${hostname} is a local or private address (${why})`;
  }
  return isLocalName(hostname) ? `host ${hostname} is a local or private address` : null;
}

export function checkOutboundUrl(raw: string, allowPrivate: boolean): UrlCheck {
  let url: WhatwgUrl;
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
  const why = hostRefusal(url.hostname);
  return why ? { ok: false, reason: why } : { ok: true, url };
}
