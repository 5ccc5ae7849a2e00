/**
 * Settings: a section nav (links with their own addresses, /settings/<id>, in the order a new user
 * needs them — lib/settings-sections.ts) and the one section it points at, so each page is short
 * and every section can be linked to. The GitHub section is its own chunk (lazy).
 */
import type { ComponentType } from 'preact';
import { useLayoutEffect } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { useNavigate } from '../lib/router.ts';
import { canonicalSettingsPath, SETTINGS_SECTIONS, sectionOf, settingsPath } from '../lib/settings-sections.ts';
import type { SettingsSectionId } from '../lib/settings-sections.ts';
import { lazy } from '../components/lazy.tsx';
import { Link } from '../components/link.tsx';
import { AccountSection } from './settings/account-section.tsx';
import { BudgetsSection } from './settings/budgets-section.tsx';
import { ModelProfilesSection } from './settings/model-profiles-section.tsx';
import { PricesSection } from './settings/prices-section.tsx';
import { ReposSection } from './settings/repos-section.tsx';
import { RunnersSection } from './settings/runners-section.tsx';

const GitHubSection = lazy(async () => (await import('./settings/github-section.tsx')).GitHubSection, 'Loading GitHub settings…');

const SECTIONS: Record<SettingsSectionId, ComponentType> = {
  'model-profiles': ModelProfilesSection,
  repositories: ReposSection,
  runners: RunnersSection,
  github: GitHubSection,
  budgets: BudgetsSection,
  prices: PricesSection,
  account: AccountSection,
};

export function SettingsPage() {
  const section = useRoute().params.section ?? null;
  const { url } = useLocation();
  const navigate = useNavigate();
  // /settings#repositories (on load, as a link from another page or within this one) and
  // GitHub's redirect (/settings?github=…) move to their section's address.
  useLayoutEffect(() => {
    const canonical = () => {
      const to = canonicalSettingsPath(location.pathname, location.search, location.hash);
      if (to) navigate(to, { replace: true });
    };
    canonical();
    addEventListener('hashchange', canonical);
    return () => removeEventListener('hashchange', canonical);
  }, [url]);
  const id = sectionOf(section);
  const Section = id ? SECTIONS[id] : null;
  return (
    <div class="page settings-page">
      <h1>Settings</h1>
      <p class="hint">A task needs a model profile, a repository and a connected runner; the rest can wait.</p>
      <nav class="settings-nav" aria-label="Settings sections" data-testid="settings-nav">
        <ul>
          {SETTINGS_SECTIONS.map((s) => (
            <li key={s.id}><Link href={settingsPath(s.id)} current={s.id === id}>{s.title}</Link></li>
          ))}
        </ul>
      </nav>
      {Section ? <Section /> : (
        <p class="empty" data-testid="settings-unknown">There is no settings section “{section}”. Pick one above.</p>
      )}
    </div>
  );
}
