import { beforeAll, describe, expect, it } from 'vitest';
import { UrlPolicy } from '../../protocol/src/index.ts';
import { checkOutboundUrl, isPrivateHost } from '../src/lib/url-policy.ts';
import type { Client } from './helpers/api.ts';
import { appWith, client, json, setupOwner } from './helpers/api.ts';

const reason = (url: string, allowPrivate: boolean) => {
  const r = checkOutboundUrl(url, allowPrivate);
  return r.ok ? 'ok' : r.reason;
};

describe('outbound URL policy (unit)', () => {
  it('accepts public https in both modes', () => {
    for (const allow of [false, true]) {
      expect(reason('https://github.com/acme/widgets.git', allow)).toBe('ok');
      expect(reason('https://api.openai.com/v1', allow)).toBe('ok');
    }
  });

  it('refuses ssh, file, git and other schemes in both modes', () => {
    for (const allow of [false, true]) {
      for (const url of ['ssh://git@github.com/acme/w.git', 'file:///etc/passwd', 'git://github.com/acme/w.git', 'ftp://x.org/a', 'javascript:alert(1)']) {
        expect(reason(url, allow), `${url} allow=${allow}`).toMatch(/scheme .* not allowed/);
      }
    }
  });

  it('refuses credentials in the URL in both modes', () => {
    for (const allow of [false, true]) {
      expect(reason('https://user:pass@github.com/a.git', allow)).toMatch(/credentials/);
      expect(reason('https://token@github.com/a.git', allow)).toMatch(/credentials/);
    }
  });

  it('refuses garbage', () => {
    expect(reason('not a url', true)).toMatch(/not a valid URL/);
  });

  it('without the flag: refuses http and local/private hosts', () => {
    expect(reason('http://github.com/a.git', false)).toMatch(/https/);
    for (const url of [
      'https://localhost/a', 'https://LOCALHOST./a', 'https://git.localhost/a', 'https://nas.local/a', 'https://svc.internal/a',
      'https://127.0.0.1/a', 'https://127.1.2.3/a', 'https://2130706433/a', 'https://0x7f000001/a', 'https://10.0.0.5/a',
      'https://172.16.0.1/a', 'https://172.31.255.255/a', 'https://192.168.1.1/a', 'https://169.254.169.254/latest',
      'https://100.64.0.1/a', 'https://0.0.0.0/a', 'https://[::1]/a', 'https://[::]/a', 'https://[fe80::1]/a',
      'https://[fd00::1]/a', 'https://[::ffff:127.0.0.1]/a', 'https://[::ffff:10.1.2.3]/a',
    ]) {
      expect(reason(url, false), url).toMatch(/local or private/);
    }
  });

  it('without the flag: public look-alikes are fine', () => {
    for (const url of ['https://172.32.0.1/a', 'https://8.8.8.8/a', 'https://[2606:4700::1111]/a', 'https://localhost.example.com/a', 'https://192.169.0.1/a']) {
      expect(reason(url, false), url).toBe('ok');
    }
  });

  it('with the flag: http and loopback are allowed (local development)', () => {
    expect(reason('http://127.0.0.1:8080/repo.git', true)).toBe('ok');
    expect(reason('http://localhost:3000/v1', true)).toBe('ok');
    expect(reason('https://[::1]:8443/x', true)).toBe('ok');
  });

  it('isPrivateHost on raw host names', () => {
    expect(isPrivateHost('localhost')).toBe(true);
    expect(isPrivateHost('example.com')).toBe(false);
  });
});

describe('GET /v1/settings/url-policy', () => {
  let owner: Client;
  beforeAll(async () => {
    owner = await setupOwner();
  });

  it('tells a signed-in user which mode this dursor is in, so the forms can say it', async () => {
    const local = await json<{ urlPolicy: UrlPolicy }>(await owner.fetch('/v1/settings/url-policy'), 200);
    expect(UrlPolicy.parse(local.urlPolicy)).toEqual({ allowPrivateUrls: true });
    const deployed = owner.with(appWith({ DURSOR_ALLOW_PRIVATE_URLS: 'false' }));
    expect((await json<{ urlPolicy: UrlPolicy }>(await deployed.fetch('/v1/settings/url-policy'), 200)).urlPolicy).toEqual({ allowPrivateUrls: false });
    expect((await client().fetch('/v1/settings/url-policy')).status).toBe(401);
  });
});
