/**
 * The one set of secret shapes dursor knows (issue 11), shared by the runner's event and log
 * redaction, the TaskRoom's redaction before it stores an event, and the runner's file policy,
 * which refuses to push a file whose contents hold one. Plain regular expressions and string
 * work only, so it runs the same in Node and in a Worker.
 *
 * Why our own small set: the kept npm sets (secretlint's rule presets) are asynchronous,
 * file-oriented rule engines with Node dependencies; what we need is a synchronous `string →
 * string` that runs on every streamed event. The shapes below are the providers' documented
 * token formats, cross-checked with gitleaks' default rules (config/gitleaks.toml in
 * gitleaks/gitleaks), which name the same prefixes and lengths. Each one is anchored on a
 * prefix no ordinary word has, so redaction never eats prose or code; generic "password = …"
 * guessing is deliberately left out (too many false hits in a coding agent's output).
 *
 * Known values (a run's own token, its git credential, the runner's credential, keys in an
 * agent's environment) are redacted exactly by `SecretRedactor`, whatever their shape.
 */

export interface SecretPattern {
  /** Short name, shown in policy reasons ("holds a GitHub token"). */
  name: string;
  /** Global regex; match[0] is the whole secret. */
  re: RegExp;
}

/** Token characters: what a streamed secret is made of (base64url, hex, dots of JWT-like tokens). */
const T = 'A-Za-z0-9_\\-';

