/**
 * components/lazy.tsx, rendered to HTML (preact-render-to-string, preact-iso's peer): a part of a
 * page shows its Loading line until its chunk is there — in every place it is used, with no
 * effect needed to notice the arrival — and a chunk that fails to load says why with a retry.
 */
import { h } from 'preact';
import type { ComponentType } from 'preact';
import { render } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { lazy } from '../src/components/lazy.tsx';

type Props = { name: string };
const Hello: ComponentType<Props> = (p) => h('p', null, `hello ${p.name}`);
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('lazy part', () => {
  it('shows Loading until the chunk arrives, then the component everywhere, without loading it twice', async () => {
    let loads = 0;
    let release!: (c: ComponentType<Props>) => void;
    const Part = lazy<Props>(() => {
      loads++;
      return new Promise((r) => { release = r; });
    }, 'Loading the part…');
    Part.preload();
    expect(render(h(Part, { name: 'a' }))).toContain('Loading the part…');
    expect(render(h(Part, { name: 'b' }))).toContain('Loading the part…');
    release(Hello);
    await settle();
    expect(render(h('div', null, h(Part, { name: 'a' }), h(Part, { name: 'b' })))).toBe('<div><p>hello a</p><p>hello b</p></div>');
    expect(loads).toBe(1);
  });

  it('says why a chunk failed, with a retry', async () => {
    const Part = lazy<Props>(() => Promise.reject(new Error('Failed to fetch dynamically imported module')), 'Loading the part…');
    expect(render(h(Part, { name: 'a' }))).toContain('Loading the part…');
    await settle();
    const html = render(h(Part, { name: 'a' }));
    expect(html).toContain('role="alert"');
    expect(html).toContain('Could not load this part of the page: Failed to fetch dynamically imported module');
    expect(html).toContain('Try again');
  });
});
