/**
 * The runner image (runner/Dockerfile) built and run the way this machine can: no Docker daemon
 * and no image registry, so buildah (daemonless, `--isolation=chroot`) builds it on a Debian
 * bookworm root filesystem made by mmdebstrap from Debian's mirror, and `buildah run` runs its
 * containers (host network: they reach `wrangler dev` and the testkit servers on 127.0.0.1).
 * Both tools come from Debian (scripts/ensure-system.ts).
 *
 * Cached in the machine's container storage (/var/lib/containers), which outlives a checkout:
 * CI runs in a fresh clone, where a cache under .dursor/ would always be cold.
 * - the base image is tagged by its mmdebstrap arguments: made once per machine (~1 min);
 * - the runner image is tagged by a hash of every build input (Dockerfile, .dockerignore, the
 *   package and lock files, runner/src, protocol/src): an unchanged tree is not built again, and a
 *   changed one is built with `--layers`, so a source edit re-runs only the steps after its COPY.
 * Runner-image tags older than a day are removed after a build; their layers stay as that layer cache.
 * Containers this module starts are removed by `removeContainers()` (every test file's afterAll).
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startProcess, type Proc } from '../../testkit/src/stack/processes.ts';
import { ROOT } from '../../testkit/src/stack/stack.ts';

const MMDEBSTRAP_ARGS = ['--variant=minbase', '--include=ca-certificates,git', 'bookworm'];
const BASE_REPO = 'localhost/dursor-e2e-base';
const IMAGE_REPO = 'localhost/dursor-runner-e2e';
/** Everything runner/Dockerfile reads from its context (the .dockerignore allowlist) and the two files that shape it. */
const BUILD_INPUTS = ['runner/Dockerfile', '.dockerignore', 'package.json', 'package-lock.json', 'scripts/runner-image-package.ts', 'protocol/src', 'runner/src'];
/** The machine's CA bundle: it trusts whatever TLS proxy stands between this machine and the npm registry. */
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

