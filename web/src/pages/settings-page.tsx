/**
 * Settings: model profiles, prices, the GitHub connection, repositories, runners, budgets, the account — everything a
 * task needs before it can start. The GitHub section is its own chunk (lazy).
 */
import { lazy } from '../components/lazy.tsx';
import { AccountSection } from './settings/account-section.tsx';
import { BudgetsSection } from './settings/budgets-section.tsx';
import { ModelProfilesSection } from './settings/model-profiles-section.tsx';
import { PricesSection } from './settings/prices-section.tsx';
import { ReposSection } from './settings/repos-section.tsx';
import { RunnersSection } from './settings/runners-section.tsx';

const GitHubSection = lazy(async () => (await import('./settings/github-section.tsx')).GitHubSection, 'Loading GitHub settings…');

export function SettingsPage() {
  return (
    <div class="page settings-page">
      <h1>Settings</h1>
      <ModelProfilesSection />
      <PricesSection />
      <BudgetsSection />
      <GitHubSection />
      <ReposSection />
      <RunnersSection />
      <AccountSection />
    </div>
  );
}
