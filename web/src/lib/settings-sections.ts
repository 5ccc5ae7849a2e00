/**
 * The sections of Settings, in the order a new user needs them (pure, unit-tested): a model
 * profile and a repository before anything can run, the runners that run it, then GitHub, budgets,
 * prices and the account. Each section has its own address, /settings/<id>; /settings is the first
 * one. Old-style addresses still land right: /settings#<id>, and GitHub's redirect back from the
 * app-manifest flow (/settings?github=… or ?github_error=…) opens the GitHub section.
 */
export const SETTINGS_SECTIONS = [
  { id: 'model-profiles', title: 'Model profiles' },
  { id: 'repositories', title: 'Repositories' },
  { id: 'runners', title: 'Runners' },
  { id: 'github', title: 'GitHub' },
  { id: 'budgets', title: 'Budgets' },
  { id: 'prices', title: 'Prices' },
  { id: 'account', title: 'Account' },
] as const;

export type SettingsSectionId = (typeof SETTINGS_SECTIONS)[number]['id'];

export const settingsPath = (id: SettingsSectionId): string => `/settings/${id}`;

export function isSettingsSection(id: string): id is SettingsSectionId {
  return SETTINGS_SECTIONS.some((s) => s.id === id);
}

/** The section `/settings[/<id>]` shows; null for an unknown id (the page says so). */
export function sectionOf(section: string | null): SettingsSectionId | null {
  if (section === null) return SETTINGS_SECTIONS[0].id;
  return isSettingsSection(section) ? section : null;
}

/**
 * Where a bare /settings with a section hash or GitHub's redirect query belongs (the query is
 * kept for the GitHub section to read); null when the address is fine as it is.
 */
export function canonicalSettingsPath(pathname: string, search: string, hash: string): string | null {
  if (pathname.replace(/\/+$/, '') !== '/settings') return null;
  const q = new URLSearchParams(search);
  if (q.has('github') || q.has('github_error')) return `${settingsPath('github')}${search}`;
  const h = decodeURIComponent(hash.replace(/^#/, ''));
  return isSettingsSection(h) ? settingsPath(h) : null;
}
