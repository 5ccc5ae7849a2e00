/**
 * runner/Dockerfile stays in step with the repository: the runner image's dependency list
 * (scripts/runner-image-package.ts) is exactly what runner/src and protocol/src import, and the
 * image's Node is the version package-lock.json gives the repo's own `node` package.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bareImports, RUNNER_DEPENDENCIES, runnerPackage } from '../runner-image-package.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sources(p)));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

describe('the runner image', () => {
  it('installs exactly the packages the runner imports', async () => {
    const imported = new Set<string>();
    for (const dir of ['runner/src', 'protocol/src']) {
      for (const f of await sources(path.join(ROOT, dir))) for (const name of bareImports(await readFile(f, 'utf8'))) imported.add(name);
    }
    expect([...imported].sort()).toEqual([...RUNNER_DEPENDENCIES].sort());
  });

  it('cuts the root package.json down to those, at the root ranges, with no dev or Worker packages', async () => {
    const root = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8'));
    const pkg = runnerPackage(root);
    expect(Object.keys(pkg.dependencies!).sort()).toEqual([...RUNNER_DEPENDENCIES].sort());
    for (const d of RUNNER_DEPENDENCIES) expect(pkg.dependencies![d]).toBe(root.dependencies[d]);
    expect(pkg.type).toBe('module');
    expect(pkg).not.toHaveProperty('devDependencies');
    expect(pkg).not.toHaveProperty('scripts');
    expect(() => runnerPackage(root, ['left-pad'])).toThrow('runner dependency left-pad is not in package.json "dependencies"');
  });

  it('reads static, re-exported and dynamic imports, and skips built-ins and relative paths', () => {
    const src = [
      "import { z } from 'zod';", "import type { X } from '@scope/pkg/sub/path';", "export { y } from 'diff';",
      "const ws = await import('ws');", "import 'side-effect';", "import { a } from './local.ts';", "import fs from 'node:fs';",
      "import git from 'isomorphic-git/http/node';", "import {\n  a,\n  b,\n} from 'openai';",
      "throw new Error('nothing from ' + x);", "log('read from ', path);",
    ].join('\n');
    expect(bareImports(src).sort()).toEqual(['@scope/pkg', 'diff', 'isomorphic-git', 'openai', 'side-effect', 'ws', 'zod']);
  });

  it('runs the Node that package-lock.json gives the repo', async () => {
    const lock = JSON.parse(await readFile(path.join(ROOT, 'package-lock.json'), 'utf8'));
    const dockerfile = await readFile(path.join(ROOT, 'runner/Dockerfile'), 'utf8');
    expect(dockerfile).toContain(`ARG NODE_VERSION=${lock.packages['node_modules/node'].version}\n`);
  });
});
