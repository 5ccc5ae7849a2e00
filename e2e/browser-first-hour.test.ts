/**
 * A new user's first hour in headless Chromium against the real stack (wrangler dev with
 * DURSOR_ALLOW_PRIVATE_URLS=true as `npm start` runs it, one runner, the fake provider, a local
 * git server): first-run setup, home and sign-in; Settings with a section nav in the order a new
 * user needs it, each section at its own address; hints that fit this dursor (http allowed here,
 * an Anthropic 404 explained in Anthropic's terms); New task marking the agents no connected runner
 * offers, a queued Cursor attempt saying so, a retry labelled as one, and a task whose attempts
 * were all cancelled shown as Cancelled. axe-core finds no violation on any page visited, at
 * desktop and phone size, in the light and the dark theme.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeOpenAI, GitServer } from '../testkit/src/index.ts';
import { axeEverywhere } from './harness/axe.ts';
import { OWNER } from '../testkit/src/stack/client.ts';
import { startRunner } from '../testkit/src/stack/runner.ts';
import { ROOT, type Stack } from '../testkit/src/stack/stack.ts';
import { startBrowserWorld, type BrowserWorld } from './harness/browser-world.ts';
import { addScriptedProfile, createOwnerInBrowser, openSettings, pageApi } from './harness/ui-steps.ts';

const SECTIONS = ['Model profiles', 'Repositories', 'Runners', 'GitHub', 'Budgets', 'Prices', 'Account'];
const shots = path.join(ROOT, 'e2e/artifacts');
let stack: Stack, git: GitServer, fake: FakeOpenAI, browser: Browser, page: Page;

let world: BrowserWorld;

beforeAll(async () => {
  world = await startBrowserWorld({ runnerName: 'first-hour-runner', slots: 2 });
  ({ stack, git, fake, browser, page } = world);
  mkdirSync(shots, { recursive: true });
});
afterAll(() => world?.stop());

const sidebarBadge = (taskId: string) => page.locator(`[data-testid="task-list-item"][data-task-id="${taskId}"] [data-status]`);

describe('browser: the first hour', () => {
  it('first-run setup, home and sign-in pass axe; the checklist links to each Settings section', async () => {
    await page.goto(stack.url);
    await expect.poll(() => page.getByRole('heading', { name: 'Create the owner account' }).count()).toBe(1);
    expect(await axeEverywhere(page, 'first-run setup')).toEqual([]);
    await createOwnerInBrowser(page, stack.url);

    const checklist = page.getByTestId('getting-started');
    await expect.poll(() => checklist.count(), { timeout: 15_000 }).toBe(1);
    expect(await checklist.getByRole('link', { name: 'Add a model profile' }).getAttribute('href')).toBe('/settings/model-profiles');
    expect(await checklist.getByRole('link', { name: 'Add a repository' }).getAttribute('href')).toBe('/settings/repositories');
    expect(await axeEverywhere(page, 'home')).toEqual([]);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Sign in' }).count()).toBe(1);
    expect(await axeEverywhere(page, 'sign-in')).toEqual([]);
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByTestId('user-email').count()).toBe(1);
  });

  it('Settings: a section nav in first-hour order, each section at its own address, hints that fit this dursor', async () => {
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    const nav = page.getByTestId('settings-nav');
    expect(await nav.getByRole('link').allInnerTexts()).toEqual(SECTIONS);
    expect(await nav.locator('[aria-current="page"]').innerText()).toBe('Model profiles');
    expect(await page.getByTestId('model-profiles').count()).toBe(1);
    expect(await page.getByTestId('repositories').count()).toBe(0);
    // Addressable: a section's own URL, and an old-style #anchor, open that section.
    await page.goto(`${stack.url}/settings#runners`);
    await page.waitForURL(`${stack.url}/settings/runners`);
    await expect.poll(() => page.getByTestId('runners').count()).toBe(1);
    expect(await nav.locator('[aria-current="page"]').innerText()).toBe('Runners');
    await page.goto(`${stack.url}/settings/repositories`);
    await expect.poll(() => page.getByTestId('repositories').count()).toBe(1);

    // This dursor runs with DURSOR_ALLOW_PRIVATE_URLS=true (as `npm start` does): the hint says http works, and it does.
    const hint = page.getByTestId('repositories').locator('.field', { hasText: 'Clone URL' }).locator('.hint');
    await expect.poll(() => hint.innerText()).toContain('https or http');
    expect(await hint.innerText()).not.toMatch(/https only/);
    const cloneUrl = await git.createRepo('first-hour', { 'README.md': '# first hour\n' });
    expect(cloneUrl).toMatch(/^http:\/\//);
    await page.getByLabel('Clone URL').fill(cloneUrl);
    await page.getByRole('button', { name: 'Add repository' }).click();
    await expect.poll(() => page.getByTestId('repo').innerText()).toContain(cloneUrl);

    // An Anthropic profile given an OpenAI-style …/v1 base URL: Test connection explains it in Anthropic's terms.
    await openSettings(page, 'Model profiles');
    await page.getByLabel('Provider', { exact: true }).selectOption('anthropic');
    expect(await page.locator('.field', { hasText: 'Base URL' }).locator('.hint').innerText()).toContain('without /v1');
    await page.getByLabel('Model', { exact: true }).fill('claude-test');
    await page.getByLabel('Display name').fill('Claude with v1');
    await page.getByLabel('Base URL').fill(fake.url);
    await page.getByLabel('API key').fill('sk-ant-first-hour-0000');
    await page.getByRole('button', { name: 'Add model profile' }).click();
    await page.getByRole('button', { name: 'Test connection Claude with v1' }).click();
    const test = page.getByTestId('profile-test');
    await expect.poll(() => test.getAttribute('data-ok'), { timeout: 15_000 }).toBe('false');
    expect(await test.innerText()).toContain(`${fake.url}/v1/models answered 404; the base URL should be the API root without /v1, e.g. https://api.anthropic.com`);
    expect(await test.innerText()).not.toMatch(/OpenAI/i);

    await addScriptedProfile(page, fake.url, 'sk-first-hour-key-1234');
    await expect.poll(() => page.getByTestId('model-profile').count()).toBe(2);
    await page.getByLabel('Provider', { exact: true }).selectOption('cursor');
    await page.getByLabel('Model', { exact: true }).fill('auto');
    await page.getByLabel('Display name').fill('Cursor');
    await page.getByLabel('API key').fill('cursor-first-hour-key-0000');
    await page.getByRole('button', { name: 'Add model profile' }).click();
    await expect.poll(() => page.getByTestId('model-profile').count()).toBe(3);
    await page.screenshot({ path: path.join(shots, 'settings-profiles.png'), fullPage: true });

    for (const section of SECTIONS) {
      await openSettings(page, section);
      expect(await page.getByTestId('settings-nav').locator('[aria-current="page"]').innerText()).toBe(section);
      await expect.poll(() => page.locator('.settings-section').count(), { timeout: 15_000 }).toBe(1);
      await expect.poll(() => page.locator('.loading').count(), { timeout: 15_000 }).toBe(0);
      expect(await axeEverywhere(page, `Settings → ${section}`)).toEqual([]);
    }
  });

  it('Settings shows which runners seal their attempts, and edits what a repository\'s attempts may reach and whether they may change workflows', async () => {
    // A second runner started with --no-sandbox (a host that cannot sandbox): the owner must see it.
    await startRunner({ url: stack.url, token: world.bootstrapToken, name: 'open-runner', dir: stack.dir, slots: 1, args: ['--no-sandbox'] });
    await page.goto(`${stack.url}/settings/runners`);
    const row = (name: string) => page.getByTestId('runner').filter({ hasText: name });
    await expect.poll(() => row('open-runner').getByTestId('runner-unsandboxed').count(), { timeout: 30_000 }).toBe(1);
    expect(await row('first-hour-runner').getByTestId('runner-sandboxed').count()).toBe(1);
    expect(await row('first-hour-runner').getByTestId('runner-unsandboxed').count()).toBe(0);
    expect(await axeEverywhere(page, 'Settings → Runners with an unsandboxed runner')).toEqual([]);

    await page.goto(`${stack.url}/settings/repositories`);
    const box = page.getByTestId('repo-sandbox').first();
    expect(await box.getByTestId('repo-sandbox-summary').innerText()).toBe('gateway only');
    await box.locator('summary').click();
    await box.getByLabel(/^Allowed hosts for /).fill('registry.npmjs.org\nhttps://not a host/');
    await box.getByRole('button', { name: 'Save sandbox settings' }).click();
    await expect.poll(() => box.getByTestId('repo-sandbox-error').innerText()).toMatch(/is not a host/);
    await box.getByLabel(/^Allowed hosts for /).fill('registry.npmjs.org');
    await box.getByLabel('Processes at once').fill('128');
    await box.getByRole('button', { name: 'Save sandbox settings' }).click();
    await expect.poll(() => box.getByTestId('repo-sandbox-summary').innerText()).toBe('1 host · processes at once 128');
    expect(await axeEverywhere(page, 'Settings → Repositories with sandbox settings open')).toEqual([]);
    const api = await pageApi(page, stack.url);
    expect((await api('GET', '/v1/repos')).repos[0].sandbox).toEqual({ allowedHosts: ['registry.npmjs.org'], limits: { maxProcesses: 128 } });

    // Workflow changes (issue 11): off by default, a checkbox under the repository, saved on change.
    const workflows = page.getByTestId('repo-workflows').first().getByRole('checkbox', { name: /Runs may change GitHub Actions workflows/ });
    expect(await workflows.isChecked()).toBe(false);
    expect((await api('GET', '/v1/repos')).repos[0].allowWorkflowChanges).toBe(false);
    await workflows.check();
    await expect.poll(async () => (await api('GET', '/v1/repos')).repos[0].allowWorkflowChanges).toBe(true);
    await expect.poll(() => page.getByTestId('repo-workflows').first().locator('.status-text').innerText()).toBe('Saved: new runs may change workflows.');
    expect(await axeEverywhere(page, 'Settings → Repositories with workflow changes allowed')).toEqual([]);
    await workflows.uncheck();
    await expect.poll(async () => (await api('GET', '/v1/repos')).repos[0].allowWorkflowChanges).toBe(false);
  });

  it('New task marks the agents no connected runner offers; a queued Cursor attempt says why it waits; all cancelled, the task is Cancelled', async () => {
    const api = await pageApi(page, stack.url);
    await expect.poll(async () => (await api('GET', '/v1/runners')).runners.some((r: any) => r.online && r.executors.includes('patch-agent')), { timeout: 60_000 }).toBe(true);
    const offered: string[] = (await api('GET', '/v1/runners')).runners.flatMap((r: any) => r.executors);
    expect(offered).not.toContain('cursor-agent');

    await page.getByRole('link', { name: 'New task' }).click();
    await expect.poll(() => page.getByTestId('runner-offers').innerText(), { timeout: 15_000 }).toMatch(/^Connected runners offer: Patch agent \(dursor\)/);
    expect(await page.getByTestId('runner-offers').innerText()).not.toContain('Cursor agent');
    const agent = page.getByLabel('Agent', { exact: true });
    const options = await agent.locator('option').allInnerTexts();
    expect(options).toContain('Cursor agent — no connected runner offers it');
    expect(options).toContain('Patch agent (dursor)');
    expect(await page.getByTestId('cursor-key-note').count()).toBe(0);
    expect(await axeEverywhere(page, 'New task')).toEqual([]);
    await agent.selectOption('cursor-agent');
    await expect.poll(() => page.getByTestId('agent-unavailable').innerText()).toMatch(/^No connected runner offers Cursor agent/);
    // The one agent that gets the user's key on the runner says so (issue "Seal every attempt").
    expect(await page.getByTestId('cursor-key-note').innerText()).toMatch(/^The Cursor agent is the one exception .* gets your Cursor API key directly/);
    expect(await axeEverywhere(page, 'New task, Cursor agent picked')).toEqual([]);
    expect(await page.getByLabel('Model', { exact: true }).inputValue()).not.toBe('');
    await page.getByLabel('Instruction').fill('Tidy the README with the Cursor agent.');
    await page.getByRole('button', { name: 'Start task' }).click();

    const cards = page.getByTestId('run-card');
    await expect.poll(() => cards.count(), { timeout: 20_000 }).toBe(1);
    const taskId = (await page.getByTestId('task-page').getAttribute('data-task-id'))!;
    expect(await cards.getAttribute('data-status')).toBe('queued');
    // Slots are free, but no runner has the agent: the card says that, not "a free slot".
    await expect.poll(() => page.getByTestId('queued-hint').innerText()).toMatch(/^Waiting: no connected runner offers Cursor agent/);
    expect(await page.getByTestId('queued-hint').innerText()).not.toContain('free slot');
    expect(await axeEverywhere(page, 'task page, attempt queued')).toEqual([]);

    // Cancelled as the only attempt: the task is Cancelled, in the header and in the sidebar.
    await cards.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => cards.getAttribute('data-status'), { timeout: 15_000 }).toBe('cancelled');
    await expect.poll(() => page.getByTestId('task-status').getAttribute('data-status')).toBe('cancelled');
    await expect.poll(() => sidebarBadge(taskId).getAttribute('data-status'), { timeout: 15_000 }).toBe('cancelled');
    expect(await sidebarBadge(taskId).innerText()).toBe('Cancelled');
    await expect.poll(async () => (await api('GET', `/v1/tasks/${taskId}`)).task.status, { timeout: 15_000 }).toBe('cancelled');

    // Retry: a card of its own, numbered after the attempt it retries and saying so.
    await cards.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => cards.count(), { timeout: 15_000 }).toBe(2);
    expect(await page.locator('.run-title').allInnerTexts()).toEqual(['Attempt 1 · Cursor', 'Attempt 2 · Cursor · retry of attempt 1']);
    expect(await page.getByTestId('retry').innerText()).toContain('Started attempt 2.');
    const retry = cards.nth(1);
    await expect.poll(() => retry.getAttribute('data-status')).toBe('queued');
    await expect.poll(() => page.getByTestId('task-status').getAttribute('data-status')).toBe('running');
    await retry.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => page.getByTestId('task-status').getAttribute('data-status'), { timeout: 15_000 }).toBe('cancelled');
    await expect.poll(() => sidebarBadge(taskId).getAttribute('data-status'), { timeout: 15_000 }).toBe('cancelled');
    expect(await axeEverywhere(page, 'task page, attempts cancelled')).toEqual([]);
  });
});
