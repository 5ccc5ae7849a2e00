/**
 * An in-app <a>: a real href (open-in-new-tab works), and preact-iso's LocationProvider turns a
 * plain left click on it into in-place navigation. `navLink`: marked as the current page when the
 * path is its href; `current` decides it instead.
 */
import type { ComponentChildren } from 'preact';
import { useLocation } from 'preact-iso';

export function Link(props: { href: string; class?: string; children: ComponentChildren; navLink?: boolean; current?: boolean }) {
  const { path } = useLocation();
  const isCurrent = props.current ?? (props.navLink === true && path === props.href);
  const current = isCurrent ? 'page' : undefined;
  return (
    <a href={props.href} class={props.class} aria-current={current}>
      {props.children}
    </a>
  );
}
