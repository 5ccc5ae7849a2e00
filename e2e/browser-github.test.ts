/**
 * The whole GitHub journey in headless Chromium against the real stack (wrangler dev, a runner
 * process, the fake OpenAI-compatible provider, the fake GitHub): first-run setup, a model
 * profile, the fake's app connected through Settings → GitHub ("Existing GitHub App"), a repo
 * added from the GitHub picker, a task with 3 attempts typed and sent with Ctrl+Enter, the cards
 * streaming to success, a diff, a winner, a follow-up that becomes the winner, then a pull request
 * drafted by the model, retitled by the user and created — one PR on GitHub at the follow-up's
 * commit. The owner allows a login to start runs from comments (Settings → GitHub's allowlist,
 * with a readable error for a malformed one). axe-core checks Settings (connect forms, connected
 * with the allowlist and an error) and the task page with its PR.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Run } from '../protocol/src/index.ts';
import { startFakeGitHub, startFakeOpenAI, type FakeGitHub, type FakeOpenAI } from '../testkit/src/index.ts';
import { axeEverywhere } from './harness/axe.ts';
import { launchChromium } from '../testkit/src/stack/browser.ts';
import { killAll } from '../testkit/src/stack/processes.ts';
import { startRunner } from '../testkit/src/stack/runner.ts';
import { call } from './harness/scenarios.ts';
import { ROOT, startStack, type Stack } from '../testkit/src/stack/stack.ts';
import { addScriptedProfile, createOwnerInBrowser, openSettings } from './harness/ui-steps.ts';

const BOOTSTRAP = 'drr_browser_github_bootstrap_0123456789';
const REPO = 'acme/app';
const INSTRUCTION = 'Make greet() say hello instead of hi.';
const FOLLOW_UP = 'Also add a farewell module.';
const DRAFTED_TITLE = 'Say hello in greet()';
const EDITED_TITLE = 'Greet with hello and say bye';
const shots = path.join(ROOT, 'e2e/artifacts');
let stack: Stack, gh: FakeGitHub, fake: FakeOpenAI, browser: Browser, page: Page;
const state = { taskId: '', firstRunIds: [] as string[], followUpRunId: '' };

function gate() {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  return { held, release };
}
const gates = { first: gate(), followUp: gate() };

beforeAll(async () => {
  [stack, gh, fake, browser] = await Promise.all([
    startStack({ vars: { DURSOR_RUNNER_BOOTSTRAP_TOKEN: BOOTSTRAP } }),
    startFakeGitHub(),
    startFakeOpenAI(),
    launchChromium(),
  ]);
  await startRunner({ url: stack.url, token: BOOTSTRAP, name: 'browser-gh-runner', dir: stack.dir, slots: 3 });
  // The PR writer's prompt quotes the whole conversation (instruction and follow-up included), so
  // every scenario anchors on the same message there: added first, this one wins those ties.
  fake.addScenario({ match: 'Files changed:', turns: [{ text: JSON.stringify({ title: DRAFTED_TITLE, body: '## What\nThe greeting says hello; a farewell exists.\n\n## Checklist\n- [x] tests' }) }] });
  // Each script's last turn waits for the test, so it sees the cards mid-stream (text shown, still
  // running) before letting them finish.
  fake.addScenario({ match: INSTRUCTION, turns: [
    { text: 'Reading greet.ts first. ', toolCalls: [call('read_file', { path: 'src/greet.ts' })], chunkDelayMs: 20 },
    { text: 'Changing the greeting.', toolCalls: [call('edit_file', { path: 'src/greet.ts', old_string: '"hi"', new_string: '"hello"' })], chunkDelayMs: 20 },
    { text: 'greet() now says hello.', hold: gates.first.held },
  ] });
  fake.addScenario({ match: FOLLOW_UP, turns: [
    { text: 'Writing the farewell. ', toolCalls: [call('write_file', { path: 'src/farewell.ts', content: 'export const bye = () => "bye";\n' })], chunkDelayMs: 20 },
    { text: 'Added src/farewell.ts.', hold: gates.followUp.held },
  ] });
  await gh.createRepo(REPO, {
    'src/greet.ts': 'export const greet = () => "hi";\n',
    '.github/pull_request_template.md': '## What\n\n## Checklist\n- [ ] tests\n',
  }, { private: true });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  mkdirSync(shots, { recursive: true });
});
afterAll(async () => {
  gates.first.release();
  gates.followUp.release();
  await browser?.close();
  await killAll();
  await Promise.all([stack?.stop(), gh?.close(), fake?.close()]);
});

/** GET on the API with the page's session cookie (for assertions the UI does not show, like commits). */
async function apiGet(p: string): Promise<any> {
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const res = await fetch(stack.url + p, { headers: { cookie } });
  expect(res.status).toBe(200);
  return res.json();
}

