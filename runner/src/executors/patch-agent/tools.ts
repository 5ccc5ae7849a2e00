/**
 * The patch agent's file tools, all confined to the workspace (confine.ts): list_files,
 * read_file, search, write_file, edit_file. Outputs are bounded so a tool result always fits
 * the model's context and an event. A refused path is recorded in `violations`.
 */
import { lstat, mkdir, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { confine } from './confine.ts';

export interface ToolContext {
  /** Real path of the workspace. */
  root: string;
  /** Policy violations caught by the tools; any entry fails the run. */
  violations: string[];
}
export interface ToolOutput { output: string; isError: boolean }

const MAX_LIST = 1_000;
const MAX_READ = 256 * 1024;
const MAX_SEARCH_FILE = 1024 * 1024;
const MAX_MATCHES = 200;
const MAX_OUTPUT = 32 * 1024;

const ARGS = {
  list_files: z.object({ path: z.string().optional() }),
  read_file: z.object({ path: z.string().min(1) }),
  search: z.object({ pattern: z.string().min(1), path: z.string().optional() }),
  write_file: z.object({ path: z.string().min(1), content: z.string() }),
  edit_file: z.object({ path: z.string().min(1), old_string: z.string().min(1), new_string: z.string() }),
};
export type ToolName = keyof typeof ARGS;

/** A tool as every wire API describes it: name, description, JSON-schema parameters (adapters wrap it). */
export interface ToolSpec {
  name: ToolName;
  description: string;
  parameters: { type: 'object'; properties: Record<string, object>; required: string[]; additionalProperties: false };
}
const spec = (name: ToolName, description: string, properties: Record<string, object>, required: string[]): ToolSpec => ({
  name, description, parameters: { type: 'object', properties, required, additionalProperties: false },
});
const str = (description: string) => ({ type: 'string', description });

export const TOOL_SPECS: ToolSpec[] = [
  spec('list_files', 'List files under a directory of the repository (recursive, .git excluded).', { path: str('Directory relative to the repository root; default the root.') }, []),
  spec('read_file', 'Read a text file of the repository.', { path: str('File path relative to the repository root.') }, ['path']),
  spec('search', 'Search text files for a regular expression (or literal text); returns path:line: text.', { pattern: str('JavaScript regular expression or literal text.'), path: str('Directory or file to search; default the root.') }, ['pattern']),
  spec('write_file', 'Create or overwrite a file with the given content (parent directories are created).', { path: str('File path relative to the repository root.'), content: str('The complete new file content.') }, ['path', 'content']),
  spec('edit_file', 'Replace exactly one occurrence of old_string with new_string in a file.', { path: str('File path relative to the repository root.'), old_string: str('Text to find; must occur exactly once.'), new_string: str('Replacement text.') }, ['path', 'old_string', 'new_string']),
];

const isBinary = (b: Buffer) => b.subarray(0, 8000).includes(0);
const err = (output: string): ToolOutput => ({ output: `error: ${output}`, isError: true });
const ok = (output: string): ToolOutput => ({ output, isError: false });

async function* walk(abs: string, rel: string): AsyncGenerator<{ abs: string; rel: string; kind: 'file' | 'dir' | 'link' }> {
  const entries = await readdir(abs, { withFileTypes: true }).catch(() => []);
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    if (e.name === '.git') continue;
    const childRel = rel ? `${rel}/${e.name}` : e.name;
    const childAbs = join(abs, e.name);
    if (e.isSymbolicLink()) yield { abs: childAbs, rel: childRel, kind: 'link' };
    else if (e.isDirectory()) {
      yield { abs: childAbs, rel: childRel, kind: 'dir' };
      yield* walk(childAbs, childRel);
    } else if (e.isFile()) yield { abs: childAbs, rel: childRel, kind: 'file' };
  }
}

async function listFiles(abs: string, rel: string): Promise<ToolOutput> {
  const st = await lstat(abs).catch(() => null);
  if (!st?.isDirectory()) return err(`${rel} is not a directory`);
  const lines: string[] = [];
  let more = 0;
  for await (const e of walk(abs, rel === '.' ? '' : rel)) {
    if (lines.length >= MAX_LIST) more++;
    else lines.push(e.kind === 'dir' ? `${e.rel}/` : e.kind === 'link' ? `${e.rel} -> ${await readlink(e.abs)}` : e.rel);
  }
  if (more) lines.push(`… ${more} more entries`);
  return ok(lines.join('\n') || '(empty directory)');
}