function run(cmd: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd: ROOT, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${(stderr || stdout).slice(-4000)}`));
      else resolve(stdout);
    });
  });
}

async function imageExists(ref: string): Promise<boolean> {
  return run('buildah', ['inspect', '--type', 'image', ref], 30_000).then(() => true, () => false);
}

const sha = (...parts: (string | Buffer)[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 16);
};

async function files(rel: string): Promise<string[]> {
  const abs = path.join(ROOT, rel);
  const entries = await readdir(abs, { withFileTypes: true }).catch(() => null);
  if (!entries) return [rel];
  const out: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) out.push(...(await files(path.join(rel, e.name))));
  return out;
}

/** A hash of every file the image is built from, plus the base and the registry it was built against. */
export async function imageKey(base: string, registry: string): Promise<string> {
  const parts: (string | Buffer)[] = [base, registry];
  for (const input of BUILD_INPUTS) for (const f of await files(input)) parts.push(f, await readFile(path.join(ROOT, f)));
  return sha(...parts);
}

export interface Timed { ref: string; ms: number; cached: boolean }

/** A Debian bookworm root filesystem as an image (mmdebstrap → `buildah from scratch` → commit), made once per machine. */
export async function ensureBaseImage(): Promise<Timed> {
  const started = Date.now();
  const ref = `${BASE_REPO}:${sha(...MMDEBSTRAP_ARGS)}`;
  if (await imageExists(ref)) return { ref, ms: Date.now() - started, cached: true };
  const dir = await mkdtemp(path.join(tmpdir(), 'dursor-rootfs-'));
  try {
    const tar = path.join(dir, 'rootfs.tar');
    await run('mmdebstrap', ['--quiet', ...MMDEBSTRAP_ARGS, tar], 10 * 60_000);
    const c = (await run('buildah', ['from', 'scratch'], 60_000)).trim();
    try {
      const mnt = (await run('buildah', ['mount', c], 60_000)).trim();
      await run('tar', ['-xf', tar, '-C', mnt], 5 * 60_000);
      await run('buildah', ['umount', c], 60_000);
      await run('buildah', ['commit', '--quiet', c, ref], 5 * 60_000);
    } finally {
      await run('buildah', ['rm', c], 60_000).catch(() => {});
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { ref, ms: Date.now() - started, cached: false };
}

export interface RunnerImage { ref: string; base: Timed; build: Timed }

/** runner/Dockerfile built on the base, against this machine's npm registry; reused while no input changed. */
export async function buildRunnerImage(): Promise<RunnerImage> {
  const base = await ensureBaseImage();
  const started = Date.now();
  const registry = (await run('npm', ['config', 'get', 'registry'], 30_000)).trim();
  const ref = `${IMAGE_REPO}:${await imageKey(base.ref, registry)}`;
  if (await imageExists(ref)) return { ref, base, build: { ref, ms: Date.now() - started, cached: true } };
  await run('buildah', [
    'bud', '--isolation=chroot', '--layers', '--pull=never', '--quiet',
    ...(existsSync(CA_BUNDLE) ? ['--secret', `id=ca-bundle,src=${CA_BUNDLE}`] : []),
    '--build-arg', `BASE=${base.ref}`, '--build-arg', `NPM_REGISTRY=${registry}`,
    '-f', 'runner/Dockerfile', '-t', ref, '.',
  ], 25 * 60_000);
  // Runner images of other trees are removed once a day old (they share all but their top layers):
  // a younger one may be the image another checkout's test is about to start; one in use stays.
  const images = JSON.parse(await run('buildah', ['images', '--json'], 30_000)) as { names: string[] | null; created: number }[];
  for (const img of images) {
    if (Date.now() / 1000 - img.created < 24 * 3600) continue;
    for (const old of (img.names ?? []).filter((n) => n.startsWith(`${IMAGE_REPO}:`) && n !== ref)) await run('buildah', ['rmi', old], 60_000).catch(() => {});
  }
  return { ref, base, build: { ref, ms: Date.now() - started, cached: false } };
}

export interface Container {
  name: string;
  proc: Proc;
  /** Like `docker stop`: SIGTERM (the image's STOPSIGNAL: the runner drains) to the container's first process, SIGKILL after 30 s; the exit code (null if killed). */
  stop(): Promise<number | null>;
  /** Removes the container (and its mount); idempotent. */
  remove(): Promise<void>;
}

const created = new Set<string>();

/** The image's entrypoint, as `docker run` would start it. */
export async function entrypoint(image: string): Promise<string[]> {
  const info = JSON.parse(await run('buildah', ['inspect', '--type', 'image', image], 30_000));
  return info.OCIv1.config.Entrypoint as string[];
}

/** A container of `image` running its entrypoint with `args`, configured by `env` (`buildah run --env`). */
export async function runContainer(image: string, label: string, opts: { env: Record<string, string>; args?: string[] }): Promise<Container> {
  const name = `dursor-e2e-${label}-${randomBytes(3).toString('hex')}`;
  await run('buildah', ['from', '--pull=never', '--quiet', '--name', name, image], 60_000);
  created.add(name);
  const env = Object.entries(opts.env).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
  const proc = startProcess(label, 'buildah', ['run', '--isolation=chroot', ...env, name, '--', ...(await entrypoint(image)), ...(opts.args ?? [])], { cwd: ROOT });
  // `buildah run` does not pass a signal on to the container (SIGTERM to it kills the process
  // inside), so stop it as `docker stop` does: SIGTERM (the image's STOPSIGNAL) to the container's
  // first process, tini, which hands it to the runner; SIGKILL to the group after 30 s.
  const stop = async (): Promise<number | null> => {
    const first = containerInit(proc.child.pid!, 'tini');
    if (first) process.kill(first, 'SIGTERM');
    const code = await Promise.race([proc.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000))]);
    if (code !== 'timeout') return code;
    await proc.kill('SIGKILL');
    return null;
  };
  const remove = async () => {
    if (!created.has(name)) return;
    await run('buildah', ['rm', name], 60_000);
    created.delete(name);
  };
  return { name, proc, stop, remove };
}

/** The pid of the process named `comm` in the process group of `buildah run` (its `buildah-chroot-exec` starts the container's command there). */
function containerInit(group: number, comm: string): number | null {
  const ps = execFileSync('ps', ['-eo', 'pid=,pgid=,comm='], { encoding: 'utf8' });
  for (const line of ps.split('\n')) {
    const [pid, pgid, name] = line.trim().split(/\s+/);
    if (Number(pgid) === group && name === comm) return Number(pid);
  }
  return null;
}

/** Names of the containers buildah knows on this machine. */
export async function containerNames(): Promise<string[]> {
  return (await run('buildah', ['containers', '--format', '{{.ContainerName}}'], 30_000)).split('\n').map((l) => l.trim()).filter(Boolean);
}

/** Removes every container this module created; kill their `buildah run` processes first (processes.ts killAll). */
export async function removeContainers(): Promise<void> {
  for (const name of [...created]) {
    await run('buildah', ['rm', name], 60_000).catch(() => {});
    created.delete(name);
  }
}
