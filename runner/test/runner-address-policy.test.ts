/**
 * Issue 11 on a whole run: a runner given a repository URL that leads to its own network. The
 * assignment says whether the deployment allows private addresses (DURSOR_ALLOW_PRIVATE_URLS);
 * when it does not, the run fails with a `policy:` reason and the git server on 127.0.0.1 never
 * hears from the runner. When it does (local development), the same URL is cloned and pushed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import { hostsFile } from './hosts-file.ts';

describe('runner: the connect-time address check on a whole run', () => {
  let h: Harness;
  let port: string;
  beforeAll(async () => {
    h = await startHarness({ resolve: hostsFile({ 'git.example.test': ['127.0.0.1'], localhost: ['127.0.0.1'] }) });
    port = new URL(h.gitServer.url).port;
    h.provider.addScenario({ match: 'Touch a file', turns: [{ toolCalls: [{ name: 'write_file', arguments: { path: 'touched.txt', content: 'yes\n' } }] }, { text: 'done' }] });
  });
  afterAll(() => h.close());

  const requestsOf = (repo: string) => h.gitServer.requests.filter((r) => r.path.startsWith(`/${repo}.git/`));

  it.each([
    ['a name that resolves to 127.0.0.1', 'git.example.test', /^policy: host git\.example\.test resolves to 127\.0\.0\.1, a loopback address/],
    ['localhost', 'localhost', /^policy: host localhost is a local or private address/],
    ['127.0.0.1', '127.0.0.1', /^policy: host 127\.0\.0\.1 is a local or private address \(loopback\)/],
    ['IPv4-mapped loopback', '[::ffff:127.0.0.1]', /^policy: host \[::ffff:7f00:1\] is a local or private address \(loopback\)/],
  ])('deployment mode: %s is refused before any request', async (_name, host, reason) => {
    const repo = `deny-${host.replace(/[^a-z0-9]/gi, '')}`;
    await h.gitServer.createRepo(repo, { 'README.md': '# x\n' });
    const a = h.worker.assign({ cloneUrl: `http://${host}:${port}/${repo}.git`, instruction: 'Touch a file', allowPrivateAddresses: false });
    const result = await h.result(a.runId);
    expect(result.outcome).toBe('failed');
    expect(result.error).toMatch(reason);
    expect(result.error).toMatch(/DURSOR_ALLOW_PRIVATE_URLS/);
    expect(requestsOf(repo)).toEqual([]);
  });

  it('local mode: the same name is cloned and the branch pushed, through the address it checked', async () => {
    await h.gitServer.createRepo('allow', { 'README.md': '# x\n' });
    const a = h.worker.assign({ cloneUrl: `http://git.example.test:${port}/allow.git`, instruction: 'Touch a file', allowPrivateAddresses: true });
    const result = await h.result(a.runId);
    expect(result.error).toBeUndefined();
    expect(result.outcome).toBe('succeeded');
    expect(await h.gitServer.readFile('allow', a.branch, 'touched.txt')).toBe('yes\n');
  });
});
