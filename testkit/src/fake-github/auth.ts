/**
 * Request authentication as GitHub does it: `Authorization: Bearer <JWT>` (RS256, signed with
 * the app's private key, `iss` = app id, `iat`/`exp` checked with GitHub's own messages) for app
 * endpoints; `token <t>`, `Bearer <t>` or Basic (password = token) for installation tokens and
 * PATs. Unknown or expired credentials are 401 `Bad credentials`, never anonymous.
 */
import { verify } from 'node:crypto';
import { tokenPrincipal } from './store.ts';
import { gitScope } from './token-scope.ts';
import { GhError, type Principal, type Store } from './types.ts';

const JWT_UNDECODABLE = 'A JSON web token could not be decoded';
const EXP_PAST = "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
const EXP_FAR = "'Expiration time' claim ('exp') is too far in the future";
const IAT_BAD = "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued";
const ISS_BAD = "'Issuer' claim ('iss') must be an Integer";

function b64json(part: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

/** Verifies an app JWT; throws GhError(401) with GitHub's message when it is not acceptable. */
export function verifyAppJwt(store: Store, jwt: string): void {
  const [h, p, s] = jwt.split('.');
  const header = b64json(h ?? '');
  const payload = b64json(p ?? '');
  if (!header || !payload || header.alg !== 'RS256' || !s) throw new GhError(401, JWT_UNDECODABLE);
  const ok = verify('RSA-SHA256', Buffer.from(`${h}.${p}`), store.app.publicKey, Buffer.from(s, 'base64url'));
  const iss = typeof payload.iss === 'string' && /^\d+$/.test(payload.iss) ? Number(payload.iss) : payload.iss;
  if (typeof iss !== 'number' || !Number.isInteger(iss)) throw new GhError(401, ISS_BAD);
  // A wrong app id looks to GitHub like a signature it cannot check: same message as a bad key.
  if (!ok || iss !== store.app.id) throw new GhError(401, JWT_UNDECODABLE);
  const now = Math.floor(Date.now() / 1000);
  if (typeof payload.iat !== 'number' || !Number.isInteger(payload.iat) || payload.iat > now + 60) throw new GhError(401, IAT_BAD);
  if (typeof payload.exp !== 'number' || payload.exp <= now) throw new GhError(401, EXP_PAST);
  if (payload.exp > now + 660) throw new GhError(401, EXP_FAR);
}

/**
 * The request's principal: null without an Authorization header; throws 401 for credentials the
 * fake does not accept (bad JWT, unknown or expired token).
 */
export function authenticate(store: Store, header: string | undefined): Principal | null {
  if (!header) return null;
  const m = /^(\S+)\s+(.+)$/.exec(header.trim());
  if (!m) throw new GhError(401, 'Bad credentials');
  const scheme = m[1].toLowerCase();
  let credential = m[2].trim();
  if (scheme === 'basic') {
    const text = Buffer.from(credential, 'base64').toString('utf8');
    credential = text.slice(text.indexOf(':') + 1);
  } else if (scheme !== 'token' && scheme !== 'bearer') {
    throw new GhError(401, 'Bad credentials');
  }
  if (scheme === 'bearer' && credential.split('.').length === 3) {
    verifyAppJwt(store, credential);
    return { kind: 'app' };
  }
  const principal = tokenPrincipal(store, credential);
  if (!principal) throw new GhError(401, 'Bad credentials');
  return principal;
}

/**
 * Git server `auth`: password = a valid token (else 401); installation tokens reach the installed
 * repos they were created for (else 404) and fetch / push only with `contents` read / write (else
 * 403), as GitHub answers.
 */
export function gitAuth(store: Store, password: string, flat: string, service: string | null): boolean | { status: number; message: string } {
  const principal = tokenPrincipal(store, password);
  if (!principal) return false;
  if (principal.kind === 'pat') return true;
  const repo = [...store.repos.values()].find((r) => r.flat === flat);
  if (!repo || principal.kind !== 'installation') return { status: 404, message: 'Repository not found.' };
  return gitScope(principal, repo, service);
}
