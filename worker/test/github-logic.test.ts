/**
 * The pure parts of the GitHub module, in the Workers runtime: the installation-token cache's
 * renewal rule (over real D1, encrypted), PR drafts parsed from model replies, the closing
 * keyword, compare links, the attempt mix a `@dursor` round repeats, and issue references.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { getDb } from '../src/db/client.ts';
import type { RunRow } from '../src/db/rows.ts';
import { issueNumber } from '../src/github/repos.ts';
import { parseDraft } from '../src/github/pr-writer.ts';
import { withClosingKeyword } from '../src/github/pr-service.ts';
import { compareUrl, pullState } from '../src/github/pull-ops.ts';
import { d1TokenCache, renewalMargin } from '../src/github/token-cache.ts';
import { roundAttempts } from '../src/github/webhook-events.ts';

const value = (token: string, createdAt: number, expiresAt: number) =>
  [token, new Date(createdAt).toISOString(), new Date(expiresAt).toISOString(), 'all', 'contents!', ''].join('|');

describe('installation-token cache', () => {
  it('renews five minutes before an hour-long token expires, a quarter of the lifetime for short ones', () => {
    expect(renewalMargin(0, 3_600_000)).toBe(300_000);
    expect(renewalMargin(0, 4_000)).toBe(1_000);
    expect(renewalMargin(NaN, NaN)).toBe(300_000);
  });

  it('serves a cached token until its renewal point, stores it encrypted, and keeps connections apart', async () => {
    let now = 1_000_000;
    const db = getDb(env.DB);
    const cache = d1TokenCache(db, env.DURSOR_ENCRYPTION_KEY, 'conn-a', () => now);
    await cache.set('42', value('ghs_secret_token_1', now, now + 4_000));
    expect(await cache.get('42')).toContain('ghs_secret_token_1');
    now += 2_999;
    expect(await cache.get('42')).toContain('ghs_secret_token_1');
    now += 1;
    expect(await cache.get('42')).toBeUndefined(); // within the last quarter: auth-app asks GitHub again
    expect(await d1TokenCache(db, env.DURSOR_ENCRYPTION_KEY, 'conn-b', () => 0).get('42')).toBeUndefined();
    const stored = await env.DB.prepare('SELECT value_enc FROM github_token_cache').all();
    expect(JSON.stringify(stored.results)).not.toContain('ghs_secret_token_1');
  });
});

describe('pull request text', () => {
  it('reads the JSON a model was asked for, and plain text when it ignored that', () => {
    expect(parseDraft('Sure!\n```json\n{"title": "Add a farewell", "body": "Adds `bye()`."}\n```')).toEqual({ title: 'Add a farewell', body: 'Adds `bye()`.' });
    expect(parseDraft('# Fix the greeting\n\nIt was rude.')).toEqual({ title: 'Fix the greeting', body: 'It was rude.' });
    expect(parseDraft('   ')).toBeNull();
  });

  it('closes the task\'s issue once, whatever the body already says', () => {
    expect(withClosingKeyword('Body', 7)).toBe('Body\n\nCloses #7');
    expect(withClosingKeyword('Fixes #7 for good', 7)).toBe('Fixes #7 for good');
    expect(withClosingKeyword('', 7)).toBe('Closes #7');
    expect(withClosingKeyword('Body', null)).toBe('Body');
  });

  it('links GitHub\'s compare page with the title and body filled in', () => {
    const url = new URL(compareUrl('https://github.com/acme/app', 'main', 'dursor/t1/r1', 'Title', 'Body'));
    expect(url.pathname).toBe('/acme/app/compare/main...dursor%2Ft1%2Fr1');
    expect(Object.fromEntries(url.searchParams)).toEqual({ expand: '1', title: 'Title', body: 'Body' });
  });

  it('calls a closed PR with a merge time merged', () => {
    expect(pullState({ state: 'closed', merged: false, merged_at: '2026-01-01T00:00:00Z' })).toBe('merged');
    expect(pullState({ state: 'closed', merged: null })).toBe('closed');
    expect(pullState({ state: 'open' })).toBe('open');
  });
});

describe('a @dursor round', () => {
  it('repeats the executors, models and counts of the round that made the PR\'s attempt', () => {
    const run = (id: string, messageId: string, executor: string, modelProfileId: string | null) =>
      ({ id, messageId, executor, modelProfileId }) as RunRow;
    const runs = [
      run('a', 'm1', 'patch-agent', 'p1'), run('b', 'm1', 'patch-agent', 'p1'), run('c', 'm1', 'claude-code', 'p2'),
      run('d', 'm0', 'codex', 'p3'),
    ];
    expect(roundAttempts(runs, runs[2])).toEqual([
      { executor: 'patch-agent', modelProfileId: 'p1', count: 2 },
      { executor: 'claude-code', modelProfileId: 'p2', count: 1 },
    ]);
  });
});

describe('issue references', () => {
  it('takes a number, or a URL of an issue of this repository only', () => {
    expect(issueNumber(12, 'https://github.com/acme/app')).toBe(12);
    expect(issueNumber('https://github.com/acme/app/issues/34', 'https://github.com/acme/app')).toBe(34);
    expect(() => issueNumber('https://github.com/other/app/issues/34', 'https://github.com/acme/app')).toThrow(/not an issue of/);
    expect(() => issueNumber('https://github.com/acme/app/pull/3', 'https://github.com/acme/app')).toThrow(/not an issue of/);
  });
});
