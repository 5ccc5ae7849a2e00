/**
 * A task of three rounds in headless Chromium against the real stack: two attempts stream (held
 * mid-run), one is cancelled and retried — the retry is "Attempt 3 · … · retry of attempt 1" on its
 * card and in the Compare and "Continue from" pickers — then two follow-ups from the winner. Each
 * round shows under its own message; finished rounds before the latest fold to a summary, so on a
 * phone the task is much shorter than with every round open; j/k, compare and the winner keep
 * working. axe finds no violation while streaming, when done, in the compare view or the shortcut
 * help (desktop and phone, light and dark), and a transcript note has enough contrast.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, startGitServer, type FakeOpenAI, type GitServer } from '../testkit/src/index.ts';
import { axeEverywhere, axeViolations, PHONE } from './harness/axe.ts';
import { launchChromium } from '../testkit/src/stack/browser.ts';
import { killAll } from '../testkit/src/stack/processes.ts';
import { startRunner } from '../testkit/src/stack/runner.ts';
import { call } from './harness/scenarios.ts';
import { ROOT, startStack, type Stack } from '../testkit/src/stack/stack.ts';
import { addScriptedProfile, createOwnerInBrowser, openSettings, pageApi } from './harness/ui-steps.ts';

const BOOTSTRAP = 'drr_browser_rounds_bootstrap_0123456789';
const MESSAGES = ['Write the first notes.', 'Round two: more notes.', 'Round three: even more notes.'];
const shots = path.join(ROOT, 'e2e/artifacts');
let stack: Stack, git: GitServer, fake: FakeOpenAI, browser: Browser, page: Page;
let releaseFirst!: () => void;
const firstHeld = new Promise<void>((r) => (releaseFirst = r));

/** Each round: read, write a 12-line file, say done — the first round's last turn waits for the test. */
function script(word: string, hold?: Promise<void>) {
  const content = Array.from({ length: 12 }, (_, k) => `line ${k + 1} of the ${word} notes`).join('\n') + '\n';
  return [
    { text: `Reading for the ${word} round. `, toolCalls: [call('read_file', { path: 'README.md' })], chunkDelayMs: 10 },
    { text: 'Writing the notes.', toolCalls: [call('write_file', { path: `notes/${word}.md`, content })], chunkDelayMs: 10 },
    { text: `Done with the ${word} round.`, ...(hold ? { hold } : {}) },
  ];
}

beforeAll(async () => {
  [stack, git, fake, browser] = await Promise.all([
    startStack({ vars: { DURSOR_RUNNER_BOOTSTRAP_TOKEN: BOOTSTRAP } }),
    startGitServer(),
    startFakeOpenAI(),
    launchChromium(),
  ]);
  await startRunner({ url: stack.url, token: BOOTSTRAP, name: 'rounds-runner', dir: stack.dir, slots: 3 });
  fake.addScenario({ match: MESSAGES[0], turns: script('first', firstHeld) });
  fake.addScenario({ match: MESSAGES[1], turns: script('second') });
  fake.addScenario({ match: MESSAGES[2], turns: script('third') });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  mkdirSync(shots, { recursive: true });
});
afterAll(async () => {
  releaseFirst();
  await browser?.close();
  await killAll();
  await Promise.all([stack?.stop(), git?.close(), fake?.close()]);
});

const cards = () => page.getByTestId('run-card');
const statuses = async (l: Locator) => Promise.all((await l.all()).map((c) => c.getAttribute('data-status')));
const optionTexts = (label: string) => page.getByLabel(label, { exact: true }).locator('option').allInnerTexts();
const height = () => page.evaluate(() => document.documentElement.scrollHeight);

