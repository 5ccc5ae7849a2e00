/**
 * Starts the fake GitHub and a fake OpenAI (real HTTP servers on 127.0.0.1, testkit) in Node for the Workers tests:
 * the Worker under test reaches it over the network like it would api.github.com. Tests get its
 * URL, the app's credentials, a personal access token and the repos made here through `inject`.
 */
import type { TestProject } from 'vitest/node';
import { startFakeGitHub, startFakeOpenAI } from '../../testkit/src/index.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    github: {
      url: string;
      appId: number;
      privateKeyPem: string;
      webhookSecret: string;
      installationId: number;
      pat: string;
      repo: string;
      /** A second repository of the installation (private): what a token narrowed to `repo` must not reach. */
      otherRepo: string;
      issue: number;
    };
    /** A fake OpenAI that accepts only `key`. */
    openai: { url: string; key: string };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const gh = await startFakeGitHub();
  const repo = 'octo/tools';
  await gh.createRepo(repo, { 'README.md': '# tools\n' });
  const otherRepo = 'octo/vault';
  await gh.createRepo(otherRepo, { 'SECRET.md': 'not for tools\n' }, { private: true });
  const issue = gh.createIssue(repo, { title: 'Add a CLI', body: 'tools needs a `--help`.' });
  project.provide('github', {
    url: gh.url, appId: gh.app.id, privateKeyPem: gh.app.privateKeyPem, webhookSecret: gh.app.webhookSecret,
    installationId: gh.installationId, pat: gh.addPat(), repo, otherRepo, issue,
  });
  const key = 'sk-global-setup-right-key';
  const openai = await startFakeOpenAI({ apiKey: key });
  project.provide('openai', { url: openai.url, key });
  return async () => {
    await Promise.all([gh.close(), openai.close()]);
  };
}
