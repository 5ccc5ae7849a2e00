/**
 * What every browser test starts with: `wrangler dev` with a bootstrap registration token, a local
 * runner registered with it, the fake git server and OpenAI API, and Chromium with one desktop-sized
 * page. The owner account is made in the browser by each test (ui-steps.ts), as a user would.
 */
import type { Browser, Page } from 'playwright-core';
import { startFakeOpenAI, startGitServer, type FakeOpenAI, type GitServer } from '../../testkit/src/index.ts';
import { launchChromium } from '../../testkit/src/stack/browser.ts';
import { killAll } from '../../testkit/src/stack/processes.ts';
import { startRunner } from '../../testkit/src/stack/runner.ts';
import { startStack, type Stack } from '../../testkit/src/stack/stack.ts';

export interface BrowserWorld {
  stack: Stack;
  git: GitServer;
  fake: FakeOpenAI;
  browser: Browser;
  page: Page;
  /** The registration token `npm start` would use: more runners can join with it. */
  bootstrapToken: string;
  stop(): Promise<void>;
}

export async function startBrowserWorld(opts: { runnerName: string; slots: number }): Promise<BrowserWorld> {
  const bootstrapToken = `drr_${opts.runnerName.replace(/\W/g, '_')}_${crypto.randomUUID().replaceAll('-', '')}`;
  const [stack, git, fake, browser] = await Promise.all([
    startStack({ vars: { DURSOR_RUNNER_BOOTSTRAP_TOKEN: bootstrapToken } }),
    startGitServer(),
    startFakeOpenAI(),
    launchChromium(),
  ]);
  const stop = async () => {
    await browser.close();
    await killAll();
    await Promise.all([stack.stop(), git.close(), fake.close()]);
  };
  try {
    await startRunner({ url: stack.url, token: bootstrapToken, name: opts.runnerName, dir: stack.dir, slots: opts.slots });
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    return { stack, git, fake, browser, page, bootstrapToken, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
