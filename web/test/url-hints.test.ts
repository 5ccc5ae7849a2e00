import { describe, expect, it } from 'vitest';
import { PROVIDERS } from '../../protocol/src/index.ts';
import { baseUrlHint, cloneUrlHint } from '../src/lib/url-hints.ts';

const local = { allowPrivateUrls: true };
const deployed = { allowPrivateUrls: false };

describe('URL field hints', () => {
  it('the clone URL hint says what this dursor accepts: http locally, https only when deployed', () => {
    expect(cloneUrlHint(local)).toMatch(/https or http/);
    expect(cloneUrlHint(local)).not.toMatch(/https only/);
    expect(cloneUrlHint(deployed)).toMatch(/^https to a public host/);
    expect(cloneUrlHint(deployed)).toMatch(/http and local addresses are refused/);
    expect(cloneUrlHint(null)).not.toMatch(/only|refused|http /);
  });

  it('base URL hints name each provider’s own root; only local mode suggests a local server', () => {
    expect(baseUrlHint('anthropic', local)).toMatch(/https:\/\/api\.anthropic\.com \(the API root, without \/v1\)/);
    expect(baseUrlHint('google', local)).toMatch(/without \/v1beta/);
    expect(baseUrlHint('openai-compatible', local)).toMatch(/http:\/\/localhost:11434\/v1/);
    expect(baseUrlHint('openai-compatible', deployed)).not.toMatch(/localhost/);
    expect(baseUrlHint('openai-compatible', deployed)).toMatch(/over https to a public host/);
    for (const p of PROVIDERS) expect(baseUrlHint(p, null)).toBeTruthy();
  });
});
