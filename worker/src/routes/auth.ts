/**
 * /v1/auth: first-run owner setup (only while no user exists, so no file editing is needed),
 * login/logout with the session cookie, current user, password change, and bearer API tokens
 * for scripts (create, list, revoke).
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { ChangePasswordRequest, CreateApiTokenRequest, LoginRequest, SetupRequest } from '../../../protocol/src/index.ts';
import { getDb } from '../db/client.ts';
import { deleteApiToken, insertApiToken, listApiTokens } from '../db/queries/api-tokens.ts';
import { deleteSession, deleteUserSessions, insertSession } from '../db/queries/sessions.ts';
import { createOwnerIfNone, findUserByEmail, hasAnyUser, setPassword } from '../db/queries/users.ts';
import { toUser } from '../db/mappers.ts';
import type { UserRow } from '../db/rows.ts';
import { requireUser } from '../middleware/auth.ts';
import { idempotent } from '../middleware/idempotency.ts';
import type { AppEnv } from '../lib/app-env.ts';
import { identify } from '../lib/credentials.ts';
import { HttpError } from '../lib/errors.ts';
import { sha256Hex } from '../lib/hash.ts';
import { newId, newSecret, TOKEN_PREFIX } from '../lib/ids.ts';
import { dummyPasswordCheck, hashPassword, verifyPassword } from '../lib/password.ts';
import {
  clearSessionCookie, newSessionValue, readSessionCookie, SESSION_TTL_MS, setSessionCookie,
} from '../lib/session-cookie.ts';
import { releaseLoginSlot, takeLoginSlot } from '../lib/login-throttle.ts';
import { jsonBody } from '../lib/validate.ts';

async function startSession(c: Context<AppEnv>, user: UserRow): Promise<void> {
  const value = newSessionValue();
  const now = Date.now();
  await insertSession(getDb(c.env.DB), { id: await sha256Hex(value), userId: user.id, expiresAt: now + SESSION_TTL_MS, createdAt: now });
  setSessionCookie(c, value);
}

export const authRoutes = new Hono<AppEnv>()
  .get('/state', async (c) => {
    const setupRequired = !(await hasAnyUser(getDb(c.env.DB)));
    const caller = setupRequired ? null : await identify(c);
    return c.json({ setupRequired, user: caller?.kind === 'user' ? toUser(caller.user) : null });
  })
  .post('/setup', jsonBody(SetupRequest), async (c) => {
    const { email, password } = c.req.valid('json');
    const { hash, salt } = await hashPassword(password);
    const user = await createOwnerIfNone(c.env.DB, { id: newId(), email, passwordHash: hash, passwordSalt: salt, createdAt: Date.now() });
    if (!user) throw new HttpError(409, 'setup_done', 'setup is already done; sign in instead');
    await startSession(c, user);
    return c.json({ user: toUser(user) }, 201);
  })
  .post('/login', jsonBody(LoginRequest), async (c) => {
    const { email, password } = c.req.valid('json');
    const db = getDb(c.env.DB);
    // Counted before the slow check, so a concurrent burst cannot outrun the limit (429 here).
    const slot = await takeLoginSlot(db, email, c.req.header('cf-connecting-ip'));
    const user = await findUserByEmail(db, email);
    const ok = user ? await verifyPassword(password, user.passwordHash, user.passwordSalt) : (await dummyPasswordCheck(password), false);
    if (!user || !ok) throw new HttpError(401, 'invalid_credentials', 'email or password is wrong');
    await releaseLoginSlot(db, slot);
    await startSession(c, user);
    return c.json({ user: toUser(user) });
  })
  .post('/logout', requireUser, async (c) => {
    const cookie = readSessionCookie(c);
    if (cookie) await deleteSession(getDb(c.env.DB), await sha256Hex(cookie));
    clearSessionCookie(c);
    return c.json({ ok: true as const });
  })
  .get('/me', requireUser, (c) => c.json({ user: toUser(c.get('user')) }))
  .post('/tokens', requireUser, jsonBody(CreateApiTokenRequest), idempotent({ sensitive: true }), async (c) => {
    const { name } = c.req.valid('json');
    const token = newSecret(TOKEN_PREFIX.apiToken);
    const id = newId();
    await insertApiToken(getDb(c.env.DB), { id, userId: c.get('user').id, name, tokenHash: await sha256Hex(token), createdAt: Date.now() });
    return c.json({ id, name, token }, 201);
  })
  .get('/tokens', requireUser, async (c) => {
    const rows = await listApiTokens(getDb(c.env.DB), c.get('user').id);
    return c.json({ tokens: rows.map((t) => ({ id: t.id, name: t.name, createdAt: t.createdAt, lastUsedAt: t.lastUsedAt })) });
  })
  .delete('/tokens/:id', requireUser, async (c) => {
    if (!(await deleteApiToken(getDb(c.env.DB), c.get('user').id, c.req.param('id')))) throw new HttpError(404, 'not_found', 'API token not found');
    return c.json({ ok: true as const });
  })
  .post('/password', requireUser, jsonBody(ChangePasswordRequest), async (c) => {
    if (c.get('authKind') !== 'session') throw new HttpError(403, 'forbidden', 'change the password from a signed-in browser session, not with an API token');
    const { currentPassword, newPassword } = c.req.valid('json');
    const user = c.get('user');
    if (!(await verifyPassword(currentPassword, user.passwordHash, user.passwordSalt))) {
      throw new HttpError(400, 'invalid_credentials', 'currentPassword: that is not your current password');
    }
    const db = getDb(c.env.DB);
    const { hash, salt } = await hashPassword(newPassword);
    await setPassword(db, user.id, hash, salt);
    // Anyone else signed in with the old password is signed out; this browser gets a fresh session.
    await deleteUserSessions(db, user.id);
    await startSession(c, user);
    return c.json({ ok: true as const });
  });
