/** dursor test kit: fake OpenAI provider, local smart-HTTP git server, fake Worker for runners. */
export * from './fake-openai.ts';
export * from './git-server.ts';
export * from './fake-worker.ts';
export { git, writeTree, GIT_ENV } from './git-cli.ts';
