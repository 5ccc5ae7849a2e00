/**
 * Pure helpers of the allowlist in Settings → GitHub (issue "Seal every attempt": only people who
 * may push, or logins on this list, start runs with `@dursor` comments): what was typed → a login
 * the API will take (an `@` in front or a profile URL is fine), or why not, in the API's own words
 * (protocol's `GitHubLogin`); and where an added login goes in the shown list.
 */
import { GitHubLogin, type AllowedGitHubLogin } from '../../../protocol/src/index.ts';

export type ParsedLogin = { ok: true; login: string } | { ok: false; message: string };

export function parseLogin(input: string): ParsedLogin {
  const typed = input.trim().replace(/^@/, '');
  if (!typed) return { ok: false, message: 'Type a GitHub login, for example octocat.' };
  const fromUrl = /^https?:\/\/[^/]+\/([^/?#]+)\/?$/i.exec(typed)?.[1];
  const candidate = fromUrl ?? typed;
  const parsed = GitHubLogin.safeParse(candidate);
  if (parsed.success) return { ok: true, login: parsed.data };
  return { ok: false, message: `“${candidate}” is not ${parsed.error.issues[0]?.message ?? 'a GitHub login'}.` };
}

const key = (login: string) => login.toLowerCase();

/** The list with `added` in it (replacing the same login in any case), ordered as the API orders it. */
export function withLogin(list: AllowedGitHubLogin[], added: AllowedGitHubLogin): AllowedGitHubLogin[] {
  return [...list.filter((l) => key(l.login) !== key(added.login)), added].sort((a, b) => (key(a.login) < key(b.login) ? -1 : 1));
}

export const withoutLogin = (list: AllowedGitHubLogin[], login: string): AllowedGitHubLogin[] =>
  list.filter((l) => key(l.login) !== key(login));
