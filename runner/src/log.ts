/**
 * One-line structured logs (JSON per line) on stdout, with every line passed through a redactor
 * first: the shared secret shapes (protocol/src/secrets.ts: dursor's own prefixes, GitHub, OpenAI,
 * Anthropic, Google…), bearer values, URL user-info, and any secret registered at runtime never reach the output (docs/architecture.md §7).
 */
import { redactPatterns, SecretRedactor } from '../../protocol/src/secrets.ts';

export type Level = 'debug' | 'info' | 'warn' | 'error';
export type Fields = Record<string, unknown>;

/**
 * Looser shapes for log lines, applied before the shared set: any length of a dursor or `sk-` token
 * (keeping the prefix says which kind leaked), header values and URL user-info.
 */
const LOG_PATTERNS: Array<[RegExp, string]> = [
  [/\b(d(?:at|rc|rr|rt|rl))_[A-Za-z0-9._~+/=-]+/g, '$1_[redacted]'],
  [/\bsk-[A-Za-z0-9_-]{8,}/g, 'sk-[redacted]'],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]'],
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@"']+@/gi, '$1[redacted]@'],
];

/**
 * The runner's redactor: the secret values it knows (added at runtime: run token, relay token, git
 * credential, runner credential, registration token, agent keys) and the shared secret shapes
 * (protocol/src/secrets.ts). Used on every log line and, through Job, on every run event.
 */
export class Redactor extends SecretRedactor {
  /** A new redactor with this one's values; what is added to either later stays with it. */
  fork(): Redactor {
    const r = new Redactor();
    for (const v of this.values) r.add(v);
    return r;
  }

  override redact(text: string): string {
    let out = this.redactKnown(text);
    for (const [re, repl] of LOG_PATTERNS) out = out.replace(re, repl);
    return redactPatterns(out);
  }
}

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  /**
   * A logger with more fields. `ownSecrets`: its redactor starts with this one's values, and what is
   * added to it later stays with it (a job's tokens, dropped with the job, so a long-lived runner's
   * redactor does not grow with every run it has seen).
   */
  child(fields: Fields, opts?: { ownSecrets?: boolean }): Logger;
  redactor: Redactor;
}

export interface LoggerOptions {
  redactor?: Redactor;
  write?: (line: string) => void;
  debug?: boolean;
  fields?: Fields;
}

function serializable(v: unknown): unknown {
  if (v instanceof Error) return v.message;
  return v;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const redactor = opts.redactor ?? new Redactor();
  const write = opts.write ?? ((line: string) => void process.stdout.write(line + '\n'));
  const base = opts.fields ?? {};
  const emit = (level: Level, msg: string, fields: Fields = {}) => {
    if (level === 'debug' && !opts.debug) return;
    const record: Fields = { ts: new Date().toISOString(), level, msg, ...base };
    for (const [k, v] of Object.entries(fields)) record[k] = serializable(v);
    write(redactor.redact(JSON.stringify(record)));
  };
  return {
    redactor,
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields, o) => createLogger({ ...opts, redactor: o?.ownSecrets ? redactor.fork() : redactor, fields: { ...base, ...fields } }),
  };
}
