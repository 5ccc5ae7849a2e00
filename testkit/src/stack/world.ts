/**
 * One test world: the stack, a git server, the fake provider, a signed-in owner, a model
 * profile and a registered repo — what every end-to-end file needs before it starts runs.
 */
import { startFakeOpenAI, startGitServer, type FakeOpenAI, type GitServer } from '../index.ts';
import { ownerClient, type Client } from './client.ts';
import { killAll } from './processes.ts';
import { startStack, type Stack, type StackOptions } from './stack.ts';

export interface World {
  stack: Stack;
  git: GitServer;
  fake: FakeOpenAI;
  owner: Client;
  profileId: string;
  /** Registers a fresh repo with the given files; returns its name and id. */
  repo(name: string, files?: Record<string, string>): Promise<{ name: string; id: string }>;
  /** Creates a task and its runs; returns the task id and run ids. */
  start(repoId: string, instruction: string, count?: number): Promise<{ taskId: string; runIds: string[] }>;
  stop(): Promise<void>;
}

export async function startWorld(opts: StackOptions = {}): Promise<World> {
  const [stack, git, fake] = await Promise.all([startStack(opts), startGitServer(), startFakeOpenAI()]);
  const owner = await ownerClient(stack.url);
  const { modelProfile } = await owner.ok('POST', '/v1/model-profiles', {
    provider: 'openai-compatible', model: 'scripted', displayName: 'Scripted', baseUrl: fake.url, apiKey: 'sk-world-key-1234',
  });
  return {
    stack, git, fake, owner,
    profileId: modelProfile.id,
    async repo(name, files = { 'README.md': `# ${name}\n` }) {
      const cloneUrl = await git.createRepo(name, files);
      const { repo } = await owner.ok('POST', '/v1/repos', { cloneUrl, defaultBranch: 'main' });
      return { name, id: repo.id };
    },
    async start(repoId, instruction, count = 1) {
      const { task } = await owner.ok('POST', '/v1/tasks', { repoId, instruction });
      const { runs } = await owner.ok('POST', `/v1/tasks/${task.id}/runs`, { attempts: [{ executor: 'patch-agent', modelProfileId: modelProfile.id, count }] });
      return { taskId: task.id, runIds: runs.map((r: { id: string }) => r.id) };
    },
    async stop() {
      await killAll();
      await Promise.all([stack.stop(), git.close(), fake.close()]);
    },
  };
}