async function readText(abs: string, rel: string): Promise<{ text: string; cut: number } | ToolOutput> {
  const st = await lstat(abs).catch(() => null);
  if (!st) return err(`${rel} does not exist`);
  if (!st.isFile()) return err(`${rel} is not a regular file`);
  const buf = await readFile(abs);
  if (isBinary(buf)) return err(`${rel} is a binary file (${buf.length} bytes)`);
  return { text: buf.subarray(0, MAX_READ).toString('utf8'), cut: Math.max(0, buf.length - MAX_READ) };
}

async function search(a: z.infer<typeof ARGS.search>, abs: string, rel: string): Promise<ToolOutput> {
  let re: RegExp;
  try {
    re = new RegExp(a.pattern);
  } catch {
    re = new RegExp(a.pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  }
  const st = await lstat(abs).catch(() => null);
  if (!st) return err(`${rel} does not exist`);
  const files = st.isFile() ? [{ abs, rel }] : [];
  if (st.isDirectory()) for await (const e of walk(abs, rel === '.' ? '' : rel)) if (e.kind === 'file') files.push(e);
  const out: string[] = [];
  let bytes = 0;
  let matches = 0;
  for (const f of files) {
    const fst = await lstat(f.abs);
    if (fst.size > MAX_SEARCH_FILE) continue;
    const buf = await readFile(f.abs);
    if (isBinary(buf)) continue;
    const lines = buf.toString('utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!re.test(lines[i])) continue;
      matches++;
      const line = `${f.rel}:${i + 1}: ${lines[i].slice(0, 300)}`;
      if (out.length < MAX_MATCHES && bytes + line.length < MAX_OUTPUT) {
        out.push(line);
        bytes += line.length + 1;
      }
    }
  }
  if (matches > out.length) out.push(`… ${matches - out.length} more matches`);
  return ok(out.join('\n') || 'no matches');
}

export async function runTool(ctx: ToolContext, name: string, rawArgs: string): Promise<ToolOutput> {
  if (!(name in ARGS)) return err(`unknown tool "${name}"; available: ${Object.keys(ARGS).join(', ')}`);
  let json: unknown;
  try {
    json = rawArgs.trim() ? JSON.parse(rawArgs) : {};
  } catch {
    return err('arguments are not valid JSON');
  }
  const parsed = ARGS[name as ToolName].safeParse(json);
  if (!parsed.success) return err(`bad arguments: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`);
  const args = parsed.data as Record<string, string | undefined>;
  const where = await confine(ctx.root, args.path);
  if (!where.ok) {
    ctx.violations.push(where.violation);
    return err(`policy: ${where.violation}`);
  }
  try {
    return await dispatch(name as ToolName, args, where.abs, where.rel);
  } catch (e) {
    return err(`${name} failed: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

async function dispatch(name: ToolName, args: Record<string, string | undefined>, abs: string, rel: string): Promise<ToolOutput> {
  switch (name) {
    case 'list_files':
      return listFiles(abs, rel);
    case 'search':
      return search({ pattern: args.pattern!, path: args.path }, abs, rel);
    case 'read_file': {
      const r = await readText(abs, rel);
      if ('output' in r) return r;
      return ok(r.cut ? `${r.text}\n… [${r.cut} more bytes not shown]` : r.text);
    }
    case 'write_file': {
      const st = await lstat(abs).catch(() => null);
      if (st?.isDirectory()) return err(`${rel} is a directory`);
      await mkdir(dirname(abs), { recursive: true });
      await writeFile(abs, args.content ?? '');
      return ok(`wrote ${Buffer.byteLength(args.content ?? '')} bytes to ${rel}`);
    }
    case 'edit_file': {
      const r = await readText(abs, rel);
      if ('output' in r) return r;
      if (r.cut) return err(`${rel} is too large to edit (over ${MAX_READ} bytes)`);
      const count = r.text.split(args.old_string!).length - 1;
      if (count === 0) return err(`old_string not found in ${rel}`);
      if (count > 1) return err(`old_string occurs ${count} times in ${rel}; include more surrounding text so it matches exactly once`);
      await writeFile(abs, r.text.replace(args.old_string!, () => args.new_string ?? ''));
      return ok(`edited ${rel}`);
    }
  }
}
