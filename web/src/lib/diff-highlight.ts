/**
 * Syntax highlighting for diffs: lowlight (highlight.js grammars → a hast tree, so nothing goes
 * through innerHTML) with one lazily imported chunk per language, fetched the first time a diff
 * shows a file of that language. A block of lines is highlighted together (a hunk side, a compare
 * region) so multi-line strings and comments stay right, then split back into lines of tokens.
 */
import { createLowlight } from 'lowlight';
import type { LanguageFn } from 'highlight.js';

export type Token = { text: string; cls: string };
type Grammar = () => Promise<{ default: LanguageFn }>;

const GRAMMARS: Record<string, Grammar> = {
  typescript: () => import('highlight.js/lib/languages/typescript'),
  javascript: () => import('highlight.js/lib/languages/javascript'),
  json: () => import('highlight.js/lib/languages/json'),
  css: () => import('highlight.js/lib/languages/css'),
  scss: () => import('highlight.js/lib/languages/scss'),
  xml: () => import('highlight.js/lib/languages/xml'),
  markdown: () => import('highlight.js/lib/languages/markdown'),
  python: () => import('highlight.js/lib/languages/python'),
  go: () => import('highlight.js/lib/languages/go'),
  rust: () => import('highlight.js/lib/languages/rust'),
  bash: () => import('highlight.js/lib/languages/bash'),
  yaml: () => import('highlight.js/lib/languages/yaml'),
  ini: () => import('highlight.js/lib/languages/ini'),
  sql: () => import('highlight.js/lib/languages/sql'),
  java: () => import('highlight.js/lib/languages/java'),
  kotlin: () => import('highlight.js/lib/languages/kotlin'),
  c: () => import('highlight.js/lib/languages/c'),
  cpp: () => import('highlight.js/lib/languages/cpp'),
  csharp: () => import('highlight.js/lib/languages/csharp'),
  ruby: () => import('highlight.js/lib/languages/ruby'),
  php: () => import('highlight.js/lib/languages/php'),
  swift: () => import('highlight.js/lib/languages/swift'),
  dockerfile: () => import('highlight.js/lib/languages/dockerfile'),
  makefile: () => import('highlight.js/lib/languages/makefile'),
};

const BY_EXT: Record<string, string> = {
  ts: 'typescript', tsx: 'typescript', mts: 'typescript', cts: 'typescript',
  js: 'javascript', jsx: 'javascript', mjs: 'javascript', cjs: 'javascript',
  json: 'json', jsonc: 'json', css: 'css', scss: 'scss',
  html: 'xml', htm: 'xml', xml: 'xml', svg: 'xml', vue: 'xml',
  md: 'markdown', markdown: 'markdown', py: 'python', go: 'go', rs: 'rust',
  sh: 'bash', bash: 'bash', zsh: 'bash', yml: 'yaml', yaml: 'yaml', toml: 'ini', ini: 'ini', cfg: 'ini',
  sql: 'sql', java: 'java', kt: 'kotlin', kts: 'kotlin', c: 'c', h: 'c',
  cc: 'cpp', cpp: 'cpp', cxx: 'cpp', hpp: 'cpp', cs: 'csharp', rb: 'ruby', php: 'php', swift: 'swift',
};
const BY_NAME: Record<string, string> = { dockerfile: 'dockerfile', makefile: 'makefile', gnumakefile: 'makefile' };

/** Above this many lines in one block, highlighting costs more than it helps (generated files). */
export const MAX_HIGHLIGHT_LINES = 3000;
const MAX_LINE_LENGTH = 2000;

const lowlight = createLowlight();
const loading = new Map<string, Promise<boolean>>();

/** The grammar for a path, by file name then extension; null when we have none. */
export function languageFor(path: string): string | null {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  if (BY_NAME[name]) return BY_NAME[name];
  const dot = name.lastIndexOf('.');
  return dot > 0 ? BY_EXT[name.slice(dot + 1)] ?? null : null;
}

/** Loads and registers a grammar once; false if it could not be loaded (the diff stays plain). */
export function ensureLanguage(lang: string): Promise<boolean> {
  if (lowlight.registered(lang)) return Promise.resolve(true);
  let p = loading.get(lang);
  if (!p) {
    const load = GRAMMARS[lang];
    p = load
      ? load().then((m) => {
        lowlight.register(lang, m.default);
        return true;
      }, () => {
        loading.delete(lang);
        return false;
      })
      : Promise.resolve(false);
    loading.set(lang, p);
  }
  return p;
}

export const isLanguageReady = (lang: string): boolean => lowlight.registered(lang);

type HastNode = { type: string; value?: string; properties?: { className?: unknown }; children?: HastNode[] };

/** Highlights lines as one block; null when the grammar is not loaded or the block is too big. */
export function highlightLines(lang: string, lines: string[]): Token[][] | null {
  if (!lowlight.registered(lang) || lines.length === 0 || lines.length > MAX_HIGHLIGHT_LINES) return null;
  if (lines.some((l) => l.length > MAX_LINE_LENGTH)) return null;
  const tree = lowlight.highlight(lang, lines.join('\n')) as HastNode;
  const out: Token[][] = [[]];
  const walk = (node: HastNode, cls: string) => {
    if (node.type === 'text' && node.value !== undefined) {
      const parts = node.value.split('\n');
      parts.forEach((part, i) => {
        if (i > 0) out.push([]);
        if (part) out[out.length - 1].push({ text: part, cls });
      });
      return;
    }
    const own = Array.isArray(node.properties?.className) ? node.properties.className.join(' ') : '';
    const next = own ? (cls ? `${cls} ${own}` : own) : cls;
    for (const child of node.children ?? []) walk(child, next);
  };
  walk(tree, '');
  return out.length === lines.length ? out : null;
}
