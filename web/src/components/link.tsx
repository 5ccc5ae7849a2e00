/** An <a> that navigates in place through the router (real href, so open-in-new-tab works). */
import type { ComponentChildren } from 'preact';
import { currentPath, onLinkClick } from '../lib/router.ts';

export function Link(props: { href: string; class?: string; children: ComponentChildren; navLink?: boolean }) {
  const current = props.navLink && currentPath.value === props.href ? 'page' : undefined;
  return (
    <a href={props.href} class={props.class} aria-current={current} onClick={onLinkClick}>
      {props.children}
    </a>
  );
}
