import { describe, expect, it } from 'vitest';
import { WELL_KNOWN } from '../../testkit/src/secret-samples.ts';
import { findSecretShapes, REDACT_MAX_DEPTH, redactDeep, redactPatterns, SecretRedactor, StreamRedactor } from '../src/secrets.ts';


describe('shared secret patterns', () => {
  it('redacts every well-known shape, in any surrounding text', () => {
    for (const [name, secret] of Object.entries(WELL_KNOWN)) {
      const out = redactPatterns(`before ${secret} after "${secret}",\n`);
      expect(out, name).not.toContain(secret);
      expect(out, name).toContain('[redacted]');
      expect(findSecretShapes(secret).length, name).toBeGreaterThan(0);
    }
  });

  it('leaves prose and code alone (prefix mentions, short look-alikes, hashes, ids)', () => {
    const text = [
      'use scikit-learn and sk-learn; ghp_ tokens start with ghp_; sk-ant- keys; AIza keys',
      'const drt_ = 1; a sha 3f786850e387550fdab836ed7e6dc881de23001b; uuid 0b8e5f0c-6a57-4c8e-9d0b-4a9f2c1e7d10',
      'task-1234567890abcdef-branch dursor/abc/def',
    ].join('\n');
    expect(redactPatterns(text)).toBe(text);
    expect(findSecretShapes(text)).toEqual([]);
  });

  it('names what it found', () => {
    expect(findSecretShapes(`x ${WELL_KNOWN.github} y ${WELL_KNOWN.anthropic}`)).toEqual(['GitHub token', 'Anthropic key']);
  });

  it('redacts strings anywhere in a JSON value and keeps its shape', () => {
    const v = { a: [WELL_KNOWN.openai, 1, null, { b: `key=${WELL_KNOWN.google}` }], n: 2, t: true };
    expect(redactDeep(v, redactPatterns)).toEqual({ a: ['[redacted]', 1, null, { b: 'key=[redacted]' }], n: 2, t: true });
  });

  it('survives a value nested far deeper than any event may be (a model chose the tool input)', () => {
    // 400,000 levels: what a hostile model's tool call held (issue 11). JSON.parse builds it; a
    // recursive walk would overflow the stack and take the run down with a RangeError.
    const deep = JSON.parse(`${'['.repeat(400_000)}"${WELL_KNOWN.openai}"${']'.repeat(400_000)}`) as unknown;
    const out = redactDeep({ input: deep, note: WELL_KNOWN.github }, redactPatterns);
    expect(out.note).toBe('[redacted]');
    let at: unknown = out.input;
    let depth = 0;
    while (Array.isArray(at)) { at = at[0]; depth++; }
    expect(depth).toBe(REDACT_MAX_DEPTH - 1); // the wrapping object is the first level
    expect(at).toBe('[nested too deep]');
  });
});

describe('SecretRedactor', () => {
  it('redacts known values of any shape, longest first, and ignores very short ones', () => {
    const r = new SecretRedactor();
    r.add('hunter2-is-my-password');
    r.add('hunter2-is-my');
    r.add('abc');
    expect(r.redact('pw hunter2-is-my-password / hunter2-is-my / abc')).toBe('pw [redacted] / [redacted] / abc');
  });
});

describe('StreamRedactor: a secret split across streamed pieces', () => {
  const split = (s: string, size: number) => s.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g'))!;
  const stream = (r: SecretRedactor, pieces: string[]) => {
    const sr = new StreamRedactor(r);
    const out = pieces.map((p) => sr.push(p));
    return { sent: out.join('') + sr.end(), out };
  };

  it('catches known values and well-known shapes cut at every piece size', () => {
    const r = new SecretRedactor();
    const known = 'my run token: opaque value with spaces 42';
    r.add(known);
    const text = `Here it is: ${known}. And ${WELL_KNOWN.github} then ${WELL_KNOWN.dursorRun} and\n${WELL_KNOWN.pem}\ndone.`;
    for (const size of [1, 2, 3, 5, 7, 11, 40]) {
      const { sent } = stream(r, split(text, size));
      expect(sent, `pieces of ${size}`).toBe('Here it is: [redacted]. And [redacted] then [redacted] and\n[redacted]\ndone.');
    }
  });

  it('holds back only a word that may become a secret: prose flows piece by piece', () => {
    const r = new SecretRedactor();
    r.add('a-known-secret-value');
    const { out } = stream(r, ['Hello ', 'there, ', 'friend.', ' All good.', ' See gh', 'p_ maybe', ' or a-kno', 'wn thing', '']);
    expect(out).toEqual(['Hello ', 'there, ', 'friend.', ' All good.', ' See ', 'ghp_ maybe', ' or ', 'a-known thing', '']);
  });
});
