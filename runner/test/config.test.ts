import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/config.ts';

describe('config', () => {
  it('reads flags, falls back to env vars, and normalises the URL', () => {
    const cfg = parseConfig(['--url', 'http://127.0.0.1:8787/', '--slots', '3', '--labels', 'gpu, fast'], {
      DURSOR_REGISTRATION_TOKEN: 'drr_x', DURSOR_RUNNER_NAME: 'box', DURSOR_STATE_DIR: '/tmp/st', DURSOR_RUNNER_SLOTS: '9',
    })!;
    expect(cfg).toMatchObject({ url: 'http://127.0.0.1:8787', slots: 3, name: 'box', registrationToken: 'drr_x', labels: ['gpu', 'fast'], stateDir: '/tmp/st', workDir: '/tmp/st/work', maxFileBytes: 1024 * 1024, gatewayOutageMs: 60_000 });
    expect(parseConfig(['--url', 'http://x', '--gateway-outage-secs', '5'], {})?.gatewayOutageMs).toBe(5_000);
    expect(parseConfig(['--url', 'http://x'], { DURSOR_GATEWAY_OUTAGE_SECS: '120' })?.gatewayOutageMs).toBe(120_000);
    expect(parseConfig(['--help'], {})).toBeNull();
  });

  it('--no-sandbox or DURSOR_NO_SANDBOX=1 turns the agent sandbox off; it is on by default', () => {
    expect(parseConfig(['--url', 'http://x'], {})?.noSandbox).toBe(false);
    expect(parseConfig(['--url', 'http://x', '--no-sandbox'], {})?.noSandbox).toBe(true);
    expect(parseConfig(['--url', 'http://x'], { DURSOR_NO_SANDBOX: '1' })?.noSandbox).toBe(true);
    expect(parseConfig(['--url', 'http://x'], { DURSOR_NO_SANDBOX: '0' })?.noSandbox).toBe(false);
  });

  it.each([
    [[], 'missing --url'],
    [['--url', 'ftp://x'], '--url must be http(s)'],
    [['--url', 'nope'], '--url is not a valid URL'],
    [['--url', 'http://u:p@x'], 'must not contain credentials'],
    [['--url', 'http://x', '--slots', 'many'], '--slots must be a whole number, got "many"'],
    [['--url', 'http://x', '--slots', '0'], '--slots must be between 1 and 64'],
    [['--url', 'http://x', '--max-file-bytes=1.5'], '--max-file-bytes must be a whole number, got "1.5"'],
    [['--url', 'http://x', '--bogus'], "Unknown option '--bogus'"],
    [['--url', 'http://x', '--gateway-outage-secs', '0'], '--gateway-outage-secs must be between 1 and 3600'],
  ])('%j is refused with a readable message', (argv, message) => {
    expect(() => parseConfig(argv, {})).toThrow(ConfigError);
    expect(() => parseConfig(argv, {})).toThrow(message);
  });
});
