/**
 * Sign-in throttling: five failures for one email from one address lock that pair out (429 with
 * Retry-After, even for the right password); another address is not locked; a success resets.
 * Every attempt is counted before its (slow) password check, so a concurrent burst cannot slip
 * past the limit; and an email has a limit across all addresses too.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_MAX_FAILURES, MAX_FAILURES } from '../src/lib/login-throttle.ts';
import { hashPassword } from '../src/lib/password.ts';
import type { ApiErrorBody } from './helpers/api.ts';
import { anonymous, json, OWNER, setupOwner } from './helpers/api.ts';

const login = (password: string, ip: string, email = OWNER.email) =>
  anonymous().post('/v1/auth/login', { email, password }, { 'cf-connecting-ip': ip });

/** A second account with a real password, so locking it out does not lock the owner. */
async function createAccount(email: string, password: string): Promise<void> {
  const { hash, salt } = await hashPassword(password);
  await env.DB.prepare(`INSERT INTO users (id, email, password_hash, password_salt, role, created_at) VALUES (?, ?, ?, ?, 'member', ?)`)
    .bind(crypto.randomUUID().replaceAll('-', ''), email, hash, salt, Date.now()).run();
}

const statuses = (responses: Response[]) => responses.map((r) => r.status);
const count = (all: number[], status: number) => all.filter((s) => s === status).length;

describe('sign-in throttling', () => {
  it('locks an email out from one address after five failures, not from another', async () => {
    await setupOwner();
    for (let i = 0; i < 4; i++) expect((await login('wrong password', '203.0.113.7')).status).toBe(401);
    expect((await login(OWNER.password, '203.0.113.7')).status).toBe(200); // a success resets the count
    for (let i = 0; i < 5; i++) expect((await login('wrong password', '203.0.113.7')).status).toBe(401);
    const locked = await login(OWNER.password, '203.0.113.7');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(800);
    const body = await json<ApiErrorBody>(locked, 429);
    expect(body.error).toEqual({ code: 'too_many_attempts', message: 'too many failed sign-ins for this email; try again in 15 minutes' });
    expect((await login(OWNER.password, '198.51.100.2')).status).toBe(200);
  });

  it('a concurrent burst of 50 wrong passwords from one address gets at most five checks; the rest are 429', async () => {
    await createAccount('burst@example.com', 'the burst account password');
    const all = statuses(await Promise.all(
      Array.from({ length: 50 }, () => login('wrong password', '203.0.113.50', 'burst@example.com'))));
    expect(count(all, 401)).toBeLessThanOrEqual(MAX_FAILURES);
    expect(count(all, 401) + count(all, 429)).toBe(50);
    // Locked, even for the right password.
    expect((await login('the burst account password', '203.0.113.50', 'burst@example.com')).status).toBe(429);
  }, 60_000);

  it(`an email gets at most ${ACCOUNT_MAX_FAILURES} checks across addresses; then every address waits`, async () => {
    await createAccount('spread@example.com', 'the spread account password');
    const all = statuses(await Promise.all(
      Array.from({ length: 50 }, (_, i) => login('wrong password', `198.18.0.${i + 1}`, 'spread@example.com'))));
    expect(count(all, 401)).toBeLessThanOrEqual(ACCOUNT_MAX_FAILURES);
    expect(count(all, 401) + count(all, 429)).toBe(50);
    const locked = await login('the spread account password', '192.0.2.200', 'spread@example.com');
    expect((await json<ApiErrorBody>(locked, 429)).error.code).toBe('too_many_attempts');
    // The other accounts are untouched.
    expect((await login(OWNER.password, '192.0.2.200')).status).toBe(200);
  }, 60_000);

  it('successful sign-ins do not use up the account limit', async () => {
    await createAccount('busy@example.com', 'the busy account password');
    for (let i = 0; i < ACCOUNT_MAX_FAILURES + 3; i++) {
      expect((await login('the busy account password', `192.0.2.${i + 1}`, 'busy@example.com')).status).toBe(200);
    }
  }, 60_000);
});
