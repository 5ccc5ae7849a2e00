/** Settings: model profiles, repositories, runners — everything a task needs before it can start. */
import { ModelProfilesSection } from './settings/model-profiles-section.tsx';
import { ReposSection } from './settings/repos-section.tsx';
import { RunnersSection } from './settings/runners-section.tsx';

export function SettingsPage() {
  return (
    <div class="page settings-page">
      <h1>Settings</h1>
      <ModelProfilesSection />
      <ReposSection />
      <RunnersSection />
    </div>
  );
}
