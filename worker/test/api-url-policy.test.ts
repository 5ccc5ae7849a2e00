import { beforeAll, describe, expect, it } from 'vitest';
import { UrlPolicy } from '../../protocol/src/index.ts';
import { addressRefusal, checkOutboundUrl, hostRefusal } from '../src/lib/url-policy.ts';
import type { Client } from './helpers/api.ts';
import { appWith, client, json, setupOwner, type ApiErrorBody } from './helpers/api.ts';

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

  it('without the flag: refuses http', () => {
    expect(reason('http://github.com/a.git', false)).toMatch(/https/);
  });

  // Every way of spelling "an address on the deployment's own network" (issue 11). Each row is
  // refused without the allowance and accepted with it (http included, as in local development).
  const privateSpellings: [string, string][] = [
    // names
    ['localhost', 'https://localhost/a'], ['localhost, any case, trailing dot', 'https://LOCALHOST./a'],
    ['*.localhost', 'https://git.localhost/a'], ['*.local', 'https://nas.local/a'], ['*.internal', 'https://svc.internal/a'],
    ['*.internal, trailing dot', 'https://metadata.google.internal./x'],
    // IPv4 literals of every special range
    ['loopback', 'https://127.0.0.1/a'], ['loopback /8', 'https://127.1.2.3/a'], ['private 10/8', 'https://10.0.0.5/a'],
    ['private 172.16/12', 'https://172.16.0.1/a'], ['private 172.31', 'https://172.31.255.255/a'], ['private 192.168/16', 'https://192.168.1.1/a'],
    ['link-local (cloud metadata)', 'https://169.254.169.254/latest'], ['CGNAT', 'https://100.64.0.1/a'], ['unspecified', 'https://0.0.0.0/a'],
    ['this network 0/8', 'https://0.1.2.3/a'], ['multicast', 'https://224.0.0.1/a'], ['broadcast', 'https://255.255.255.255/a'],
    ['reserved 240/4', 'https://240.0.0.1/a'], ['IETF protocol 192.0.0/24', 'https://192.0.0.8/a'], ['benchmarking 198.18/15', 'https://198.18.0.1/a'],
    // IPv4 spellings the URL parser turns into a dotted quad
    ['decimal', 'https://2130706433/a'], ['hex', 'https://0x7f000001/a'], ['hex parts', 'https://0x7f.0x0.0x0.0x1/a'],
    ['octal', 'https://0177.0.0.1/a'], ['short', 'https://127.1/a'], ['short private', 'https://10.1/a'], ['trailing dot', 'https://127.0.0.1./a'],
    ['octal private', 'https://012.0.0.1/a'], ['decimal metadata', 'https://2852039166/latest'],
    // IPv6 literals
    ['v6 loopback', 'https://[::1]/a'], ['v6 unspecified', 'https://[::]/a'], ['v6 link-local', 'https://[fe80::1]/a'],
    ['v6 unique-local', 'https://[fd00::1]/a'], ['v6 site-local', 'https://[fec0::1]/a'], ['v6 multicast', 'https://[ff02::1]/a'],
    // IPv6 forms that embed an IPv4 address
    ['IPv4-mapped loopback', 'https://[::ffff:127.0.0.1]/a'], ['IPv4-mapped private', 'https://[::ffff:10.1.2.3]/a'],
    ['IPv4-mapped, hex', 'https://[::ffff:7f00:1]/a'], ['IPv4-mapped metadata', 'https://[::ffff:169.254.169.254]/a'],
    ['IPv4-compatible loopback', 'https://[::127.0.0.1]/a'], ['IPv4-compatible private', 'https://[::10.0.0.1]/a'],
    ['IPv4-compatible, public inside', 'https://[::8.8.8.8]/a'],
    ['NAT64 64:ff9b::/96', 'https://[64:ff9b::127.0.0.1]/a'], ['NAT64, hex', 'https://[64:ff9b::a00:1]/a'],
    ['NAT64 local 64:ff9b:1::/48', 'https://[64:ff9b:1::7f00:1]/a'], ['SIIT ::ffff:0:a.b.c.d', 'https://[::ffff:0:127.0.0.1]/a'],
    ['6to4 2002::/16 of loopback', 'https://[2002:7f00:1::]/a'], ['6to4 of private', 'https://[2002:a00:1::1]/a'],
    ['Teredo 2001::/32', 'https://[2001:0:4136:e378:8000:63bf:80ff:fffe]/a'], ['discard 100::/64', 'https://[100::1]/a'],
    ['documentation 2001:db8::/32', 'https://[2001:db8::1]/a'], ['outside 2000::/3', 'https://[4000::1]/a'],
    // userinfo and parser tricks: the host the URL really names is what counts
    ['fragment before @', 'https://127.0.0.1#@github.com/a'], ['backslash before @', 'https://127.0.0.1\\@github.com/a'],
    ['query before @', 'https://10.0.0.1?@github.com/a'], ['tab in host', 'https://127.0.0.\t1/a'],
  ];

  it.each(privateSpellings)('refuses %s without the allowance, accepts it with it', (_name, url) => {
    expect(reason(url, false)).toMatch(/local or private/);
    expect(reason(url, true)).toBe('ok');
    expect(reason(url.replace(/^https:/, 'http:'), true)).toBe('ok');
  });

  const credentialTricks: [string, string][] = [
    ['public user before a private host', 'https://github.com@127.0.0.1/a'],
    ['private user before a public host', 'https://127.0.0.1@github.com/a'],
    ['user and password', 'https://x:y@10.0.0.1/a'],
    ['encoded @ in the user', 'https://github.com%40x@127.0.0.1/a'],
  ];
  it.each(credentialTricks)('refuses userinfo tricks in both modes: %s', (_name, url) => {
    expect(reason(url, false)).toMatch(/credentials/);
    expect(reason(url, true)).toMatch(/credentials/);
  });

  it('without the flag: public look-alikes are fine', () => {
    for (const url of [
      'https://172.32.0.1/a', 'https://8.8.8.8/a', 'https://[2606:4700::1111]/a', 'https://localhost.example.com/a', 'https://192.169.0.1/a',
      'https://[::ffff:8.8.8.8]/a', 'https://[2a00:1450:4001::200e]/a', 'https://100.128.0.1/a', 'https://local.example.com/a', 'https://internal-git.example.com/a',
    ]) {
      expect(reason(url, false), url).toBe('ok');
    }
  });

  it('says which range an address is in', () => {
    expect(reason('https://[64:ff9b::7f00:1]/a', false)).toMatch(/NAT64/);
    expect(reason('https://[2002:7f00:1::]/a', false)).toMatch(/6to4/);
    expect(reason('https://169.254.169.254/', false)).toMatch(/link-local/);
    expect(reason('https://[::127.0.0.1]/a', false)).toMatch(/IPv4-compatible/);
  });

  it('addressRefusal judges resolved addresses the same way (what the runner asks at connect time)', () => {
    for (const a of ['127.0.0.1', '10.0.0.1', '::1', '::ffff:127.0.0.1', '64:ff9b::a00:1', '2002:a00:1::', 'fe80::1%eth0', 'not-an-ip']) {
      expect(addressRefusal(a), a).not.toBeNull();
    }
    for (const a of ['8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8']) expect(addressRefusal(a), a).toBeNull();
  });

  it('hostRefusal on raw host names', () => {
    expect(hostRefusal('localhost')).toMatch(/local or private/);
    expect(hostRefusal('example.com')).toBeNull();
  });

  it('with the flag: http and loopback are allowed (local development)', () => {
    expect(reason('http://127.0.0.1:8080/repo.git', true)).toBe('ok');
    expect(reason('http://localhost:3000/v1', true)).toBe('ok');
    expect(reason('https://[::1]:8443/x', true)).toBe('ok');
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

describe('every outbound URL field goes through the same policy (deployment mode)', () => {
  let strict: Client;
  beforeAll(async () => {
    strict = (await setupOwner()).with(appWith({ DURSOR_ALLOW_PRIVATE_URLS: 'false' }));
  });

  const embedded = ['https://[64:ff9b::a00:1]/x', 'https://[2002:a00:1::]/x', 'https://[::127.0.0.1]/x', 'https://0x7f.1/x', 'https://[::ffff:169.254.169.254]/x'];

  it.each(embedded)('%s is refused as a clone URL, a model base URL, a GitHub API root and a GitHub web root', async (url) => {
    const asks: [string, string, object, RegExp][] = [
      ['POST', '/v1/repos', { cloneUrl: url }, /^cloneUrl: host .* local or private/],
      ['POST', '/v1/model-profiles', { provider: 'openai-compatible', model: 'm', apiKey: 'sk-test-0123456789', baseUrl: url }, /^baseUrl: host .* local or private/],
      ['PUT', '/v1/github/connection', { kind: 'token', token: 'ghp_0123456789abcdef', apiBaseUrl: url }, /^apiBaseUrl: host .* local or private/],
      ['POST', '/v1/github/manifest', { webUrl: url }, /^webUrl: host .* local or private/],
    ];
    for (const [method, path, body, message] of asks) {
      const res = await strict.fetch(path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const err = await json<ApiErrorBody>(res, 400);
      expect(err.error.message, `${method} ${path}`).toMatch(message);
    }
  });
});
