/**
 * An <a> that navigates in place through the router (real href, so open-in-new-tab works).
 * `navLink`: marked as the current page when the path is its href; `current` decides it instead.
 */
import type { ComponentChildren } from 'preact';
import { currentPath, onLinkClick } from '../lib/router.ts';

export function Link(props: { href: string; class?: string; children: ComponentChildren; navLink?: boolean; current?: boolean }) {
  const isCurrent = props.current ?? (props.navLink === true && currentPath.value === props.href);
  const current = isCurrent ? 'page' : undefined;
  return (
    <a href={props.href} class={props.class} aria-current={current} onClick={onLinkClick}>
      {props.children}
    </a>
  );
}
