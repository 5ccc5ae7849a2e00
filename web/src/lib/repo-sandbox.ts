/**
 * Settings → Repositories → Sandbox (issue 10), pure and unit-tested: the form's fields from a
 * repo's sandbox settings and back — allowed hosts one per line, caps as numbers where blank means
 * "the runner's default" — validated with the protocol's own schema, so the form says what the
 * API would refuse.
 */
import { AttemptSandbox } from '../../../protocol/src/index.ts';
import type { SandboxLimits } from '../../../protocol/src/index.ts';

/** The caps the form offers, in the order it shows them, with their units. */
export const LIMIT_FIELDS: Array<{ key: keyof SandboxLimits; label: string; unit: string }> = [
  { key: 'wallClockSecs', label: 'Wall clock', unit: 's' },
  { key: 'maxProcesses', label: 'Processes at once', unit: '' },
  { key: 'maxMemoryMb', label: 'Memory', unit: 'MB' },
  { key: 'maxDiskMb', label: 'Disk', unit: 'MB' },
  { key: 'maxOutputMb', label: 'Output', unit: 'MB' },
];

export type SandboxForm = { hosts: string; limits: Partial<Record<keyof SandboxLimits, string>> };

export function toForm(s: AttemptSandbox): SandboxForm {
  return {
    hosts: s.allowedHosts.join('\n'),
    limits: Object.fromEntries(LIMIT_FIELDS.map(({ key }) => [key, s.limits[key] === undefined ? '' : String(s.limits[key])])),
  };
}

export function fromForm(f: SandboxForm): { ok: true; sandbox: AttemptSandbox } | { ok: false; message: string } {
  const allowedHosts = f.hosts.split(/[\s,]+/).map((h) => h.trim().toLowerCase()).filter(Boolean);
  const limits: Record<string, number> = {};
  for (const { key, label } of LIMIT_FIELDS) {
    const raw = (f.limits[key] ?? '').trim();
    if (!raw) continue;
    if (!/^\d+$/.test(raw)) return { ok: false, message: `${label}: a whole number, or blank for the runner's default.` };
    limits[key] = Number(raw);
  }
  const parsed = AttemptSandbox.safeParse({ allowedHosts, limits });
  if (parsed.success) return { ok: true, sandbox: parsed.data };
  const issue = parsed.error.issues[0];
  const [where, index] = issue.path;
  if (where === 'allowedHosts') return { ok: false, message: `“${allowedHosts[Number(index)] ?? ''}” is not a host: write a name like registry.npmjs.org, host:port, or *.example.com.` };
  const field = LIMIT_FIELDS.find((l) => l.key === index);
  return { ok: false, message: `${field?.label ?? String(index)}: ${issue.message}.` };
}

/** "2 hosts · processes 64 · disk 200 MB" — what the closed editor says. */
export function summary(s: AttemptSandbox): string {
  const parts = [s.allowedHosts.length ? `${s.allowedHosts.length} host${s.allowedHosts.length === 1 ? '' : 's'}` : 'gateway only'];
  for (const { key, label, unit } of LIMIT_FIELDS) {
    if (s.limits[key] !== undefined) parts.push(`${label.toLowerCase()} ${s.limits[key]}${unit ? ` ${unit}` : ''}`);
  }
  return parts.join(' · ');
}
