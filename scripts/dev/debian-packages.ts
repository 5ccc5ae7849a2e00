/**
 * Debian packages a command needs and `npm ci` cannot bring (the test pre-flight, `npm start`):
 * what is missing is installed with apt-get when running as root, and otherwise the exact command
 * to run is returned for the caller to print.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export function onPath(bin: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && existsSync(path.join(dir, bin)));
}

/** `needed`: Debian package → the program it provides (or an absolute path to look for). Returns null when all are there. */
export function ensureDebianPackages(needed: Record<string, string>, why: string): { missing: string[]; command: string } | null {
  const missing = Object.entries(needed).filter(([, bin]) => !(bin.startsWith('/') ? existsSync(bin) : onPath(bin))).map(([pkg]) => pkg);
  if (missing.length === 0) return null;
  const command = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) return { missing, command };
  console.log(`· installing ${missing.join(', ')} from Debian (${why})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env });
  return null;
}
