/**
 * What one attempt's sandbox allows, as `@anthropic-ai/sandbox-runtime` (srt) settings (issue 10:
 * "seal every attempt"). Pure: paths and hosts in, the settings object out.
 *
 * - Reads: everything the system and the agent's own programs need, but none of the runner's
 *   secrets or other runs' data — the runner's state dir (its credential), its work dir (the repo
 *   cache, every workspace, stored agent sessions), its HOME, the dursor checkout (local secrets,
 *   local D1) and /tmp are hidden; inside them only the attempt's own workspace and scratch, the
 *   agent programs and Node are visible again (srt's allowRead wins over denyRead).
 * - Writes: only the workspace and the attempt's scratch HOME/TMP; never the workspace's `.git`
 *   (dursor alone writes git state).
 * - Network: the sandbox has no network of its own; srt's proxy lets through only the run's
 *   gateway relay (127.0.0.1:<its port>) and the hosts the repository allows (e.g. a registry).
 */
import { join } from 'node:path';

export interface AttemptBox {
  /** Real path of the attempt's workspace (the agent's cwd). */
  workspace: string;
  /** The attempt's scratch root (its HOME and TMPDIR live here). */
  scratch: string;
  /** Directories and files the attempt must not see (state dir, work dir, HOME, checkout, /tmp…). */
  hidden: string[];
  /** Directories inside hidden ones that the agent's programs need (Node, the CLIs, srt's helpers). */
  programs: string[];
  /** Port of the run's gateway relay on 127.0.0.1 (none for an agent that cannot use the gateway). */
  relayPort: number | undefined;
  /** Extra hosts the repository lets the attempt reach (`host` or `host:port`, `*.domain` allowed). */
  allowedHosts: string[];
}

export interface SrtSettings {
  network: { allowedDomains: string[]; deniedDomains: string[] };
  filesystem: { denyRead: string[]; allowRead: string[]; allowWrite: string[]; denyWrite: string[] };
}

const unique = (xs: string[]) => [...new Set(xs.filter(Boolean))];

export function srtSettings(box: AttemptBox): SrtSettings {
  return {
    network: {
      allowedDomains: unique([box.relayPort ? `127.0.0.1:${box.relayPort}` : '', ...box.allowedHosts]),
      deniedDomains: [],
    },
    filesystem: {
      denyRead: unique(box.hidden),
      allowRead: unique([box.workspace, box.scratch, ...box.programs]),
      allowWrite: unique([box.workspace, box.scratch]),
      denyWrite: [join(box.workspace, '.git')],
    },
  };
}
