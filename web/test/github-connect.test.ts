import { describe, expect, it } from 'vitest';
import { PutGitHubConnectionRequest } from '../../protocol/src/index.ts';
import { apiUrls, appConnectionBody, githubNotice, tokenConnectionBody, withoutNotice } from '../src/lib/github-connect.ts';

const pem = `-----BEGIN RSA PRIVATE KEY-----\n${'A'.repeat(120)}\n-----END RSA PRIVATE KEY-----\n`;

describe('API URL field', () => {
  it('is optional, and tells the web root when it can', () => {
    expect(apiUrls('  ')).toEqual({ ok: true, body: {} });
    expect(apiUrls('https://api.github.com/')).toEqual({ ok: true, body: { apiBaseUrl: 'https://api.github.com', webUrl: 'https://github.com' } });
    expect(apiUrls('https://ghe.example.com/api/v3')).toEqual({ ok: true, body: { apiBaseUrl: 'https://ghe.example.com/api/v3', webUrl: 'https://ghe.example.com' } });
    expect(apiUrls('http://127.0.0.1:9999')).toEqual({ ok: true, body: { apiBaseUrl: 'http://127.0.0.1:9999' } });
  });

  it('names the field when the URL is wrong', () => {
    expect(apiUrls('ghe.example.com')).toMatchObject({ ok: false, message: expect.stringMatching(/^API URL: /) });
    expect(apiUrls('ftp://ghe.example.com')).toMatchObject({ ok: false, message: 'API URL: must start with https://.' });
  });
});

describe('existing app form → PUT body', () => {
  const ok = { appId: ' 12345 ', privateKey: `\n${pem}`, webhookSecret: 'a-long-secret', apiUrl: '' };

  it('builds what the protocol accepts, trimmed', () => {
    const r = appConnectionBody(ok);
    expect(r).toEqual({ ok: true, body: { kind: 'app', appId: 12345, privateKey: pem.trim(), webhookSecret: 'a-long-secret' } });
    if (r.ok) expect(PutGitHubConnectionRequest.safeParse(r.body).success).toBe(true);
  });

  it('says which field to fix', () => {
    expect(appConnectionBody({ ...ok, appId: 'abc' })).toMatchObject({ ok: false, message: expect.stringMatching(/^App ID: /) });
    expect(appConnectionBody({ ...ok, appId: '0' })).toMatchObject({ ok: false, message: expect.stringMatching(/^App ID: /) });
    expect(appConnectionBody({ ...ok, privateKey: 'not a key' })).toMatchObject({ ok: false, message: expect.stringMatching(/^Private key: /) });
    expect(appConnectionBody({ ...ok, webhookSecret: 'short' })).toMatchObject({ ok: false, message: expect.stringMatching(/^Webhook secret: /) });
    expect(appConnectionBody({ ...ok, apiUrl: 'nope' })).toMatchObject({ ok: false, message: expect.stringMatching(/^API URL: /) });
    // Passes the friendly checks but not the protocol's (a PEM header around too little key).
    expect(appConnectionBody({ ...ok, privateKey: '-----BEGIN PRIVATE KEY-----x' })).toMatchObject({ ok: false });
  });
});

describe('token form → PUT body', () => {
  it('sends the webhook secret only when given', () => {
    expect(tokenConnectionBody({ token: ' ghp_0123456789abcdef ', webhookSecret: '', apiUrl: '' }))
      .toEqual({ ok: true, body: { kind: 'token', token: 'ghp_0123456789abcdef' } });
    expect(tokenConnectionBody({ token: 'ghp_0123456789abcdef', webhookSecret: 'secret-123', apiUrl: 'https://ghe.example.com/api/v3' }))
      .toEqual({ ok: true, body: { kind: 'token', token: 'ghp_0123456789abcdef', webhookSecret: 'secret-123', apiBaseUrl: 'https://ghe.example.com/api/v3', webUrl: 'https://ghe.example.com' } });
  });

  it('refuses a short token or secret', () => {
    expect(tokenConnectionBody({ token: 'ghp_1', webhookSecret: '', apiUrl: '' })).toMatchObject({ ok: false, message: expect.stringMatching(/^Token: /) });
    expect(tokenConnectionBody({ token: 'ghp_0123456789abcdef', webhookSecret: 'short', apiUrl: '' })).toMatchObject({ ok: false, message: expect.stringMatching(/^Webhook secret: /) });
  });
});

describe('manifest flow notice', () => {
  it('reads the redirect and cleans the query string', () => {
    expect(githubNotice('?github=connected')).toMatchObject({ kind: 'ok' });
    expect(githubNotice('?github_error=The%20code%20expired')).toEqual({ kind: 'error', message: 'GitHub App setup did not finish: The code expired' });
    expect(githubNotice('?github_error=')).toMatchObject({ kind: 'error', message: expect.stringMatching(/unknown error$/) });
    expect(githubNotice('')).toBeNull();
    expect(githubNotice('?tab=x')).toBeNull();
    expect(withoutNotice('?github=connected')).toBe('');
    expect(withoutNotice('?tab=x&github_error=boom')).toBe('?tab=x');
  });
});
