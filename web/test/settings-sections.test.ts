import { describe, expect, it } from 'vitest';
import { canonicalSettingsPath, SETTINGS_SECTIONS, sectionOf } from '../src/lib/settings-sections.ts';

describe('settings sections', () => {
  it('come in the order a new user needs them: a model, a repository, a runner first', () => {
    expect(SETTINGS_SECTIONS.map((s) => s.id)).toEqual(['model-profiles', 'repositories', 'runners', 'github', 'budgets', 'prices', 'account']);
  });

  it('/settings is the first section; an unknown one is null', () => {
    expect(sectionOf(null)).toBe('model-profiles');
    expect(sectionOf('runners')).toBe('runners');
    expect(sectionOf('nope')).toBeNull();
  });

  it('old addresses land on their section: #hash, and GitHub’s redirect keeps its query', () => {
    expect(canonicalSettingsPath('/settings', '', '#repositories')).toBe('/settings/repositories');
    expect(canonicalSettingsPath('/settings/', '?github=connected', '')).toBe('/settings/github?github=connected');
    expect(canonicalSettingsPath('/settings', '?github_error=expired', '')).toBe('/settings/github?github_error=expired');
    expect(canonicalSettingsPath('/settings', '', '')).toBeNull();
    expect(canonicalSettingsPath('/settings', '', '#nothing')).toBeNull();
    expect(canonicalSettingsPath('/settings/runners', '', '#repositories')).toBeNull();
  });
});
