/**
 * One-line structured logs (JSON per line) on stdout, with every line passed through a redactor
 * first: dursor credentials and tokens (`drc_`, `drt_`, `drr_`), bearer values, provider-style
 * keys, URL user-info, and any secret registered at runtime never reach the output (DESIGN §7).
 */
export type Level = 'debug' | 'info' | 'warn' | 'error';
export type Fields = Record<string, unknown>;

const PATTERNS: Array<[RegExp, string]> = [
  [/\b(dr[ctr])_[A-Za-z0-9._~+/=-]+/g, '$1_[redacted]'],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]'],
  [/\bsk-[A-Za-z0-9_-]{8,}/g, 'sk-[redacted]'],
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@"']+@/gi, '$1[redacted]@'],
];

export class Redactor {
  #secrets = new Set<string>();

  add(secret: string | undefined | null): void {
    // Very short strings would blank out ordinary words; real secrets are long.
    if (secret && secret.length >= 6) this.#secrets.add(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.#secrets) out = out.split(s).join('[redacted]');
    for (const [re, repl] of PATTERNS) out = out.replace(re, repl);
    return out;
  }
}

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  child(fields: Fields): Logger;
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
    child: (fields) => createLogger({ ...opts, redactor, fields: { ...base, ...fields } }),
  };
}
