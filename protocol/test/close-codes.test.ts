import { describe, expect, it } from 'vitest';
import { CLOSE_CODES, closeCodeForRefusedUpgrade } from '../src/index.ts';

describe('closeCodeForRefusedUpgrade', () => {
  it('reads a refused upgrade as the close the Worker would have sent on an open socket', () => {
    expect(closeCodeForRefusedUpgrade(401)).toBe(CLOSE_CODES.unauthorized);
    expect(closeCodeForRefusedUpgrade(403)).toBe(CLOSE_CODES.unauthorized);
    for (const status of [404, 409, 410]) expect(closeCodeForRefusedUpgrade(status)).toBe(CLOSE_CODES.staleAssignment);
  });

  it('gives no meaning to statuses that say nothing about the runner or the run (redial with backoff)', () => {
    for (const status of [400, 426, 429, 500, 502, 503]) expect(closeCodeForRefusedUpgrade(status)).toBeNull();
  });
});
