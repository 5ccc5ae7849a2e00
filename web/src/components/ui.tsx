/**
 * Small shared pieces: a labelled field (label bound to its control by id, so screen readers and
 * `getByLabel` find it), inline error and status messages, and loading / empty states.
 */
import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';

/** Renders `label` bound to the control `children(id)` returns; `hint` is tied with aria-describedby. */
export function Field(props: {
  label: string;
  hint?: ComponentChildren;
  hintTestId?: string;
  class?: string;
  children: (id: string, describedBy: string | undefined) => ComponentChildren;
}) {
  const id = useId();
  const hintId = props.hint ? `${id}-hint` : undefined;
  return (
    <div class={`field ${props.class ?? ''}`}>
      <label for={id}>{props.label}</label>
      {props.children(id, hintId)}
      {props.hint && <p class="hint" id={hintId} data-testid={props.hintTestId}>{props.hint}</p>}
    </div>
  );
}

export function ErrorText(props: { message: string | null | undefined; testId?: string }) {
  if (!props.message) return null;
  return (
    <p class="error-text" role="alert" data-testid={props.testId ?? 'error'}>
      {props.message}
    </p>
  );
}

/** Polite live region: progress and success messages ("Adding…", "Added."). */
export function StatusText(props: { message: string | null | undefined }) {
  return (
    <p class="status-text" role="status" aria-live="polite">
      {props.message ?? ''}
    </p>
  );
}

export function Loading(props: { what: string }) {
  return (
    <p class="loading" role="status">
      <span class="spinner" aria-hidden="true" /> {props.what}
    </p>
  );
}

export function Empty(props: { children: ComponentChildren; testId?: string }) {
  return <div class="empty" data-testid={props.testId}>{props.children}</div>;
}

/** A load error with a retry button, for lists. */
export function LoadError(props: { message: string; onRetry: () => void }) {
  return (
    <div class="load-error" role="alert">
      <p>{props.message}</p>
      <button type="button" class="secondary" onClick={props.onRetry}>Try again</button>
    </div>
  );
}
