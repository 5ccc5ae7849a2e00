/**
 * The per-attempt diff viewer as seen from a run card: a code-split chunk (parser, highlighter,
 * styles) loaded when a card first has a patch to show, so none of it is in the initial JS.
 */
import { lazy } from './lazy.tsx';
import type { DiffViewerProps } from './diff/diff-viewer.tsx';

export const DiffView = lazy<DiffViewerProps>(async () => (await import('./diff/diff-viewer.tsx')).DiffViewer, 'Loading the diff…');