const card = (runId: string): Locator => page.locator(`[data-testid="run-card"][data-run-id="${runId}"]`);
const statuses = async (cards: Locator) => Promise.all((await cards.all()).map((c) => c.getAttribute('data-status')));

describe('browser: GitHub journey from setup to a pull request', () => {
  it('sets up, adds a model profile, connects the GitHub App in Settings and adds the repo from GitHub', async () => {
    await createOwnerInBrowser(page, stack.url);
    await addScriptedProfile(page, fake.url, 'sk-browser-github-key-4321');
    await expect.poll(() => page.getByTestId('model-profile').count()).toBe(1);

    // Not connected yet: the connect forms are on Settings → GitHub, and they pass axe too.
    await openSettings(page, 'GitHub');
    const appTab = page.getByRole('tab', { name: 'Existing GitHub App' });
    await appTab.click();
    await expect.poll(() => appTab.getAttribute('aria-selected')).toBe('true');
    expect(await axeEverywhere(page, 'Settings → GitHub, connect forms')).toEqual([]);
    await page.getByLabel('App ID', { exact: true }).fill(String(gh.app.id));
    await page.getByLabel('Private key', { exact: true }).fill(gh.app.privateKeyPem);
    await page.getByLabel('Webhook secret', { exact: true }).fill(gh.app.webhookSecret);
    await page.getByLabel('API URL', { exact: true }).fill(gh.url);
    await page.getByRole('button', { name: 'Connect app' }).click();
    const connection = page.getByTestId('github-connection');
    await expect.poll(() => connection.getAttribute('data-kind'), { timeout: 15_000 }).toBe('app');
    expect(await connection.innerText()).toContain(gh.app.slug);
    expect(await connection.innerText()).toContain(gh.url);
    expect(await page.getByTestId('github-webhook').getAttribute('data-configured')).toBe('true');
    expect(await page.getByTestId('github-error').count()).toBe(0);
    // Secrets go in once and are never shown again.
    const html = await page.content();
    const pemLine = gh.app.privateKeyPem.split('\n').find((l) => l.length > 40)!;
    expect([html.includes(pemLine), html.includes(gh.app.webhookSecret)]).toEqual([false, false]);
    await page.screenshot({ path: path.join(shots, 'settings-github.png'), fullPage: true });

    // Settings → Repositories: the picker lists what the installation sees; the private repo is marked.
    await openSettings(page, 'Repositories');
    const picker = page.getByLabel('GitHub repository', { exact: true });
    await expect.poll(() => picker.inputValue(), { timeout: 15_000 }).toBe(REPO);
    expect(await page.getByTestId('private-badge').count()).toBe(1);
    await page.getByRole('button', { name: 'Add from GitHub' }).click();
    await expect.poll(() => page.getByTestId('repo-github').innerText(), { timeout: 15_000 }).toContain(REPO);
    expect(await page.getByTestId('github-repo-error').count()).toBe(0);
    expect(await axeEverywhere(page, 'Settings → Repositories, GitHub repo added')).toEqual([]);
  });

  it('starts a task with 3 attempts from the keyboard; all three stream and succeed; a diff; a winner', async () => {
    await page.getByRole('link', { name: 'New task' }).click();
    await expect.poll(() => page.getByLabel('Repository', { exact: true }).inputValue()).not.toBe('');
    // A GitHub repo: the base branch is a picker of the repository's branches.
    const base = page.getByLabel('Base branch', { exact: true });
    await expect.poll(() => base.evaluate((el) => el.tagName), { timeout: 15_000 }).toBe('SELECT');
    expect(await base.inputValue()).toBe('main');
    await page.getByLabel('Agent', { exact: true }).selectOption('patch-agent');
    await page.getByLabel('Model', { exact: true }).selectOption({ label: 'Scripted model' });
    await page.getByLabel('Count', { exact: true }).fill('3');
    const instruction = page.getByLabel('Instruction', { exact: true });
    await instruction.click();
    await page.keyboard.type(INSTRUCTION);
    await instruction.press('Control+Enter');

    const taskPage = page.getByTestId('task-page');
    await expect.poll(() => taskPage.count(), { timeout: 20_000 }).toBe(1);
    state.taskId = (await taskPage.getAttribute('data-task-id'))!;
    expect(new URL(page.url()).pathname).toBe(`/tasks/${state.taskId}`);
    expect(await page.getByTestId('round-message').innerText()).toBe(INSTRUCTION);
    const cards = page.getByTestId('run-card');
    await expect.poll(() => cards.count(), { timeout: 20_000 }).toBe(3);
    state.firstRunIds = await Promise.all((await cards.all()).map(async (c) => (await c.getAttribute('data-run-id'))!));
    // All three stream: each card shows its model's text and tool calls while the run is still going.
    await expect.poll(async () => (await cards.allInnerTexts()).every((t) => t.includes('Reading greet.ts first.') && t.includes('Changing the greeting.')), { timeout: 60_000 }).toBe(true);
    await expect.poll(() => page.getByTestId('tool-call').count(), { timeout: 30_000 }).toBe(6);
    expect(await statuses(cards)).toEqual(['running', 'running', 'running']);
    await page.screenshot({ path: path.join(shots, 'task-github-streaming.png'), fullPage: true });
    gates.first.release();
    await expect.poll(() => statuses(cards), { timeout: 60_000 }).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(await page.getByTestId('run-error').count()).toBe(0);

    // The first attempt's diff shows the edit (every attempt made the same one).
    const diff = card(state.firstRunIds[0]).getByTestId('run-diff');
    await expect.poll(() => diff.count(), { timeout: 20_000 }).toBe(1);
    await diff.scrollIntoViewIfNeeded();
    await expect.poll(() => diff.innerText()).toContain('export const greet = () => "hello";');
    expect(await diff.innerText()).toContain('src/greet.ts');

    await card(state.firstRunIds[0]).getByRole('button', { name: 'Choose as winner' }).click();
    await expect.poll(() => card(state.firstRunIds[0]).getByTestId('winner-badge').count()).toBe(1);
    expect(await page.getByTestId('winner-badge').count()).toBe(1);
    // With a winner, the PR panel offers a draft.
    await expect.poll(() => page.getByTestId('pr-panel').getAttribute('data-state'), { timeout: 15_000 }).toBe('none');
    expect(await page.getByRole('button', { name: 'Draft pull request' }).isEnabled()).toBe(true);
  });

  it('a follow-up from the winner streams and succeeds, and is chosen as the new winner', async () => {
    const box = page.getByTestId('follow-up');
    // The follow-up continues from the winner by default.
    expect(await box.getByLabel('Continue from', { exact: true }).inputValue()).toBe(state.firstRunIds[0]);
    await box.getByLabel('Follow-up', { exact: true }).fill(FOLLOW_UP);
    await box.getByRole('button', { name: 'Send follow-up' }).click();

    // The follow-up is round 2, under its message; round 1 (finished) folds to its summary.
    const rounds = page.getByTestId('round');
    await expect.poll(() => rounds.count(), { timeout: 20_000 }).toBe(2);
    const fresh = rounds.nth(1).getByTestId('run-card');
    await expect.poll(() => fresh.count(), { timeout: 20_000 }).toBe(1);
    state.followUpRunId = (await fresh.getAttribute('data-run-id'))!;
    expect(state.firstRunIds).not.toContain(state.followUpRunId);
    expect(await rounds.nth(1).getByTestId('round-message').innerText()).toBe(FOLLOW_UP);
    expect(await rounds.nth(0).getAttribute('data-open')).toBe('false');
    expect(await rounds.nth(0).getByTestId('round-summary').innerText()).toBe('3 attempts: 3 succeeded · has the winner');
    const next = card(state.followUpRunId);
    await expect.poll(() => next.getByTestId('run-transcript').innerText(), { timeout: 60_000 }).toContain('Writing the farewell.');
    expect(await next.getAttribute('data-status')).toBe('running');
    gates.followUp.release();
    await expect.poll(() => next.getAttribute('data-status'), { timeout: 60_000 }).toBe('succeeded');
    await expect.poll(() => next.getByTestId('run-diff').innerText(), { timeout: 20_000 }).toContain('export const bye = () => "bye";');

    await next.getByRole('button', { name: 'Choose as winner' }).click();
    await expect.poll(() => next.getByTestId('winner-badge').count()).toBe(1);
    expect(await page.getByTestId('winner-badge').count()).toBe(1);
    // Attempt numbers restart with each round; the labels say which round.
    expect(await next.locator('.run-title').innerText()).toMatch(/^Round 2 · Attempt 1 · /);
  });

  it('compares an attempt of the first round with the follow-up: where their diffs differ', async () => {
    const panel = page.getByTestId('compare-panel');
    const options = await panel.getByLabel('Attempt A', { exact: true }).locator('option').allInnerTexts();
    expect(options.filter((o) => o.startsWith('Round 1 · '))).toHaveLength(3);
    await panel.getByLabel('Attempt A', { exact: true }).selectOption(state.firstRunIds[1]);
    await panel.getByLabel('Attempt B', { exact: true }).selectOption(state.followUpRunId);
    await panel.getByRole('button', { name: 'Compare attempts' }).click();
    const files = page.getByTestId('compare-file');
    await expect.poll(() => files.count(), { timeout: 20_000 }).toBeGreaterThan(0);
    const kinds = Object.fromEntries(await Promise.all((await files.all()).map(async (f) => [await f.getAttribute('data-path'), await f.getAttribute('data-kind')])));
    // Round 1 changed the greeting; the follow-up (on top of it) only added the farewell.
    expect(kinds).toEqual({ 'src/greet.ts': 'only-a', 'src/farewell.ts': 'only-b' });
    await page.screenshot({ path: path.join(shots, 'task-compare.png'), fullPage: true });
    await panel.getByRole('button', { name: 'Hide comparison' }).click();
  });

  it('drafts the PR with the model\'s title, retitles it, creates it: one PR on GitHub at the follow-up\'s commit', async () => {
    const panel = page.getByTestId('pr-panel');
    await panel.getByRole('button', { name: 'Draft pull request' }).click();
    const title = panel.getByLabel('Title', { exact: true });
    await expect.poll(() => title.count(), { timeout: 20_000 }).toBe(1);
    expect(await title.inputValue()).toBe(DRAFTED_TITLE);
    expect(await panel.getByLabel('Body', { exact: true }).inputValue()).toContain('## Checklist');
    expect(await panel.getByTestId('pr-written-by').innerText()).toContain('written by Scripted model');
    await title.fill(EDITED_TITLE);
    await panel.getByRole('button', { name: 'Create pull request' }).click();

    await expect.poll(() => panel.getAttribute('data-state'), { timeout: 20_000 }).toBe('open');
    const pulls = gh.pulls(REPO);
    expect(pulls).toHaveLength(1);
    const [pr] = pulls;
    const followUp = Run.parse((await apiGet(`/v1/runs/${state.followUpRunId}`)).run);
    expect(followUp.headCommit).toMatch(/^[0-9a-f]{40}$/);
    expect(pr).toMatchObject({ title: EDITED_TITLE, state: 'open', head: { ref: `dursor/pr/${state.taskId}`, sha: followUp.headCommit }, base: { ref: 'main' } });
    expect(await panel.getByTestId('pr-link').innerText()).toBe(`#${pr.number} ${EDITED_TITLE}`);
    expect(await panel.getByTestId('pr-state').innerText()).toBe('open');
    expect(followUp.headCommit!.startsWith(await panel.getByTestId('pr-head').innerText())).toBe(true);
    expect(await panel.getByTestId('pr-error').count()).toBe(0);

    await panel.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(shots, 'task-pr.png'), fullPage: true });
    expect(await axeEverywhere(page, 'task page with its PR')).toEqual([]);
  });

  it('Settings → GitHub: the owner allows logins to start runs from comments (readable errors), and it passes axe', async () => {
    await openSettings(page, 'GitHub');
    await expect.poll(() => page.getByTestId('github-connection').count(), { timeout: 15_000 }).toBe(1);
    const allowlist = page.getByTestId('github-allowlist');
    expect(await allowlist.innerText()).toContain('only for people with write, maintain or admin access');
    await expect.poll(() => page.getByTestId('github-allowlist-empty').count(), { timeout: 15_000 }).toBe(1);
    const login = page.getByLabel('GitHub login', { exact: true });
    const allow = page.getByRole('button', { name: 'Allow this login' });
    for (const typed of ['@Friend-Fay', 'https://github.com/octocat']) {
      await login.fill(typed);
      await allow.click();
      await expect.poll(() => login.inputValue(), { timeout: 15_000 }).toBe('');
    }
    const rows = page.getByTestId('github-allowed-login');
    await expect.poll(() => rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-login')))).toEqual(['Friend-Fay', 'octocat']);
    await page.getByRole('button', { name: 'Remove octocat' }).click();
    await expect.poll(() => rows.count()).toBe(1);
    await login.fill('-not-a-login');
    await allow.click();
    await expect.poll(() => page.getByTestId('github-allowlist-error').innerText()).toBe('“-not-a-login” is not a GitHub login: 1–39 letters, digits or single hyphens, not starting or ending with a hyphen.');
    const saved = await page.evaluate(async () => (await fetch('/v1/github/allowlist')).json());
    expect(saved.logins.map((l: { login: string }) => l.login)).toEqual(['Friend-Fay']);
    expect(await axeEverywhere(page, 'Settings → GitHub, connected, with the allowlist and an error')).toEqual([]);
    await openSettings(page, 'Repositories');
    await expect.poll(() => page.getByTestId('repo-github').count(), { timeout: 15_000 }).toBe(1);
    // Every repository the connection sees is added, and the picker says so.
    await expect.poll(() => page.getByTestId('github-repo-picker').innerText(), { timeout: 15_000 }).toContain('Every repository the connection can see is added already.');
    expect(await axeEverywhere(page, 'Settings → Repositories, all added')).toEqual([]);
  });
});
