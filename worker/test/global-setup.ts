/**
 * Starts the fake GitHub and a fake OpenAI (real HTTP servers on 127.0.0.1, testkit) in Node for the Workers tests:
 * the Worker under test reaches it over the network like it would api.github.com. Tests get its
 * URL, the app's credentials, a personal access token and the repos made here through `inject`.
 * The fake's state can only be set from Node, so what tests need of it is made here: a pull
 * request to comment on, and who has which role on `repo` (github-webhook-access.test.ts).
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
      /** An open pull request on `repo` from `prBranch` (one commit ahead of main). */
      pr: number;
      prBranch: string;
      /** Logins with a role on `repo`; anyone else only reads it (it is public). */
      roles: { write: string; maintain: string; triage: string };
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
  const pat = gh.addPat();
  const prBranch = 'dursor/pr/webhook-access';
  const api = (path: string, body: object) => fetch(`${gh.url}/repos/${repo}${path}`, {
    method: 'POST', headers: { authorization: `token ${pat}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  await api('/git/refs', { ref: `refs/heads/${prBranch}`, sha: await gh.git.revParse('octo--tools', 'main') });
  await gh.pushExternalCommit(repo, prBranch, { 'cli.ts': 'export const help = () => "usage";\n' });
  const pr = ((await (await api('/pulls', { title: 'Add a CLI', head: prBranch, base: 'main' })).json()) as { number: number }).number;
  const roles = { write: 'writer-wes', maintain: 'mia-maintains', triage: 'triage-tom' } as const;
  for (const [role, login] of Object.entries(roles)) gh.setCollaborator(repo, login, role as keyof typeof roles);
  project.provide('github', {
    url: gh.url, appId: gh.app.id, privateKeyPem: gh.app.privateKeyPem, webhookSecret: gh.app.webhookSecret,
    installationId: gh.installationId, pat, repo, otherRepo, issue, pr, prBranch, roles,
  });
  const key = 'sk-global-setup-right-key';
  const openai = await startFakeOpenAI({ apiKey: key });
  project.provide('openai', { url: openai.url, key });
  return async () => {
    await Promise.all([gh.close(), openai.close()]);
  };
}
