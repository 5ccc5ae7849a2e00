/** Settings: model profiles, prices, repositories, runners — everything a task needs before it can start. */
import { ModelProfilesSection } from './settings/model-profiles-section.tsx';
import { PricesSection } from './settings/prices-section.tsx';
import { ReposSection } from './settings/repos-section.tsx';
import { RunnersSection } from './settings/runners-section.tsx';

export function SettingsPage() {
  return (
    <div class="page settings-page">
      <h1>Settings</h1>
      <ModelProfilesSection />
      <PricesSection />
      <ReposSection />
      <RunnersSection />
    </div>
  );
}
