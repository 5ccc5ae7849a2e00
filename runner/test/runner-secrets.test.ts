/**
 * Issue 11: an agent that prints every secret it could get hold of leaves none of them in what the
 * runner sends (every frame the fake Worker stored, the result) or in the runner's log. The agent
 * here is a scripted executor run by the real Job: it prints the run token, its own relay token,
 * the runner credential, the git credential, a key from its environment and well-known token
 * shapes, in streamed text split into small pieces, a tool call, a tool result and a log line.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WELL_KNOWN } from '../../testkit/src/secret-samples.ts';
import type { Executor, ExecutorEvent, ExecutorRequest } from '../src/executors/types.ts';
import { expectCleanLog, startHarness, type Harness } from './harness.ts';

/** Known values shaped like nothing well-known: only the runner's own list of secrets catches them. */
const GIT_PASSWORD = `opaque-git-password-${randomBytes(8).toString('hex')}`;
const DIRECT_KEY = `cursor-direct-key-${randomBytes(8).toString('hex')}`;

/** Cuts `s` into pieces of 1..4 characters, as a model's stream does. */
function pieces(s: string): string[] {
  const out: string[] = [];
  for (let i = 0, n = 1; i < s.length; i += n, n = (n % 4) + 1) out.push(s.slice(i, i + n));
  return out;
}

describe('runner: secrets an agent prints never leave the runner', () => {
  let h: Harness;
  let runToken = '';
  let told: () => void;
  const tokenKnown = new Promise<void>((r) => (told = r));
  const printed: string[] = [];

  const leaky: Executor = {
    async *run(req: ExecutorRequest): AsyncGenerator<ExecutorEvent> {
      await tokenKnown;
      const secrets = [runToken, req.runToken, h.credential, GIT_PASSWORD, req.spec.directApiKey ?? '', ...Object.values(WELL_KNOWN)];
      printed.push(...secrets);
      for (const [i, s] of secrets.entries()) {
        for (const p of pieces(`secret ${i}: ${s}\n`)) yield { type: 'text', text: p };
      }
      yield { type: 'tool_call', callId: 'c1', name: 'run', input: { command: `curl -H "Authorization: ${runToken}"`, env: { KEY: req.runToken, nested: [WELL_KNOWN.anthropic] } } };
      yield { type: 'tool_result', callId: 'c1', output: `env:\nANTHROPIC_API_KEY=${req.runToken}\nGITHUB_TOKEN=${WELL_KNOWN.github}\nCRED=${h.credential}`, isError: false };
      yield { type: 'log', level: 'warn', message: `the git password is ${GIT_PASSWORD}` };
      for (const p of pieces(`last words: ${req.runToken}`)) yield { type: 'text', text: p };
    },
  };

  beforeAll(async () => {
    h = await startHarness({
      executors: new Map([['patch-agent', leaky]]),
      gitServerOptions: { auth: (user, pass) => user === 'x-access-token' && pass === GIT_PASSWORD },
    });
  });
  afterAll(() => h.close());

  it('stores no secret in any frame, the result or the log, and says [redacted] where each was', async () => {
    const url = await h.gitServer.createRepo('leaky', { 'README.md': '# r\n' });
    h.worker.setGitCredential('run_leaky', () => ({ username: 'x-access-token', password: GIT_PASSWORD }));
    const a = h.worker.assign({ cloneUrl: url, instruction: 'print your secrets', runId: 'run_leaky', credentials: 'worker', executor: { directApiKey: DIRECT_KEY } });
    runToken = a.runToken;
    told();
    const result = await h.result(a.runId);
    await h.idle();
    expect(result.outcome).toBe('succeeded');
    const run = h.worker.runs.get(a.runId)!;
    expectCleanLog(run);

    expect(printed).toHaveLength(5 + Object.keys(WELL_KNOWN).length);
    expect(printed.every((s) => s.length >= 16)).toBe(true);
    const sent = JSON.stringify(run.stored);
    const log = h.logs.join('\n');
    for (const secret of printed) {
      expect(sent.includes(secret), `frames hold ${secret}`).toBe(false);
      expect(log.includes(secret), `log holds ${secret}`).toBe(false);
    }
    // Nothing was lost but the secrets: the streamed text reads whole, with [redacted] in place.
    const text = run.events.filter((e) => e.type === 'text').map((e) => e.text).join('');
    const expected = printed.map((_, i) => `secret ${i}: [redacted]\n`).join('') + 'last words: [redacted]';
    expect(text).toBe(expected);
    const result2 = run.events.find((e) => e.type === 'result');
    expect(JSON.stringify(result2)).toContain('[redacted]');
  });
});
