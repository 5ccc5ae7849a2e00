/** Steps the browser tests take the same way: first-run setup, and a scripted model profile in Settings. */
import type { Page } from 'playwright-core';
import { OWNER } from './client.ts';

export async function createOwnerInBrowser(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Email').fill(OWNER.email);
  await page.getByLabel('Password').fill(OWNER.password);
  await page.getByRole('button', { name: 'Create owner account' }).click();
}

/** Opens Settings and submits an openai-compatible profile "Scripted model" for the fake provider. */
export async function addScriptedProfile(page: Page, baseUrl: string, apiKey: string): Promise<void> {
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Provider', { exact: true }).selectOption('openai-compatible');
  await page.getByLabel('Model', { exact: true }).fill('scripted-model');
  await page.getByLabel('Display name').fill('Scripted model');
  await page.getByLabel('Base URL').fill(baseUrl);
  await page.getByLabel('API key').fill(apiKey);
  await page.getByRole('button', { name: 'Add model profile' }).click();
}
