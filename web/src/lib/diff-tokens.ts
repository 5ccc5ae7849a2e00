/**
 * Highlighted tokens for what the diff viewer and the compare view show, keyed by line object.
 * Each hunk's old side and new side are highlighted as blocks (so a comment or string spanning
 * lines is coloured right), each compare region's A and B results likewise. Files whose grammar
 * is not loaded yet, or that are too big, are skipped and render as plain text.
 */
import type { CompareEntry } from './diff-compare.ts';
import type { DiffFile } from './diff-model.ts';
import { highlightLines, isLanguageReady, languageFor, MAX_HIGHLIGHT_LINES } from './diff-highlight.ts';
import type { Token } from './diff-highlight.ts';

export type TokenMap = WeakMap<object, Token[]>;

/** Above this many lines in one patch, the viewer stays plain: highlighting would stall the page. */
export const MAX_PATCH_HIGHLIGHT_LINES = 20000;

function paint<T extends { text: string }>(lang: string, lines: T[], into: TokenMap): void {
  const tokens = highlightLines(lang, lines.map((l) => l.text));
  if (tokens) lines.forEach((l, i) => into.set(l, tokens[i]));
}

const readyLanguage = (path: string): string | null => {
  const lang = languageFor(path);
  return lang && isLanguageReady(lang) ? lang : null;
};

/** The grammars a set of paths needs. */
export function languagesOf(paths: string[]): string[] {
  const langs = new Set<string>();
  for (const p of paths) {
    const lang = languageFor(p);
    if (lang) langs.add(lang);
  }
  return [...langs].sort();
}

export function fileTokens(files: DiffFile[], into: TokenMap = new WeakMap()): TokenMap {
  let total = 0;
  for (const f of files) for (const h of f.hunks) total += h.lines.length;
  if (total > MAX_PATCH_HIGHLIGHT_LINES) return into;
  for (const f of files) {
    const lang = readyLanguage(f.path);
    if (!lang) continue;
    let lines = 0;
    for (const h of f.hunks) lines += h.lines.length;
    if (lines > MAX_HIGHLIGHT_LINES) continue;
    for (const h of f.hunks) {
      // Context lines are on both sides and end up with the new side's tokens (same text).
      paint(lang, h.lines.filter((l) => l.kind !== 'add'), into);
      paint(lang, h.lines.filter((l) => l.kind !== 'del'), into);
    }
  }
  return into;
}

export function compareTokens(entries: CompareEntry[], into: TokenMap = new WeakMap()): TokenMap {
  for (const e of entries) {
    const lang = readyLanguage(e.path);
    if (!lang) continue;
    for (const r of e.regions) {
      paint(lang, r.lines.filter((l) => l.side !== 'b'), into);
      paint(lang, r.lines.filter((l) => l.side !== 'a'), into);
    }
    for (const f of [e.a, e.b]) if (f) fileTokens([f], into);
  }
  return into;
}
