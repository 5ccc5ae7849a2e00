/** Builds the web app once so `wrangler dev` serves the real UI from web/dist (the e2e suite's global setup, the benches). */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './stack.ts';

export function buildWeb(): void {
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
}
