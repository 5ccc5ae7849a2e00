/**
 * Sign-in throttling: five failures for one email from one address lock that pair out (429 with
 * Retry-After, even for the right password); another address is not locked; a success resets.
 */
import { describe, expect, it } from 'vitest';
import type { ApiErrorBody } from './helpers/api.ts';
import { anonymous, json, OWNER, setupOwner } from './helpers/api.ts';

const login = (password: string, ip: string) =>
  anonymous().post('/v1/auth/login', { email: OWNER.email, password }, { 'cf-connecting-ip': ip });

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
});
