/** Reading the CLIs' JSONL streams (shared by every stream parser). */

/** One stdout line as a JSON object, or null for anything else (banners, partial lines, arrays). */
export function parseJsonLine(line: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(line);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** `session_id` of a line, when it is a string (Claude Code, Cursor agent, Gemini CLI). */
export function sessionIdOf(msg: Record<string, unknown>): string | undefined {
  return typeof msg.session_id === 'string' ? msg.session_id : undefined;
}
