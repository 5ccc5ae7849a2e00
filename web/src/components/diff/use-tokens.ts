/**
 * Loads the grammars a diff needs (each its own small chunk) and recomputes the token map once
 * they are in; until then, and for languages we have no grammar for, the diff renders plain.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ensureLanguage, isLanguageReady } from '../../lib/diff-highlight.ts';
import type { TokenMap } from '../../lib/diff-tokens.ts';

export function useTokens(languages: string[], build: () => TokenMap, key: unknown): TokenMap {
  const [loaded, setLoaded] = useState(0);
  const wanted = languages.join(' ');
  useEffect(() => {
    const missing = languages.filter((l) => !isLanguageReady(l));
    if (missing.length === 0) return;
    let live = true;
    void Promise.all(missing.map(ensureLanguage)).then((ok) => {
      if (live && ok.some(Boolean)) setLoaded((n) => n + 1);
    });
    return () => {
      live = false;
    };
  }, [wanted]);
  return useMemo(build, [key, loaded]);
}
