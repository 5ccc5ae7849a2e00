/**
 * The browser path in headless Chromium against the real stack: first-run setup, a model profile
 * and a repository added through Settings, a new task with 2 attempts, both streaming live and
 * ending with their diffs on the task page; then a page whose socket drops mid-run and resumes.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FakeOpenAI, GitServer } from '../testkit/src/index.ts';
import { axeEverywhere, axeViolations } from './harness/axe.ts';
import { call } from './harness/scenarios.ts';
import { ROOT, type Stack } from '../testkit/src/stack/stack.ts';
import { startTcpProxy } from '../testkit/src/tcp-proxy.ts';
import { startBrowserWorld, type BrowserWorld } from './harness/browser-world.ts';
import { addScriptedProfile, createOwnerInBrowser, openSettings } from './harness/ui-steps.ts';

const shots = path.join(ROOT, 'e2e/artifacts');
let stack: Stack, git: GitServer, fake: FakeOpenAI, browser: Browser, page: Page;

let world: BrowserWorld;

beforeAll(async () => {
  world = await startBrowserWorld({ runnerName: 'browser-runner', slots: 2 });
  ({ stack, git, fake, browser, page } = world);
  mkdirSync(shots, { recursive: true });
});
afterAll(() => world?.stop());

it('sets up, creates a task with 2 attempts, and shows both streaming and their diffs', async () => {
  const instruction = 'Add a changelog entry for the browser test.';
  fake.addScenario({ match: instruction, turns: [
    { text: 'Reading the changelog first. ', toolCalls: [call('read_file', { path: 'CHANGELOG.md' })], chunkDelayMs: 20 },
    { text: 'Adding the entry now.', toolCalls: [call('edit_file', { path: 'CHANGELOG.md', old_string: '## Unreleased\n', new_string: '## Unreleased\n- Browser test entry\n' })], chunkDelayMs: 20 },
    { text: 'Added the changelog entry.' },
  ] });
  const cloneUrl = await git.createRepo('web-app', { 'CHANGELOG.md': '# Changelog\n\n## Unreleased\n' });

  await createOwnerInBrowser(page, stack.url);
  await addScriptedProfile(page, fake.url, 'sk-browser-test-key-9876');
  await expect.poll(() => page.getByText('Scripted model').count()).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Test connection Scripted model' }).click();
  await expect.poll(() => page.getByTestId('profile-test').getAttribute('data-ok')).toBe('true');
  await openSettings(page, 'Repositories');
  await page.getByLabel('Clone URL').fill(cloneUrl);
  await page.getByLabel('Default branch').fill('main');
  await page.getByRole('button', { name: 'Add repository' }).click();
  await expect.poll(() => page.getByText(cloneUrl).count()).toBeGreaterThan(0);
  await page.screenshot({ path: path.join(shots, 'settings.png'), fullPage: true });
  expect(await axeEverywhere(page, 'Settings → Repositories')).toEqual([]);
  await openSettings(page, 'Account');
  await page.getByLabel('Token name').fill('deploy script');
  await page.getByRole('button', { name: 'Create API token' }).click();
  await expect.poll(() => page.getByTestId('api-token-created').textContent()).toMatch(/dat_/);
  await expect.poll(() => page.getByTestId('api-token').count()).toBe(1);
  await openSettings(page, 'Budgets');
  await page.getByLabel('Default task budget (USD)').fill('3');
  await page.getByRole('button', { name: 'Save budgets' }).click();
  await expect.poll(() => page.getByTestId('budgets').innerText()).toContain('Saved.');
  expect(await axeEverywhere(page, 'Settings → Budgets')).toEqual([]);

  await page.getByRole('link', { name: 'New task' }).click();
  await expect.poll(() => page.getByLabel('Repository').inputValue()).not.toBe('');
  expect(await axeEverywhere(page, 'New task')).toEqual([]);
  await page.getByLabel('Instruction').fill(instruction);
  await page.getByLabel('Model', { exact: true }).selectOption({ label: 'Scripted model' });
  await page.getByLabel('Count').fill('2');
  await page.getByRole('button', { name: 'Start task' }).click();

  const cards = page.getByTestId('run-card');
  await expect.poll(() => cards.count(), { timeout: 20_000 }).toBe(2);
  // Both attempts stream text before they finish.
  await expect.poll(async () => (await cards.allInnerTexts()).every((t) => t.includes('Reading the changelog first.')), { timeout: 60_000 }).toBe(true);
  await page.screenshot({ path: path.join(shots, 'task-streaming.png'), fullPage: true });
  await expect.poll(async () => Promise.all((await cards.all()).map((c) => c.getAttribute('data-status'))), { timeout: 60_000 }).toEqual(['succeeded', 'succeeded']);
  const diffs = page.getByTestId('run-diff');
  await expect.poll(() => diffs.count(), { timeout: 20_000 }).toBe(2);
  for (const d of await diffs.all()) expect(await d.innerText()).toContain('+- Browser test entry');
  await expect.poll(() => page.getByTestId('task-status').getAttribute('data-status')).toBe('done');
  // The sidebar follows the open task live, without waiting for its next list refresh.
  await expect.poll(() => page.getByTestId('task-list-item').locator('[data-status]').getAttribute('data-status')).toBe('done');
  // Each card ends with the run's numbers: tokens from the gateway, wall time, time to first token.
  await expect.poll(async () => (await page.getByTestId('run-summary').allInnerTexts()).filter((t) => /in · .* out · wall .* · first token /.test(t)).length, { timeout: 10_000 }).toBe(2);
  await page.screenshot({ path: path.join(shots, 'task-done.png'), fullPage: true });
  expect(await axeEverywhere(page, 'task page, done')).toEqual([]);
  // The default task budget from Settings applies to a task created without one.
  const taskId = await page.getByTestId('task-page').getAttribute('data-task-id');
  const detail = await page.evaluate(async (id) => (await fetch(`/v1/tasks/${id}`)).json(), taskId);
  expect(detail.task.budgetUsd).toBe(3);
  expect(await page.getByTestId('task-list-no-match').count()).toBe(0);

  // The shell: `?` opens the shortcut help (Esc closes it), j/k move between attempts, the theme
  // toggles, and the sidebar filter says when nothing matches.
  await page.keyboard.press('?');
  await expect.poll(() => page.getByTestId('shortcut-help').isVisible()).toBe(true);
  expect(await axeEverywhere(page, 'shortcut help')).toEqual([]);
  await page.keyboard.press('Escape');
  await expect.poll(() => page.getByTestId('shortcut-help').count()).toBe(0);
  await page.keyboard.press('j');
  await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('run-card');
  const firstFocused = await page.evaluate(() => document.activeElement?.getAttribute('data-run-id'));
  await page.keyboard.press('j');
  await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-run-id'))).not.toBe(firstFocused);
  const theme = await page.evaluate(() => document.documentElement.dataset.theme);
  await page.getByRole('button', { name: /^Switch to (dark|light) theme$/ }).click();
  await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).not.toBe(theme);
  expect(await axeViolations(page)).toEqual([]);
  await page.getByLabel('Filter tasks').fill('no task is called this');
  await expect.poll(() => page.getByTestId('task-list-item').count()).toBe(0);
  expect(await page.getByTestId('task-list-no-match').innerText()).toContain('No task title contains');
  await page.getByLabel('Filter tasks').fill('changelog');
  await expect.poll(() => page.getByTestId('task-list-item').count()).toBe(1);
  await page.getByLabel('Filter tasks').fill('');

  // On a phone: no sideways scrolling, and the task list sits behind a "Tasks" button.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  const menu = page.getByRole('button', { name: 'Tasks', exact: true });
  expect(await menu.getAttribute('aria-expanded')).toBe('false');
  await menu.click();
  await expect.poll(() => page.getByTestId('task-list-item').first().isVisible()).toBe(true);
  await page.screenshot({ path: path.join(shots, 'task-phone.png') });
  await menu.click();
  await page.setViewportSize({ width: 1400, height: 900 });
});

it('resumes the live stream after the page loses its socket, with no line lost or repeated', async () => {
  // The page reaches the Worker through a proxy that the test cuts mid-stream (same host, so the
  // session cookie of the first test applies).
  const proxy = await startTcpProxy(Number(new URL(stack.url).port));
  const instruction = 'Count slowly to forty.';
  const lines = Array.from({ length: 40 }, (_, i) => `line ${String(i + 1).padStart(2, '0')}\n`).join('');
  fake.addScenario({ match: instruction, turns: [{ text: lines, chunkDelayMs: 40 }] });
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const api = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(stack.url + p, { method, headers: { cookie, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    expect(res.status).toBeLessThan(300);
    return res.json() as Promise<any>;
  };
  const { repos: [repo] } = await api('GET', '/v1/repos');
  const { modelProfiles: [profile] } = await api('GET', '/v1/model-profiles');
  const { task } = await api('POST', '/v1/tasks', { repoId: repo.id, instruction });
  await api('POST', `/v1/tasks/${task.id}/runs`, { attempts: [{ executor: 'patch-agent', modelProfileId: profile.id, count: 1 }] });

  const context = await browser.newContext();
  await context.addCookies(await page.context().cookies());
  const viewer = await context.newPage();
  await viewer.goto(`${proxy.url}/tasks/${task.id}`);
  const transcript = viewer.getByTestId('run-transcript');
  await expect.poll(() => transcript.innerText(), { timeout: 30_000 }).toContain('line 08');
  // Record every state the connection banner shows from here on (it may be up only briefly).
  await viewer.evaluate(() => {
    const seen: string[] = ((window as unknown as { bannerStates: string[] }).bannerStates = []);
    new MutationObserver(() => {
      const b = document.querySelector('[data-testid="connection-banner"]');
      if (b) seen.push(`${b.getAttribute('data-state')}: ${b.textContent}`);
    }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  expect(proxy.dropAll()).toBeGreaterThan(0);
  await expect.poll(() => viewer.evaluate(() => (window as unknown as { bannerStates: string[] }).bannerStates.join('\n')), { timeout: 10_000 })
    .toMatch(/^reconnecting: Reconnecting… resuming from event \d+/m);
  await expect.poll(() => viewer.getByTestId('run-card').getAttribute('data-status'), { timeout: 60_000 }).toBe('succeeded');
  await expect.poll(() => viewer.getByTestId('connection-banner').count(), { timeout: 10_000 }).toBe(0);
  const text = await transcript.innerText();
  for (let i = 1; i <= 40; i++) expect(text.split(`line ${String(i).padStart(2, '0')}`).length - 1).toBe(1);
  await context.close();
  await proxy.close();
});
