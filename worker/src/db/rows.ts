/** Row types of the D1 tables, as drizzle selects them. */
import type {
  apiTokens, githubConnections, messages, modelProfiles, prChecks, pullRequests, registrationTokens, repos, runners, runs, tasks, users,
} from './schema.ts';

export type UserRow = typeof users.$inferSelect;
export type ApiTokenRow = typeof apiTokens.$inferSelect;
export type ModelProfileRow = typeof modelProfiles.$inferSelect;
export type RepoRow = typeof repos.$inferSelect;
export type TaskRow = typeof tasks.$inferSelect;
export type MessageRow = typeof messages.$inferSelect;
export type RunRow = typeof runs.$inferSelect;
export type RunInsert = typeof runs.$inferInsert;
export type RunnerRow = typeof runners.$inferSelect;
export type RegistrationTokenRow = typeof registrationTokens.$inferSelect;
export type GitHubConnectionRow = typeof githubConnections.$inferSelect;
export type PullRequestRow = typeof pullRequests.$inferSelect;
export type PrCheckRow = typeof prChecks.$inferSelect;
