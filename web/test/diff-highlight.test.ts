import { describe, expect, it } from 'vitest';
import { buildDiffModel } from '../src/lib/diff-model.ts';
import { compareFiles } from '../src/lib/diff-compare.ts';
import { ensureLanguage, highlightLines, isLanguageReady, languageFor, MAX_HIGHLIGHT_LINES } from '../src/lib/diff-highlight.ts';
import { compareTokens, fileTokens, languagesOf } from '../src/lib/diff-tokens.ts';
import { gitPatch } from './diff-fixtures.ts';

const text = (line: { text: string; cls: string }[]) => line.map((t) => t.text).join('');

describe('languageFor', () => {
  it('maps file names and extensions to the grammars we load, and nothing else', () => {
    expect(['src/a.tsx', 'lib/x.MJS', 'Dockerfile', 'build/Makefile', 'conf.toml', 'README', 'x.unknown', '.env'].map(languageFor))
      .toEqual(['typescript', 'javascript', 'dockerfile', 'makefile', 'ini', null, null, null]);
    expect(languagesOf(['a.ts', 'b.ts', 'c.py', 'd.bin'])).toEqual(['python', 'typescript']);
  });
});

describe('highlightLines', () => {
  it('loads a grammar on demand, once, and reports one it does not have', async () => {
    expect(await ensureLanguage('nope')).toBe(false);
    expect(highlightLines('python', ['x = 1'])).toBeNull();
    const [first, second] = [ensureLanguage('python'), ensureLanguage('python')];
    expect(first).toBe(second);
    expect(await first).toBe(true);
    expect(isLanguageReady('python')).toBe(true);
  });

  it('highlights a block as a whole and splits it back into the same lines', async () => {
    await ensureLanguage('typescript');
    const src = ['const a = `one', 'two`; // note', '/* a', 'b */ function f() {}'];
    const out = highlightLines('typescript', src)!;
    expect(out.map(text)).toEqual(src);
    // The template string and block comment go on across the line break.
    expect(out[1][0]).toEqual({ text: 'two`', cls: 'hljs-string' });
    expect(out[3][0]).toEqual({ text: 'b */', cls: 'hljs-comment' });
    expect(out[0].find((t) => t.text === 'const')?.cls).toBe('hljs-keyword');
    expect(out[3].find((t) => t.text === 'f')?.cls).toContain('hljs-title');
  });

  it('leaves too-large blocks and minified lines plain', async () => {
    await ensureLanguage('typescript');
    expect(highlightLines('typescript', Array.from({ length: MAX_HIGHLIGHT_LINES + 1 }, () => 'x;'))).toBeNull();
    expect(highlightLines('typescript', ['x'.repeat(5000)])).toBeNull();
    expect(highlightLines('typescript', [''])).toEqual([[]]);
  });
});

describe('token maps', () => {
  it('colours both sides of each hunk, removed lines by the old text', async () => {
    await ensureLanguage('typescript');
    const model = buildDiffModel(gitPatch([
      { path: 'a.ts', before: 'let x = 1;\n', after: 'const x = "1";\n' },
      { path: 'notes.txt', before: 'a\n', after: 'b\n' },
    ]));
    const tokens = fileTokens(model.files);
    const [del, add] = model.files[0].hunks[0].lines;
    expect(tokens.get(del)?.[0]).toEqual({ text: 'let', cls: 'hljs-keyword' });
    expect(tokens.get(add)?.find((t) => t.cls === 'hljs-string')?.text).toBe('"1"');
    expect(tokens.get(model.files[1].hunks[0].lines[0])).toBeUndefined();
  });

  it('colours the A and B results of a comparison', async () => {
    await ensureLanguage('typescript');
    const a = buildDiffModel(gitPatch([{ path: 'a.ts', before: 'x;\n', after: 'let a = 1;\n' }])).files;
    const b = buildDiffModel(gitPatch([{ path: 'a.ts', before: 'x;\n', after: 'const b = 2;\n' }])).files;
    const [entry] = compareFiles(a, b);
    const tokens = compareTokens([entry]);
    const [la, lb] = entry.regions[0].lines;
    expect([la.side, tokens.get(la)?.[0]]).toEqual(['a', { text: 'let', cls: 'hljs-keyword' }]);
    expect([lb.side, tokens.get(lb)?.[0]]).toEqual(['b', { text: 'const', cls: 'hljs-keyword' }]);
  });
});
