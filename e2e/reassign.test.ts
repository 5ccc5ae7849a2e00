/**
 * A runner killed mid-run, with the default 30 s lease (issue 9): its run socket closes, the
 * TaskRoom gives it a 5 s grace and, since another runner can start it, hands the run over — it
 * runs again elsewhere within 10 s instead of after the lease — and the patch agent continues from
 * its last finished turn: the turns it had finished are replayed from the event log, not asked of
 * the model (nor paid for) again.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Run } from '../protocol/src/index.ts';
import { waitFor } from '../testkit/src/wait.ts';
import { registrationToken, startRunner } from '../testkit/src/stack/runner.ts';
import { call } from './harness/scenarios.ts';
import { isDone, openViewer, statuses } from '../testkit/src/stack/viewer.ts';
import { startWorld, type World } from '../testkit/src/stack/world.ts';

let w: World;
beforeAll(async () => { w = await startWorld({ leaseMs: 30_000 }); });
afterAll(async () => { await w?.stop(); });

it('runs a killed runner\'s attempt elsewhere within 10 s, continuing from its last finished turn', { timeout: 120_000 }, async () => {
  const repo = await w.repo('reassigned');
  const instruction = 'Write three files, one per turn.';
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  w.fake.addScenario({ match: instruction, turns: [
    { text: 'One.', toolCalls: [call('write_file', { path: 'one.txt', content: '1\n' })] },
    { text: 'Two.', toolCalls: [call('write_file', { path: 'two.txt', content: '2\n' })] },
    { text: 'Three.', hold: held, toolCalls: [call('write_file', { path: 'three.txt', content: '3\n' })] },
    { text: 'All three written.' },
  ] });
  const token = await registrationToken(w.owner);
  const doomed = await startRunner({ url: w.stack.url, token, name: 'doomed', dir: w.stack.dir, slots: 1 });
  const { taskId, runIds: [runId] } = await w.start(repo.id, instruction);
  const viewer = await openViewer(w.stack.url, taskId, w.owner.cookie);
  await viewer.waitFor('the run to be running on the first runner', (evs) => statuses(evs, runId).includes('running'));
  await startRunner({ url: w.stack.url, token, name: 'rescuer', dir: w.stack.dir, slots: 1 });
  await waitFor('the rescuer to be connected', async () => (await w.owner.ok('GET', '/v1/runners')).runners.some((r: { name: string; online: boolean }) => r.name === 'rescuer' && r.online));
  const turnsAsked = (i: number) => w.fake.requests.filter((r) => r.scenario === instruction && r.turnIndex === i).length;
  await waitFor('the third turn held at the provider', async () => turnsAsked(2) === 1, 60_000);

  const killedAt = Date.now();
  await doomed.kill('SIGKILL');
  await viewer.waitFor('the run to run again', (evs) => statuses(evs, runId).filter((s) => s === 'running').length === 2, 20_000);
  const movedMs = Date.now() - killedAt;
  release();
  await viewer.waitFor('the run to finish', (evs) => isDone(evs, runId), 60_000);

  expect(movedMs, 'from the kill to running on the rescuer').toBeLessThan(10_000);
  const s = statuses(viewer.events, runId);
  expect(s.slice(s.indexOf('lost'))).toEqual(['lost', 'queued', 'assigned', 'preparing', 'running', 'finishing', 'succeeded']);
  const lost = viewer.events.find((e) => e.runId === runId && e.type === 'status' && e.status === 'lost');
  expect(lost).toMatchObject({ reason: 'runner lost: its connection closed and did not come back within 5 s' });
  const run = Run.parse((await w.owner.ok('GET', `/v1/runs/${runId}`)).run);
  expect(run.status).toBe('succeeded');
  for (const [file, body] of [['one.txt', '1\n'], ['two.txt', '2\n'], ['three.txt', '3\n']]) {
    expect(await w.git.readFile(repo.name, run.branch, file)).toBe(body);
  }
  // The two finished turns were asked of the model once; only the turn in flight when the runner died twice.
  expect([0, 1, 2, 3].map(turnsAsked)).toEqual([1, 1, 2, 1]);
  expect(viewer.events.some((e) => e.runId === runId && e.type === 'log' && /continuing from turn 3/i.test(e.message))).toBe(true);
  viewer.close();
});
