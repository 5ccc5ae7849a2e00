/**
 * Can this host sandbox an attempt? (issue "Seal every attempt…"). The per-attempt sandbox
 * (@anthropic-ai/sandbox-runtime on Linux, bubblewrap underneath) needs bwrap to create a user,
 * PID and network namespace and mount a fresh /proc in it. Containers and hardened hosts often
 * refuse that (Docker's default seccomp and AppArmor profiles refuse user namespaces; its masked
 * /proc paths refuse a fresh /proc mount: "No permissions to create new namespace", "Can't mount
 * proc on /newroot/proc"), and a runner that found out only at its first attempt would fail every
 * run. So main.ts asks once at start, by really doing it — `bwrap` with the namespaces and mounts
 * the sandbox uses, running `true` — and refuses to start with a reason that says what to change,
 * unless the runner was started with --no-sandbox.
 */
import { spawn } from 'node:child_process';

export type SandboxSupport = { ok: true } | { ok: false; reason: string };

/**
 * What sandbox-runtime asks of bwrap for every command (its linux-sandbox-utils: --new-session,
 * --die-with-parent, --unshare-user/-pid/-net, --dev /dev, --proc /proc), on the whole root read-only.
 */
export const PROBE_ARGS = [
  '--new-session', '--die-with-parent',
  '--unshare-user', '--unshare-pid', '--unshare-net', '--unshare-ipc', '--unshare-uts',
  '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc',
  'true',
];

const NO_SANDBOX = 'or start the runner with --no-sandbox (DURSOR_NO_SANDBOX=1) to run agents without an OS sandbox';

/** In words: what a container or host needs so that bwrap can create its namespaces (runner/README.md, "The sandbox"). */
export const HOW_TO_ALLOW =
  'In Docker, run the runner with user namespaces and a fresh /proc allowed: ' +
  'docker run --security-opt seccomp=unconfined --security-opt apparmor=unconfined --security-opt systempaths=unconfined … ' +
  '(or a seccomp profile that allows clone/unshare with CLONE_NEWUSER instead of seccomp=unconfined); ' +
  'on a host, allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1 where it exists, ' +
  'user.max_user_namespaces > 0, kernel.apparmor_restrict_unprivileged_userns=0 on Ubuntu 24.04+)';

export interface PreflightOptions {
  /** The bwrap binary (default: `bwrap` on PATH). */
  bwrap?: string;
  /** Bounded: a probe that hangs is a failure too (default 10 s). */
  timeoutMs?: number;
  platform?: NodeJS.Platform;
}

interface ProbeResult { code: number | null; signal: NodeJS.Signals | null; stderr: string; error?: NodeJS.ErrnoException; timedOut: boolean }

function probe(cmd: string, args: string[], timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let stderr = '';
    let timedOut = false;
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.stderr!.on('data', (d: Buffer) => { if (stderr.length < 4_000) stderr += d.toString(); });
    child.once('error', (error: NodeJS.ErrnoException) => { clearTimeout(timer); resolve({ code: null, signal: null, stderr, error, timedOut }); });
    child.once('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stderr, timedOut }); });
  });
}

/** bwrap's first stderr line without its own `bwrap: ` prefix. */
function firstLine(text: string): string {
  return (text.split('\n').map((l) => l.trim()).find(Boolean) ?? '').replace(/^bwrap:\s*/, '').slice(0, 300);
}

export async function checkSandboxSupport(opts: PreflightOptions = {}): Promise<SandboxSupport> {
  const platform = opts.platform ?? process.platform;
  if (platform !== 'linux') {
    return { ok: false, reason: `the agent sandbox is built on Linux namespaces (bubblewrap) and this is ${platform}: run the runner on Linux, ${NO_SANDBOX}` };
  }
  // srt bridges the sandbox's network with socat and finds dangerous files with ripgrep.
  for (const [bin, flag, pkg] of [['socat', '-V', 'socat'], ['rg', '--version', 'ripgrep']] as const) {
    const tool = await probe(bin, [flag], opts.timeoutMs ?? 10_000);
    if (tool.error || tool.code !== 0) return { ok: false, reason: `${pkg} (${bin}) is not installed: install it (Debian/Ubuntu: apt-get install bubblewrap socat ripgrep), ${NO_SANDBOX}` };
  }
  const bwrap = opts.bwrap ?? 'bwrap';
  const r = await probe(bwrap, PROBE_ARGS, opts.timeoutMs ?? 10_000);
  if (r.error?.code === 'ENOENT') {
    return { ok: false, reason: `bubblewrap (${bwrap}) is not installed: install it (Debian/Ubuntu: apt-get install bubblewrap socat ripgrep), ${NO_SANDBOX}` };
  }
  if (r.error) return { ok: false, reason: `cannot run bubblewrap (${bwrap}): ${r.error.message}; ${NO_SANDBOX}` };
  if (r.timedOut) return { ok: false, reason: `bubblewrap (${bwrap}) did not finish a trial sandbox within ${opts.timeoutMs ?? 10_000} ms; ${NO_SANDBOX}` };
  if (r.code === 0) return { ok: true };
  const said = firstLine(r.stderr) || (r.signal ? `killed by ${r.signal}` : `exit code ${r.code}`);
  return { ok: false, reason: `bubblewrap cannot create the namespaces the agent sandbox needs here (bwrap: ${said}). ${HOW_TO_ALLOW}. Or start the runner with --no-sandbox (DURSOR_NO_SANDBOX=1) to run agents without an OS sandbox` };
}
