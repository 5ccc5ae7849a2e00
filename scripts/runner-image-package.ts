/**
 * The runner image's package.json (runner/Dockerfile): the root package.json cut down to the
 * dependencies the runner's code (runner/src, protocol/src) imports — no devDependencies, no
 * scripts, none of the Worker's or web app's packages (hono, octokit, drizzle, preact, lowlight:
 * ~100 MB the runner never loads). `npm install --omit=dev` against the root package-lock.json
 * then installs exactly the runner's tree at the locked versions, in its own Docker layer that
 * only a package.json / lockfile change rebuilds (which is why the list is written here, not
 * found by reading the sources: a source edit must not re-run npm).
 *
 *   node scripts/runner-image-package.ts < package.json > /app/package.json
 *
 * scripts/test/runner-image-package.test.ts fails when the runner imports a package missing from
 * RUNNER_DEPENDENCIES (or the list names one it no longer imports).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const RUNNER_DEPENDENCIES = ['@anthropic-ai/sandbox-runtime', '@anthropic-ai/sdk', '@google/genai', 'diff', 'ipaddr.js', 'isomorphic-git', 'openai', 'ws', 'zod'];

interface PackageJson {
  name?: string;
  version?: string;
  private?: boolean;
  type?: string;
  engines?: Record<string, string>;
  dependencies?: Record<string, string>;
  [key: string]: unknown;
}

/** The image's package.json from the root one; throws when a runner dependency is not a root dependency. */
export function runnerPackage(root: PackageJson, deps: string[] = RUNNER_DEPENDENCIES): PackageJson {
  const dependencies: Record<string, string> = {};
  for (const d of deps) {
    const range = root.dependencies?.[d];
    if (!range) throw new Error(`runner dependency ${d} is not in package.json "dependencies"`);
    dependencies[d] = range;
  }
  return { name: root.name, version: root.version, private: true, type: root.type, engines: root.engines, dependencies };
}

/** The package names (not `node:` built-ins, not relative paths) a module imports, statically or dynamically. */
export function bareImports(source: string): string[] {
  const names = new Set<string>();
  const specs = [
    ...source.matchAll(/^\s*(?:import|export)\s[^;'"]*?\bfrom\s*['"]([^'"\n]+)['"]/gm), // import … from 'x' (clauses may span lines)
    ...source.matchAll(/^\s*import\s*['"]([^'"\n]+)['"]/gm), // import 'x'
    ...source.matchAll(/\bimport\(\s*['"]([^'"\n]+)['"]\s*\)/g), // import('x')
  ].map((m) => m[1]);
  for (const spec of specs) {
    if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:')) continue;
    const parts = spec.split('/');
    names.add(spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
  }
  return [...names];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = JSON.parse(readFileSync(0, 'utf8')) as PackageJson;
  process.stdout.write(`${JSON.stringify(runnerPackage(root), null, 2)}\n`);
}
