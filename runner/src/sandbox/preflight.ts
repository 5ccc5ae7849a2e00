/**
 * Can this host sandbox agents? (issue 10: "a runner that cannot sandbox refuses to take runs
 * unless started with --no-sandbox"). Really tries what srt needs: bubblewrap creating user, PID
 * and network namespaces, and socat and ripgrep on PATH.
 */
import { execFile } from 'node:child_process';

const run = (cmd: string, args: string[]) => new Promise<{ ok: boolean; out: string }>((resolve) => {
  execFile(cmd, args, { timeout: 10_000 }, (err, stdout, stderr) => resolve({ ok: !err, out: `${stdout}${stderr}`.trim() }));
});

export async function checkSandboxSupport(): Promise<{ ok: true } | { ok: false; reason: string }> {
  const missing: string[] = [];
  for (const [bin, flag, pkg] of [['bwrap', '--version', 'bubblewrap'], ['socat', '-V', 'socat'], ['rg', '--version', 'ripgrep']] as const) {
    if (!(await run(bin, [flag])).ok) missing.push(pkg);
  }
  if (missing.length) {
    return { ok: false, reason: `cannot sandbox agents: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not installed (Debian: apt-get install -y ${missing.join(' ')}); or start the runner with --no-sandbox to run agents unsandboxed` };
  }
  const probe = await run('bwrap', ['--unshare-all', '--die-with-parent', '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', 'true']);
  if (!probe.ok) {
    return { ok: false, reason: `cannot sandbox agents: bubblewrap cannot create namespaces here (${probe.out.split('\n')[0] || 'refused'}); allow unprivileged user namespaces (in Docker: --security-opt seccomp=unconfined --security-opt apparmor=unconfined), or start the runner with --no-sandbox to run agents unsandboxed` };
  }
  return { ok: true };
}
