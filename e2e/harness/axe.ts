/**
 * axe-core run inside the page (devDependency `axe-core`): every violation, of any impact, one
 * line each — the browser tests expect none. `axeEverywhere` runs it in each look a user may see
 * (desktop 1400×900 and phone 390×844, light and dark theme) and puts the page back as it was.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT } from '../../testkit/src/stack/stack.ts';

interface AxeResult { violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }
type AxeWindow = { axe?: { run: (context: string | Document, options: object) => Promise<AxeResult> } };

export const DESKTOP = { width: 1400, height: 900 };
export const PHONE = { width: 390, height: 844 };

export type Look = { viewport: 'desktop' | 'phone'; theme: 'light' | 'dark' };
export const ALL_LOOKS: Look[] = [
  { viewport: 'desktop', theme: 'light' }, { viewport: 'desktop', theme: 'dark' },
  { viewport: 'phone', theme: 'light' }, { viewport: 'phone', theme: 'dark' },
];

/** Every violation axe finds on the page as it is now (or within `context`, a CSS selector; only `rules`, if given). */
export async function axeViolations(page: Page, context?: string, rules?: string[]): Promise<string[]> {
  if (!(await page.evaluate(() => Boolean((window as unknown as AxeWindow).axe)))) {
    await page.addScriptTag({ path: path.join(ROOT, 'node_modules/axe-core/axe.min.js') });
  }
  const result = await page.evaluate(([ctx, only]) => (window as unknown as Required<AxeWindow>).axe.run(ctx ?? document, only ? { runOnly: only } : {}), [context, rules] as const);
  return result.violations.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** axe in each look; lines say where and in which look. The viewport and theme are restored. */
export async function axeEverywhere(page: Page, where: string, looks: Look[] = ALL_LOOKS): Promise<string[]> {
  const viewport = page.viewportSize();
  const theme = await page.evaluate(() => document.documentElement.dataset.theme);
  const out: string[] = [];
  for (const look of looks) {
    await page.setViewportSize(look.viewport === 'phone' ? PHONE : DESKTOP);
    await page.evaluate((t) => { document.documentElement.dataset.theme = t; }, look.theme);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    for (const v of await axeViolations(page)) out.push(`${where} (${look.viewport}, ${look.theme}): ${v}`);
  }
  if (viewport) await page.setViewportSize(viewport);
  await page.evaluate((t) => { if (t) document.documentElement.dataset.theme = t; }, theme);
  return out;
}
