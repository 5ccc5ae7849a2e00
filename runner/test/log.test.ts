import { describe, expect, it } from 'vitest';
import { createLogger, Redactor } from '../src/log.ts';

describe('log redaction', () => {
  it('strips dursor tokens, bearer values, provider keys, URL credentials and registered secrets', () => {
    const r = new Redactor();
    r.add('my-custom-credential-123');
    const out = r.redact(
      'cred drc_abc.DEF-123 run drt_eyJ0.sig_x reg drr_zzz Authorization: Bearer abc.def key sk-proj-ABCDEFGH1234 ' +
      'url https://user:pass@github.com/x.git custom my-custom-credential-123',
    );
    for (const secret of ['drc_abc', 'drt_eyJ0', 'drr_zzz', 'abc.def', 'sk-proj-ABCDEFGH1234', 'user:pass', 'my-custom-credential-123']) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('drc_[redacted]');
    expect(out).toContain('Bearer [redacted]');
    expect(out).toContain('https://[redacted]@github.com/x.git');
  });

  it('writes one JSON line per call, redacted, with child fields', () => {
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l) });
    log.redactor.add('secret-credential-value');
    log.child({ runId: 'r1' }).info('pushing with secret-credential-value', { token: 'drt_abc', err: new Error('Bearer xyz') });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    const rec = JSON.parse(lines[0]);
    expect(rec).toMatchObject({ level: 'info', runId: 'r1', msg: 'pushing with [redacted]', token: 'drt_[redacted]', err: 'Bearer [redacted]' });
    log.debug('hidden');
    expect(lines).toHaveLength(1);
  });
});
