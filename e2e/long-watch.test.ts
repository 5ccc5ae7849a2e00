/**
 * A page left open while agents stream (issue 9): the task page stays open in Chromium for more
 * than 30 s of streaming while the tab also reads a few resources every 5 s (dursor's sidebar
 * polled `GET /v1/tasks` every 5 s; scripts and dashboards do the same); one attempt is cancelled and
 * retried, and the user navigates away and back mid-stream. The stack must keep serving and every
 * run must end as it should. On wrangler 4.124 this killed `wrangler dev`: keep-alive connections
 * between its proxy and workerd idle out after 5 s, a request reused one as it closed, and the
 * proxy treated the failed fetch as fatal. `DURSOR_E2E_WRANGLER=<path of wrangler.js>` runs the
 * same test on another wrangler (see e2e/README.md). A second tab on Settings shows the task's
 * badge following it without polling (the user feed).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FakeOpenAI, GitServer } from '../testkit/src/index.ts';
import { call } from './harness/scenarios.ts';
import type { Stack } from '../testkit/src/stack/stack.ts';
import { startBrowserWorld, type BrowserWorld } from './harness/browser-world.ts';
import { addScriptedProfile, createOwnerInBrowser, openSettings } from './harness/ui-steps.ts';

/** How long the attempts stream (the crash came 11–27 s after a task started). */
const STREAM_MS = 36_000;
let stack: Stack, git: GitServer, fake: FakeOpenAI, browser: Browser, page: Page;

let world: BrowserWorld;

beforeAll(async () => {
  world = await startBrowserWorld({ runnerName: 'long-watch-runner', slots: 3 });
  ({ stack, git, fake, browser, page } = world);
});
afterAll(() => world?.stop());

const statuses = async () => Promise.all((await page.getByTestId('run-card').all()).map((c) => c.getAttribute('data-status')));
/** Rejects as soon as `wrangler dev` exits, with what it printed last, so a crash fails the test at once. */
const workerDeath = () => stack.worker.exited.then((code) => {
  throw new Error(`wrangler dev exited (${code}) while the page watched:\n${stack.worker.output().slice(-3000)}`);
});

it('keeps serving a page that watches attempts stream for over 30 s, through cancel, retry and navigation', { timeout: 240_000 }, async () => {
  await Promise.race([watch(), workerDeath()]);
  const state = await fetch(`${stack.url}/v1/auth/state`);
  expect(state.status).toBe(200);
});

async function watch(): Promise<void> {
  const instruction = 'Narrate the changelog slowly, then add an entry.';
  // ~90 streamed pieces of 12 characters, 400 ms apart: each attempt's first turn streams for ~36 s.
  const narration = Array.from({ length: 45 }, (_, i) => `Line ${String(i + 1).padStart(2, '0')} of the story.\n`).join('');
  fake.addScenario({ match: instruction, turns: [
    { text: narration, toolCalls: [call('read_file', { path: 'CHANGELOG.md' })], chunkDelayMs: Math.round(STREAM_MS / Math.ceil(narration.length / 12)) },
    { text: 'Adding the entry.', toolCalls: [call('edit_file', { path: 'CHANGELOG.md', old_string: '## Unreleased\n', new_string: '## Unreleased\n- Watched for a long time\n' })] },
    { text: 'Added the entry.' },
  ] });
  const cloneUrl = await git.createRepo('long-watch', { 'CHANGELOG.md': '# Changelog\n\n## Unreleased\n' });

  await createOwnerInBrowser(page, stack.url);
  await addScriptedProfile(page, fake.url, 'sk-long-watch-key-4321');
  await expect.poll(() => page.getByText('Scripted model').count()).toBeGreaterThan(0);
  await openSettings(page, 'Repositories');
  await page.getByLabel('Clone URL').fill(cloneUrl);
  await page.getByLabel('Default branch').fill('main');
  await page.getByRole('button', { name: 'Add repository' }).click();
  await expect.poll(() => page.getByText(cloneUrl).count()).toBeGreaterThan(0);

  await page.getByRole('link', { name: 'New task' }).click();
  await expect.poll(() => page.getByLabel('Repository').inputValue()).not.toBe('');
  await page.getByLabel('Instruction').fill(instruction);
  await page.getByLabel('Model', { exact: true }).selectOption({ label: 'Scripted model' });
  await page.getByLabel('Count').fill('2');
  await page.getByRole('button', { name: 'Start task' }).click();
  const started = Date.now();
  // The only periodic traffic: four reads at once every 5 s, like a dashboard refreshing what it
  // shows (each reuses its own pooled connection; a request every second or so would hide the bug).
  await page.evaluate(() => setInterval(() => {
    for (const path of ['/v1/auth/state', '/v1/repos', '/v1/model-profiles', '/v1/runners']) void fetch(path).catch(() => {});
  }, 5_000));
  const listReads: number[] = [];
  page.on('request', (r) => {
    if (r.method() === 'GET' && new URL(r.url()).pathname === '/v1/tasks') listReads.push(Date.now());
  });
  const other = await page.context().newPage();
  await other.goto(`${stack.url}/settings`);
  const otherBadge = other.getByTestId('task-list-item').first().locator('[data-status]');
  await expect.poll(() => otherBadge.getAttribute('data-status'), { timeout: 20_000 }).toBe('running');

  const cards = page.getByTestId('run-card');
  await expect.poll(() => cards.count(), { timeout: 20_000 }).toBe(2);
  await expect.poll(async () => (await cards.allInnerTexts()).every((t) => t.includes('Line 02')), { timeout: 30_000 }).toBe(true);

  // ~10 s in: cancel the second attempt, then retry it.
  await page.waitForTimeout(Math.max(0, 10_000 - (Date.now() - started)));
  await cards.nth(1).getByRole('button', { name: 'Cancel' }).click();
  await expect.poll(() => cards.nth(1).getAttribute('data-status'), { timeout: 10_000 }).toBe('cancelled');
  await cards.nth(1).getByRole('button', { name: 'Retry' }).click();
  await expect.poll(() => cards.count(), { timeout: 10_000 }).toBe(3);

  // ~20 s in: away to Settings for a few seconds, then back to the task through the sidebar.
  await page.waitForTimeout(Math.max(0, 20_000 - (Date.now() - started)));
  const taskUrl = page.url();
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect.poll(() => page.url()).toContain('/settings');
  await page.waitForTimeout(4_000);
  await page.getByTestId('task-list-item').first().getByRole('link').click();
  await expect.poll(() => page.url()).toBe(taskUrl);
  await expect.poll(() => cards.count(), { timeout: 10_000 }).toBe(3);

  // Every run ends as it should: the first succeeds, the cancelled one stays cancelled, the retry succeeds.
  await expect.poll(statuses, { timeout: 150_000, interval: 1_000 }).toEqual(['succeeded', 'cancelled', 'succeeded']);
  expect(Date.now() - started).toBeGreaterThan(30_000);
  const diffs = page.getByTestId('run-diff');
  await expect.poll(() => diffs.count(), { timeout: 20_000 }).toBe(2);
  for (const d of await diffs.all()) expect(await d.innerText()).toContain('+- Watched for a long time');
  // The other tab's sidebar followed the task to its end through the feed; neither tab polled the list.
  await expect.poll(() => otherBadge.getAttribute('data-status'), { timeout: 10_000 }).toBe('done');
  expect(listReads.length, 'GET /v1/tasks from the task page').toBeLessThanOrEqual(2);
  await other.close();
}
