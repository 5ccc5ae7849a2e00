/**
 * A list backed by a shared Resource, in its four states: load error (with retry), loading, empty
 * (saying what to do next), and the items. Settings sections differ only in their rows.
 */
import type { ComponentChildren, VNode } from 'preact';
import type { Resource } from '../lib/resource.ts';
import { Empty, LoadError, Loading } from './ui.tsx';

export function ResourceList<T>(props: {
  resource: Resource<T[]>;
  loading: string;
  empty: ComponentChildren;
  emptyTestId: string;
  listTestId?: string;
  row: (item: T) => VNode;
}) {
  const { status, data, error } = props.resource.state.value;
  // A failed refresh keeps showing what was loaded before, under the error.
  const failed = status === 'error' ? <LoadError message={error ?? ''} onRetry={() => void props.resource.load()} /> : null;
  if (data === null) return failed ?? <Loading what={props.loading} />;
  return (
    <>
      {failed}
      {data.length === 0
        ? <Empty testId={props.emptyTestId}>{props.empty}</Empty>
        : <ul class="item-list" data-testid={props.listTestId}>{data.map(props.row)}</ul>}
    </>
  );
}