export const SECRET_PATTERNS: readonly SecretPattern[] = [
  // GitHub: classic personal / OAuth / user-to-server / server-to-server / refresh tokens are
  // `gh[pousr]_` + 36 base62 (GitHub's docs, "About authentication to GitHub", GitHub's token formats); fine-grained
  // personal tokens are `github_pat_` + 82 chars of [A-Za-z0-9_].
  { name: 'GitHub token', re: /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/g },
  { name: 'GitHub token', re: /\bgithub_pat_[A-Za-z0-9_]{60,255}\b/g },
  // Anthropic API and admin keys: `sk-ant-api03-…`, `sk-ant-admin01-…` (the Anthropic Console's API keys page).
  { name: 'Anthropic key', re: new RegExp(`\\bsk-ant-[a-z0-9]+-[${T}]{20,}`, 'g') },
  // OpenAI: legacy `sk-` + 48, project / service-account / admin keys `sk-proj-…`, `sk-svcacct-…`,
  // `sk-admin-…` (the OpenAI platform's API keys page). 20+ token chars after `sk-` keeps words like
  // `sk-learn` out.
  { name: 'OpenAI key', re: new RegExp(`\\bsk-(?!ant-)(?:proj-|svcacct-|admin-|None-)?[${T}]{20,}`, 'g') },
  // Google API keys (Gemini, Maps…): `AIza` + 35 (Google Cloud's docs, "Manage API keys").
  { name: 'Google API key', re: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  // Google OAuth access tokens: `ya29.` + token chars.
  { name: 'Google OAuth token', re: new RegExp(`\\bya29\\.[${T}]{20,}`, 'g') },
  // AWS access key ids (AKIA long-term, ASIA temporary; AWS IAM's "IAM identifiers" page).
  { name: 'AWS access key', re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  // Slack tokens (`xoxb-`, `xoxp-`, …) and npm automation/publish tokens (`npm_` + 36).
  { name: 'Slack token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g },
  { name: 'npm token', re: /\bnpm_[A-Za-z0-9]{36}\b/g },
  // dursor's own: API token `dat_`, runner credential `drc_`, registration token `drr_`, run token
  // `drt_<payload>.<sig>`, a run relay's local token `drl_` (worker/src/lib/ids.ts, run-token.ts,
  // runner/src/gateway-relay/relay.ts). 16+ chars so a mention of the prefix itself stays.
  { name: 'dursor token', re: new RegExp(`\\bd(?:at|rc|rr|rt|rl)_[${T}.]{16,}`, 'g') },
  // PEM private keys (RSA, EC, OpenSSH, PKCS#8): header, body (base64 lines and `Proc-Type:` /
  // `DEK-Info:` headers) and END line; a block cut short loses what it has. The body never runs
  // past a `-----`, so a text of many headers without END lines is still scanned in linear time.
  { name: 'private key', re: /-----BEGIN [A-Z ]*PRIVATE KEY-----(?:[A-Za-z0-9+/=:,\s]|-(?!----))*(?:-----END [A-Z ]*PRIVATE KEY-----)?/g },
];

export const REDACTED = '[redacted]';

/**
 * All shapes in one regex: most text holds none, and one scan that says so is far cheaper than a
 * scan per shape (bench/redaction.ts).
 */
const ANY_SHAPE = new RegExp(SECRET_PATTERNS.map((p) => `(?:${p.re.source})`).join('|'));

/** Every well-known token shape in `text` replaced by `[redacted]`. */
export function redactPatterns(text: string): string {
  if (!ANY_SHAPE.test(text)) return text;
  let out = text;
  for (const p of SECRET_PATTERNS) {
    p.re.lastIndex = 0;
    out = out.replace(p.re, REDACTED);
  }
  return out;
}

/** Every well-known shape in `text`: its pattern's name and the matched value, in pattern order. */
export function secretMatches(text: string): Array<{ name: string; value: string }> {
  if (!ANY_SHAPE.test(text)) return [];
  return SECRET_PATTERNS.flatMap((p) => [...text.matchAll(p.re)].map((m) => ({ name: p.name, value: m[0] })));
}

/** The names of the shapes found in `text` (each once, in pattern order); empty when none. */
export function findSecretShapes(text: string): string[] {
  return [...new Set(secretMatches(text).map((m) => m.name))];
}

/**
 * How deep redactDeep walks. Past it a value is replaced, not walked: a tool input is chosen by
 * a model and may nest 400,000 levels (issue 11), which a recursive walk would pay for with a
 * stack overflow. No event may nest past LIMITS.eventMaxDepth anyway (TaskRoom refuses it, the
 * runner turns such an input into a preview), so nothing this deep is ever stored.
 */
export const REDACT_MAX_DEPTH = 64;

/** Applies `redact` to every string inside a JSON-like value (objects, arrays), keeping its shape. */
export function redactDeep<T>(value: T, redact: (s: string) => string, depth = 0): T {
  if (typeof value === 'string') return redact(value) as T;
  if (value === null || typeof value !== 'object') return value;
  if (depth >= REDACT_MAX_DEPTH) return '[nested too deep]' as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, redact, depth + 1);
  return out as T;
}

/** Very short strings would blank out ordinary words; real secrets are long. */
const MIN_SECRET_LENGTH = 6;

/**
 * Known secret values plus the shared patterns. Values are replaced longest first, so a secret that
 * contains another is redacted whole.
 */
export class SecretRedactor {
  #values: string[] = [];

  add(secret: string | undefined | null): void {
    if (!secret || secret.length < MIN_SECRET_LENGTH || this.#values.includes(secret)) return;
    this.#values.push(secret);
    this.#values.sort((a, b) => b.length - a.length);
  }

  get values(): readonly string[] {
    return this.#values;
  }

  /** Only the known values replaced. */
  redactKnown(text: string): string {
    let out = text;
    for (const s of this.#values) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  }

  /** Known values, then the shared shapes. Subclasses may add to `redact`, never to this. */
  redactSecrets(text: string): string {
    return redactPatterns(this.redactKnown(text));
  }

  redact(text: string): string {
    return this.redactSecrets(text);
  }

  /**
   * How many characters at the end of `text` must wait for the next piece of a stream before they
   * can be redacted and sent: the longest tail that is a prefix of a known value, or a trailing run
   * of token characters (a well-known shape may still be growing), capped at `max`; or, longer, a
   * PEM block whose END line has not arrived yet (up to PEM_MAX: a 4096-bit RSA key is ~3.3 KB).
   */
  holdBack(text: string, max = 512): number {
    let hold = 0;
    for (const s of this.#values) {
      for (let n = Math.min(s.length - 1, text.length); n > hold; n--) {
        if (text.endsWith(s.slice(0, n))) {
          hold = n;
          break;
        }
      }
    }
    hold = Math.max(hold, growingShape(text));
    hold = Math.min(hold, max, text.length);
    const begin = text.lastIndexOf('-----BEGIN');
    if (begin !== -1 && text.length - begin <= PEM_MAX && !/-----END [A-Z ]*PRIVATE KEY-----/.test(text.slice(begin))) {
      hold = Math.max(hold, text.length - begin);
    }
    return hold;
  }
}

/**
 * Where each well-known shape starts (SECRET_PATTERNS, same order). A stream holds back a trailing
 * word only when it is, or may still become, one of these: "hello." is sent at once, "gh" waits.
 */
const SHAPE_PREFIXES = [
  'ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_', 'sk-', 'AIza', 'ya29.', 'AKIA', 'ASIA',
  'xoxa-', 'xoxb-', 'xoxp-', 'xoxo-', 'xoxs-', 'xoxr-', 'npm_', 'dat_', 'drc_', 'drr_', 'drt_', 'drl_', '-----BEGIN',
];

/** Length of the tail of `text` from where a well-known shape starts or may start (0 if none). */
function growingShape(text: string): number {
  const run = /[A-Za-z0-9_\-.+/=]+$/.exec(text);
  if (!run) return 0;
  for (let i = run.index; i < text.length; i++) {
    // The shapes start at a word boundary (\b in their patterns).
    if (i > 0 && /\w/.test(text[i - 1]) && /\w/.test(text[i])) continue;
    const tail = text.slice(i);
    if (SHAPE_PREFIXES.some((p) => tail.startsWith(p) || p.startsWith(tail))) return text.length - i;
  }
  return 0;
}

/** The longest PEM block a stream holds back whole (see holdBack). */
const PEM_MAX = 16 * 1024;

/**
 * Redacts a stream of text pieces (an agent's streamed reply) so a secret split across pieces is
 * still caught: each push returns what is safe to send now, holding back a tail that may be the
 * start of a secret (SecretRedactor.holdBack); `end()` returns the rest. Prose has a space every
 * few characters, so in practice only the current word waits.
 */
export class StreamRedactor {
  #redactor: SecretRedactor;
  #pending = '';

  constructor(redactor: SecretRedactor) {
    this.#redactor = redactor;
  }

  get pending(): string {
    return this.#pending;
  }

  push(piece: string): string {
    const text = this.#pending + piece;
    const cut = this.#safeCut(text);
    this.#pending = text.slice(cut);
    return this.#redactor.redactSecrets(text.slice(0, cut));
  }

  /**
   * Where `text` may be cut: before the held-back tail, and never inside a known value or a shape
   * (the part before the cut is redacted on its own, so a secret across the cut would slip out).
   */
  #safeCut(text: string): number {
    let cut = text.length - this.#redactor.holdBack(text);
    const spans: Array<[number, number]> = [];
    for (const v of this.#redactor.values) {
      for (let i = text.indexOf(v); i !== -1; i = text.indexOf(v, i + 1)) spans.push([i, i + v.length]);
    }
    if (ANY_SHAPE.test(text)) {
      for (const p of SECRET_PATTERNS) {
        for (const m of text.matchAll(p.re)) spans.push([m.index, m.index + m[0].length]);
      }
    }
    for (let moved = true; moved;) {
      moved = false;
      for (const [start, end] of spans) {
        if (start < cut && end > cut) {
          cut = start;
          moved = true;
        }
      }
    }
    return cut;
  }

  end(): string {
    const rest = this.#pending;
    this.#pending = '';
    return this.#redactor.redactSecrets(rest);
  }
}
