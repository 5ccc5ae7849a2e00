/**
 * Issue 11, item 5, on the real stack: a runner process's state file copied to a second runner
 * process. The copy connects and takes the runner's place; the real runner redials with the
 * credential it saved, wins its place back, and the copy is refused for good (exit 1, "used from
 * two places"). The copied credential opens nothing any more, the owner sees the warning in
 * GET /v1/runners and on Settings → Runners, and the real runner still runs tasks.
 */
import { copyFile, mkdtemp, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Runner } from '../protocol/src/index.ts';
import { launchChromium } from '../testkit/src/stack/browser.ts';
import { waitFor } from '../testkit/src/wait.ts';
import { registrationToken, startRunner, stopRunners } from '../testkit/src/stack/runner.ts';
import { writeOneFile } from './harness/scenarios.ts';
import { isDone, openViewer } from '../testkit/src/stack/viewer.ts';
import { startWorld, type World } from '../testkit/src/stack/world.ts';

let w: World;
beforeAll(async () => { w = await startWorld(); });
afterAll(async () => {
  await stopRunners();
  await w?.stop();
});

const stateOf = async (dir: string) => JSON.parse(await readFile(path.join(dir, 'runner.json'), 'utf8')) as { runnerId: string; credential: string };

async function listed(): Promise<Runner[]> {
  return Runner.array().parse((await w.owner.ok('GET', '/v1/runners')).runners);
}

/** Dials the pool socket with a credential; the HTTP status of the refusal (101 would be a socket). */
async function poolStatus(credential: string): Promise<number> {
  const res = await fetch(`${w.stack.url}/v1/runners/connect`, { headers: { authorization: `Bearer ${credential}` } });
  await res.body?.cancel();
  return res.status;
}

describe('a copied runner credential', () => {
  it('stops working once the real runner reconnects, and the owner sees the runner was used from two places', async () => {
    const token = await registrationToken(w.owner);
    const real = await startRunner({ url: w.stack.url, token, name: 'real', dir: w.stack.dir, slots: 1 });
    await waitFor('the real runner to connect and save its rotated credential', async () => real.output().includes('runner credential rotated and saved'), 60_000);
    const saved = await stateOf(real.stateDir);
    expect((await stat(path.join(real.stateDir, 'runner.json'))).mode & 0o777).toBe(0o600);
    const [row] = await listed();
    expect(row).toMatchObject({ id: saved.runnerId, online: true, credentialConflictAt: null });

    // The state file, copied while the real runner runs, starts a second process.
    const copyDir = await mkdtemp(path.join(w.stack.dir, 'copy-state-'));
    await copyFile(path.join(real.stateDir, 'runner.json'), path.join(copyDir, 'runner.json'));
    const copy = await startRunner({ url: w.stack.url, token, name: 'copy', dir: w.stack.dir, slots: 1, stateDir: copyDir });

    expect(await Promise.race([copy.exited, new Promise((r) => setTimeout(() => r('still running'), 90_000))])).toBe(1);
    expect(copy.output()).toContain('close 4003: runner credential used from two places; the runner won its place back');
    expect(real.output()).toContain('reconnecting to take the place back');
    await waitFor('the real runner to be back with a fresh credential', async () => {
      const now = await stateOf(real.stateDir);
      return now.credential !== saved.credential && (await listed())[0].online;
    }, 30_000);

    // How long the copy held the place: from its welcome to the real runner's welcome after it (printed, not asserted).
    const welcomes = (out: string) => out.split('\n').filter((l) => l.includes('"connected to pool"')).map((l) => Date.parse(JSON.parse(l).ts));
    const copyIn = welcomes(copy.output())[0];
    const realBack = welcomes(real.output()).find((t) => t > copyIn);
    console.log(`the copy held the runner's place for ${realBack! - copyIn} ms`);

    // Neither the copied credential nor the one the copy was given opens anything now.
    expect(await poolStatus(saved.credential)).toBe(401);
    expect(await poolStatus((await stateOf(copyDir)).credential)).toBe(401);
    const [flagged] = await listed();
    expect(flagged).toMatchObject({ id: saved.runnerId, online: true });
    expect(flagged.credentialConflictAt).toBeTypeOf('number');

    // The owner sees it on Settings → Runners.
    const browser = await launchChromium();
    try {
      const context = await browser.newContext();
      const [name, value] = w.owner.cookie.split('=');
      await context.addCookies([{ name, value, url: w.stack.url }]);
      const page = await context.newPage();
      await page.goto(`${w.stack.url}/settings/runners`);
      const warning = page.getByTestId('runner').filter({ hasText: 'real' }).getByTestId('runner-credential-conflict');
      await warning.waitFor({ timeout: 30_000 });
      expect(await warning.innerText()).toContain('Credential used from two places');
    } finally {
      await browser.close();
    }

    // The real runner still takes work.
    const repo = await w.repo('after-copy');
    const instruction = 'Prove the runner is still yours.';
    w.fake.addScenario({ match: instruction, turns: writeOneFile('still-mine.txt', 'yes\n') });
    const { taskId, runIds: [runId] } = await w.start(repo.id, instruction);
    const viewer = await openViewer(w.stack.url, taskId, w.owner.cookie);
    await viewer.waitFor('the run to finish on the real runner', (evs) => isDone(evs, runId), 90_000);
    const { run } = await w.owner.ok('GET', `/v1/runs/${runId}`);
    expect(run).toMatchObject({ status: 'succeeded', runnerId: saved.runnerId });
    expect(await w.git.readFile(repo.name, run.branch, 'still-mine.txt')).toBe('yes\n');
    viewer.close();
  });
});
