import { SELF } from 'cloudflare:test';
import { expect, it } from 'vitest';

it('answers /v1/health', async () => {
  const res = await SELF.fetch('http://dursor.test/v1/health');
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ ok: true });
});
