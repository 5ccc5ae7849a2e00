/** The allowlist form's helpers (Settings → GitHub): typed text → a login the API takes, or why not; the shown list. */
import { describe, expect, it } from 'vitest';
import { parseLogin, withLogin, withoutLogin } from '../src/lib/github-allowlist.ts';

describe('GitHub allowlist form', () => {
  it('takes a login as typed, with an @ or as a profile link, and says why anything else is not one', () => {
    expect(parseLogin('  octocat ')).toEqual({ ok: true, login: 'octocat' });
    expect(parseLogin('@Mona-Lisa')).toEqual({ ok: true, login: 'Mona-Lisa' });
    expect(parseLogin('https://github.com/hubot/')).toEqual({ ok: true, login: 'hubot' });
    expect(parseLogin('')).toEqual({ ok: false, message: 'Type a GitHub login, for example octocat.' });
    expect(parseLogin('-dash')).toEqual({ ok: false, message: '“-dash” is not a GitHub login: 1–39 letters, digits or single hyphens, not starting or ending with a hyphen.' });
    expect(parseLogin('two--hyphens').ok).toBe(false);
    expect(parseLogin('renovate[bot]').ok).toBe(false);
    expect(parseLogin('x'.repeat(40)).ok).toBe(false);
    expect(parseLogin('x'.repeat(39)).ok).toBe(true);
  });

  it('keeps one entry per login whatever its case, in the API\'s order, and removes in any case', () => {
    const list = [{ login: 'alice', createdAt: 1 }, { login: 'Carol', createdAt: 2 }];
    expect(withLogin(list, { login: 'bob', createdAt: 3 }).map((l) => l.login)).toEqual(['alice', 'bob', 'Carol']);
    expect(withLogin(list, { login: 'ALICE', createdAt: 4 })).toEqual([{ login: 'ALICE', createdAt: 4 }, { login: 'Carol', createdAt: 2 }]);
    expect(withoutLogin(list, 'carol')).toEqual([{ login: 'alice', createdAt: 1 }]);
  });
});