describe('browser: rounds, retries and the height of a long task', () => {
  it('a retried attempt gets the next number of its round and a label of its own, on its card and in the pickers', async () => {
    await createOwnerInBrowser(page, stack.url);
    await addScriptedProfile(page, fake.url, 'sk-rounds-key-5678');
    await expect.poll(() => page.getByTestId('model-profile').count()).toBe(1);
    await openSettings(page, 'Repositories');
    await page.getByLabel('Clone URL').fill(await git.createRepo('rounds', { 'README.md': '# rounds\n' }));
    await page.getByRole('button', { name: 'Add repository' }).click();
    await expect.poll(() => page.getByTestId('repo').count()).toBe(1);

    await page.getByRole('link', { name: 'New task' }).click();
    await page.getByLabel('Instruction').fill(MESSAGES[0]);
    await page.getByLabel('Model', { exact: true }).selectOption({ label: 'Scripted model' });
    await page.getByLabel('Count').fill('2');
    await page.getByRole('button', { name: 'Start task' }).click();
    await expect.poll(() => cards().count(), { timeout: 20_000 }).toBe(2);
    // Both stream, then wait in their last turn.
    await expect.poll(async () => (await cards().allInnerTexts()).every((t) => t.includes('Writing the notes.')), { timeout: 60_000 }).toBe(true);
    expect(await statuses(cards())).toEqual(['running', 'running']);
    expect(await axeEverywhere(page, 'task page, streaming')).toEqual([]);
    // A transcript note (shown when a runner is lost and the run starts over) must be readable in
    // both themes: probe one inside a real transcript's styles, outside the app's own DOM.
    await page.evaluate(() => {
      const probe = document.createElement('div');
      probe.className = 'transcript note-probe';
      probe.innerHTML = '<p class="transcript-note">The runner was lost; the run was queued again and starts over.</p>';
      document.body.append(probe);
    });
    for (const theme of ['light', 'dark']) {
      await page.evaluate((t) => { document.documentElement.dataset.theme = t; }, theme);
      expect(await axeViolations(page, '.note-probe', ['color-contrast']), theme).toEqual([]);
    }
    await page.evaluate(() => { document.querySelector('.note-probe')?.remove(); document.documentElement.dataset.theme = 'light'; });

    await cards().nth(0).getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => cards().nth(0).getAttribute('data-status'), { timeout: 15_000 }).toBe('cancelled');
    releaseFirst();
    await expect.poll(() => cards().nth(1).getAttribute('data-status'), { timeout: 60_000 }).toBe('succeeded');

    await cards().nth(0).getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => cards().count(), { timeout: 15_000 }).toBe(3);
    await expect.poll(() => cards().nth(2).getAttribute('data-status'), { timeout: 60_000 }).toBe('succeeded');
    const labels = ['Attempt 1 · Scripted model', 'Attempt 2 · Scripted model', 'Attempt 3 · Scripted model · retry of attempt 1'];
    expect(await page.locator('.run-title').allInnerTexts()).toEqual(labels);
    // The pickers list the succeeded attempts by those labels: no two alike.
    expect(await optionTexts('Attempt A')).toEqual(labels.slice(1));
    expect(await optionTexts('Continue from')).toEqual([...labels.slice(1), 'Nothing — the base branch']);

    await page.getByRole('button', { name: 'Compare attempts' }).click();
    await expect.poll(() => page.getByTestId('compare-summary').count(), { timeout: 20_000 }).toBe(1);
    expect(await page.getByTestId('compare-view').innerText()).toContain('Attempt 3 · Scripted model · retry of attempt 1');
    expect(await axeEverywhere(page, 'compare view')).toEqual([]);
    await page.getByRole('button', { name: 'Hide comparison' }).click();
    await cards().nth(2).getByRole('button', { name: 'Choose as winner' }).click();
    await expect.poll(() => cards().nth(2).getByTestId('winner-badge').count()).toBe(1);
  });

  it('follow-ups are rounds under their messages; finished rounds fold, so a 3-round task on a phone is much shorter', async () => {
    const box = page.getByTestId('follow-up');
    // The runner that ran round 1 is what the follow-up's agent picker knows about (not a list from before it connected).
    await expect.poll(() => box.getByTestId('runner-offers').innerText(), { timeout: 15_000 }).toMatch(/^Connected runners offer: Patch agent \(dursor\)/);
    expect(await box.getByTestId('agent-unavailable').count()).toBe(0);
    for (const [i, message] of MESSAGES.slice(1).entries()) {
      await box.getByLabel('Follow-up', { exact: true }).fill(message);
      await box.getByLabel('Count', { exact: true }).fill('2');
      await box.getByRole('button', { name: 'Send follow-up' }).click();
      const round = page.getByTestId('round').nth(i + 1);
      await expect.poll(() => round.getByTestId('run-card').count(), { timeout: 20_000 }).toBe(2);
      await expect.poll(() => statuses(round.getByTestId('run-card')), { timeout: 60_000 }).toEqual(['succeeded', 'succeeded']);
      await expect.poll(() => round.getByTestId('run-diff').count(), { timeout: 20_000 }).toBe(2);
    }

    // Each round is its message, then exactly the attempts that answer it.
    const api = await pageApi(page, stack.url);
    const detail = await api('GET', `/v1/tasks/${await page.getByTestId('task-page').getAttribute('data-task-id')}`);
    const users = detail.messages.filter((m: { role: string }) => m.role === 'user');
    expect(users.map((m: { content: string }) => m.content)).toEqual(MESSAGES);
    const rounds = page.getByTestId('round');
    expect(await rounds.count()).toBe(3);
    expect(await Promise.all((await rounds.all()).map((r) => r.getAttribute('data-open')))).toEqual(['false', 'false', 'true']);
    expect(await rounds.nth(0).getByTestId('round-summary').innerText()).toBe('3 attempts: 2 succeeded, 1 cancelled · has the winner');
    const closed = page.locator('.round-toggle[aria-expanded="false"]');
    while (await closed.count()) await closed.first().click();
    for (const [i, m] of users.entries()) {
      const round = rounds.nth(i);
      expect(await round.getAttribute('data-message-id')).toBe(m.id);
      expect(await round.getByTestId('round-message').innerText()).toBe(m.content);
      const shown = await Promise.all((await round.getByTestId('run-card').all()).map((c) => c.getAttribute('data-run-id')));
      expect(shown.sort()).toEqual(detail.runs.filter((r: { messageId: string }) => r.messageId === m.id).map((r: { id: string }) => r.id).sort());
      // The message comes before its attempts.
      expect(await round.evaluate((el) => {
        const msg = el.querySelector('[data-testid="round-message"]')!;
        return [...el.querySelectorAll('[data-testid="run-card"]')].every((c) => msg.compareDocumentPosition(c) & Node.DOCUMENT_POSITION_FOLLOWING);
      })).toBe(true);
    }

    // On a phone: every round open (what the page showed before) against the default (earlier rounds folded).
    await page.setViewportSize(PHONE);
    await page.evaluate(() => window.scrollTo(0, 0));
    const allOpen = await height();
    for (const i of [0, 1]) await rounds.nth(i).locator('.round-toggle').click();
    await expect.poll(() => page.locator('.round-toggle[aria-expanded="true"]').count()).toBe(1);
    const folded = await height();
    console.log(`3-round task on a 390×844 phone: ${allOpen} px with every round open, ${folded} px with finished rounds folded`);
    expect(folded).toBeLessThan(allOpen * 0.6);
    expect(folded).toBeLessThan(4_000);
    await page.screenshot({ path: path.join(shots, 'task-rounds-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1400, height: 900 });

    // j/k move between the cards on screen: the folded rounds' cards are not there.
    expect(await cards().count()).toBe(2);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-run-id'));
    expect(focused).toBe(await cards().nth(1).getAttribute('data-run-id'));
    // Opening a round brings its cards back, live data and all.
    await rounds.nth(0).locator('.round-toggle').click();
    await expect.poll(() => rounds.nth(0).getByTestId('run-card').count()).toBe(3);
    expect(await rounds.nth(0).getByTestId('winner-badge').count()).toBe(1);
    await rounds.nth(0).locator('.round-toggle').click();
    await page.screenshot({ path: path.join(shots, 'task-rounds.png'), fullPage: true });
    expect(await axeEverywhere(page, 'task page, 3 rounds, done')).toEqual([]);

    await page.keyboard.press('?');
    await expect.poll(() => page.getByTestId('shortcut-help').isVisible()).toBe(true);
    expect(await axeEverywhere(page, 'shortcut help')).toEqual([]);
    await page.keyboard.press('Escape');
  });
});
