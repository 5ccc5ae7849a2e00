/**
 * dursor test kit: fake providers speaking the real wire protocols (OpenAI Chat + Responses,
 * Anthropic Messages, Gemini), a local smart-HTTP git server, a fake Worker for runners, a fake
 * GitHub REST API backed by that git server.
 */
export * from './scenario.ts';
export type { RecordedRequest } from './fake-http.ts';
export * from './fake-openai.ts';
export * from './fake-anthropic.ts';
export * from './fake-gemini.ts';
export * from './git-server.ts';
export * from './fake-worker.ts';
export { git, writeTree, GIT_ENV } from './git-cli.ts';
export * from './fake-github/index.ts';
export * from './tcp-proxy.ts';
export { WELL_KNOWN } from './secret-samples.ts';
export { waitFor, type Maybe, type Wake } from './wait.ts';
