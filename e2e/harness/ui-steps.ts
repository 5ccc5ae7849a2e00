/** Steps the browser tests take the same way: first-run setup, a Settings section, and a scripted model profile. */
import type { Page } from 'playwright-core';
import { OWNER } from '../../testkit/src/stack/client.ts';

export async function createOwnerInBrowser(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Email').fill(OWNER.email);
  await page.getByLabel('Password').fill(OWNER.password);
  await page.getByRole('button', { name: 'Create owner account' }).click();
}

/** The API as the signed-in page sees it (its session cookie), for what the UI does not show. */
export async function pageApi(page: Page, base: string): Promise<(method: string, path: string, body?: unknown) => Promise<any>> {
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  return async (method, path, body) => {
    const res = await fetch(base + path, { method, headers: { cookie, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
    return res.json();
  };
}

/** Opens a section of Settings through the top bar and the section nav (each section has its own address). */
export async function openSettings(page: Page, section: string): Promise<void> {
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  await page.getByTestId('settings-nav').getByRole('link', { name: section, exact: true }).click();
  await page.waitForURL((u) => u.pathname.startsWith('/settings/'));
}

/** Opens Settings → Model profiles and submits an openai-compatible profile "Scripted model" for the fake provider. */
export async function addScriptedProfile(page: Page, baseUrl: string, apiKey: string): Promise<void> {
  await openSettings(page, 'Model profiles');
  await page.getByLabel('Provider', { exact: true }).selectOption('openai-compatible');
  await page.getByLabel('Model', { exact: true }).fill('scripted-model');
  await page.getByLabel('Display name').fill('Scripted model');
  await page.getByLabel('Base URL').fill(baseUrl);
  await page.getByLabel('API key').fill(apiKey);
  await page.getByRole('button', { name: 'Add model profile' }).click();
}
