/**
 * Watches how much disk an attempt uses (workspace + scratch) and calls `onOver` once it passes
 * the cap (issue 10: "fill the disk past the cap"). rlimits only cap one file (RLIMIT_FSIZE); many
 * files, or a `node_modules` that grew without end, are caught here: `du` every few seconds (its
 * own process, so a big tree does not stall the runner), and the job ends the attempt with the
 * reason. Bounded: one `du` at a time, each with a timeout.
 */
import { execFile } from 'node:child_process';

export interface DiskWatch {
  stop(): void;
  /** The last measured use in bytes. */
  readonly used: number;
}

export function diskUsage(dirs: string[], timeoutMs = 20_000): Promise<number> {
  return new Promise((resolve) => {
    execFile('du', ['-s', '-B1', '-c', ...dirs], { timeout: timeoutMs, maxBuffer: 1 << 20 }, (_err, stdout) => {
      // du exits 1 when a file vanished mid-walk; its total is still the best we have.
      const total = /^(\d+)\s+total$/m.exec(String(stdout ?? ''));
      resolve(total ? Number(total[1]) : 0);
    });
  });
}

export function watchDisk(dirs: () => string[], maxBytes: number, onOver: (used: number) => void, everyMs = 3_000): DiskWatch {
  let used = 0;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const tick = async () => {
    if (stopped) return;
    used = await diskUsage(dirs());
    if (stopped) return;
    if (used > maxBytes) {
      stopped = true;
      onOver(used);
      return;
    }
    timer = setTimeout(tick, everyMs);
    timer.unref();
  };
  timer = setTimeout(tick, everyMs);
  timer.unref();
  return {
    get used() {
      return used;
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
