/**
 * The runner image is real (issue "Seal every attempt…"): runner/Dockerfile is built with buildah
 * on a Debian bookworm root filesystem (harness/runner-image.ts), and a container of it — its own
 * entrypoint, configured by env only — registers with the local stack and runs a patch-agent
 * attempt to a pushed branch. Inside such a container bubblewrap cannot create namespaces, so the
 * runner refuses to start there without --no-sandbox and says what to do instead.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Run } from '../protocol/src/index.ts';
import { waitFor } from '../testkit/src/wait.ts';
import { killAll } from '../testkit/src/stack/processes.ts';
import { buildRunnerImage, containerNames, removeContainers, runContainer, type RunnerImage } from './harness/runner-image.ts';
import { registrationToken } from '../testkit/src/stack/runner.ts';
import { call, editThenSay } from './harness/scenarios.ts';
import { isDone, openViewer } from '../testkit/src/stack/viewer.ts';
import { startWorld, type World } from '../testkit/src/stack/world.ts';

let image: RunnerImage;
let w: World;

beforeAll(async () => {
  // Built before the stack starts: the build takes both cores for minutes when nothing is cached.
  image = await buildRunnerImage();
  console.log(`runner image ${image.ref}: base ${image.base.cached ? 'cached' : 'made'} in ${(image.base.ms / 1000).toFixed(1)} s, image ${image.build.cached ? 'cached' : 'built'} in ${(image.build.ms / 1000).toFixed(1)} s`);
  w = await startWorld();
}, 30 * 60_000);

afterAll(async () => {
  await killAll();
  await removeContainers();
  await w?.stop();
});

it('refuses to start without --no-sandbox where bubblewrap cannot create namespaces, and says what to do', async () => {
  const c = await runContainer(image.ref, 'sandboxed', { env: { DURSOR_URL: w.stack.url, DURSOR_REGISTRATION_TOKEN: await registrationToken(w.owner) } });
  const code = await Promise.race([c.proc.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 60_000))]);
  const out = c.proc.output();
  expect(code, out).toBe(3);
  expect(out).toContain('dursor-runner: cannot sandbox agents on this host');
  expect(out).toContain('No permissions to create new namespace');
  expect(out).toContain('docker run --security-opt seccomp=unconfined --security-opt apparmor=unconfined');
  expect(out).toContain('--no-sandbox (DURSOR_NO_SANDBOX=1)');
  // It stopped before registering: the stack knows no runner.
  expect((await w.owner.ok('GET', '/v1/runners')).runners).toEqual([]);
  await c.remove();
  expect(await containerNames()).not.toContain(c.name);
});

it('registers from env with --no-sandbox, runs a patch-agent attempt to a pushed branch, then stops and is removed', async () => {
  const c = await runContainer(image.ref, 'image-runner', {
    env: { DURSOR_URL: w.stack.url, DURSOR_REGISTRATION_TOKEN: await registrationToken(w.owner), DURSOR_RUNNER_NAME: 'in-image' },
    args: ['--no-sandbox'],
  });
  await waitFor('the runner in the container to connect', async () => {
    if (c.proc.child.exitCode !== null) throw new Error(`the container exited (${c.proc.child.exitCode}):\n${c.proc.output().slice(-3000)}`);
    return c.proc.output().includes('connected to pool');
  }, 90_000, 250).catch((e: Error) => { throw new Error(`${e.message}\n--- container output ---\n${c.proc.output().slice(-3000)}`); });
  const out = c.proc.output();
  expect(out).toContain('agents run WITHOUT an OS sandbox');
  // The image's agent CLIs answer `--version` for the runner inside it (runner/src/capabilities.ts).
  const detected: string[] = JSON.parse(out.split('\n').find((l) => l.includes('agent CLIs detected')) ?? '{"clis":[]}').clis;
  for (const [id, version] of [['claude-code', '2.1.330'], ['codex', '0.169.0'], ['gemini-cli', '0.61.0']]) {
    expect(detected.some((c) => c.startsWith(`${id} `) && c.includes(version) && c.includes('(/opt/clis/bin/')), `${id} ${version} in ${detected.join(', ')}`).toBe(true);
  }
  const { runners } = await w.owner.ok('GET', '/v1/runners');
  // The owner sees that this runner's agents are not sandboxed (Settings → Runners shows the badge from this field).
  expect(runners.map((r: { name: string; online: boolean; sandbox: string | null }) => [r.name, r.online, r.sandbox])).toEqual([['in-image', true, 'none']]);

  const repo = await w.repo('image-app', { 'README.md': '# image app\n' });
  const instruction = 'Say hello from the runner image.';
  w.fake.addScenario({ match: instruction, turns: editThenSay([call('write_file', { path: 'src/hello.txt', content: 'hello from the runner image\n' })], 'Wrote src/hello.txt.') });
  const { taskId, runIds } = await w.start(repo.id, instruction);
  const viewer = await openViewer(w.stack.url, taskId, w.owner.cookie);
  await viewer.waitFor('the attempt to finish', (evs) => isDone(evs, runIds[0]), 120_000);
  viewer.close();
  const run = Run.parse((await w.owner.ok('GET', `/v1/runs/${runIds[0]}`)).run);
  expect({ status: run.status, error: run.error }).toEqual({ status: 'succeeded', error: null });
  expect(run.runnerId).toBe(runners[0].id);
  expect((await w.git.listBranches(repo.name)).sort()).toEqual([run.branch, 'main'].sort());
  expect(await w.git.readFile(repo.name, run.branch, 'src/hello.txt')).toBe('hello from the runner image\n');

  // SIGTERM (the image's STOPSIGNAL) drains and exits 0; then the container is gone.
  expect(await c.stop()).toBe(0);
  expect(c.proc.output()).toContain('runner stopped');
  await c.remove();
  expect(await containerNames()).not.toContain(c.name);
}, 300_000);
