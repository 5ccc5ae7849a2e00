import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, realpath, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { confine } from '../src/executors/patch-agent/confine.ts';
import { runTool } from '../src/executors/patch-agent/tools.ts';

describe('workspace confinement of the agent tools', () => {
  let base: string;
  let root: string;
  let passwdBefore: string;
  beforeAll(async () => {
    base = await realpath(await mkdtemp(join(tmpdir(), 'confine-')));
    root = join(base, 'ws');
    await mkdir(join(root, 'src'), { recursive: true });
    await mkdir(join(root, '.git/hooks'), { recursive: true });
    await writeFile(join(root, 'src/a.ts'), 'const a = 1;\nconst b = 1;\n');
    await symlink('/etc/passwd', join(root, 'passwd'));
    await symlink('/etc', join(root, 'etc'));
    await symlink('src/a.ts', join(root, 'alias.ts'));
    await symlink('../elsewhere/new.txt', join(root, 'dangling'));
    passwdBefore = await readFile('/etc/passwd', 'utf8');
  });
  afterAll(() => rm(base, { recursive: true, force: true }));

  it('resolves ordinary paths and in-workspace symlinks', async () => {
    expect(await confine(root, 'src/a.ts')).toEqual({ ok: true, abs: join(root, 'src/a.ts'), rel: 'src/a.ts' });
    expect(await confine(root, 'new/dir/file.ts')).toMatchObject({ ok: true, rel: 'new/dir/file.ts' });
    expect(await confine(root, 'alias.ts')).toMatchObject({ ok: true, abs: join(root, 'src/a.ts') });
    expect(await confine(root, undefined)).toMatchObject({ ok: true, abs: root, rel: '.' });
    expect(await confine(root, 'src/../src/a.ts')).toMatchObject({ ok: true, rel: 'src/a.ts' });
  });

  it.each([
    ['../outside', 'path escapes the workspace: ../outside'],
    ['/etc/passwd', 'path escapes the workspace: /etc/passwd'],
    ['src/../../x', 'path escapes the workspace: src/../../x'],
    ['passwd', 'path escapes the workspace: passwd (resolves to /etc/passwd)'],
    ['etc/shadow-new', 'path escapes the workspace: etc/shadow-new (resolves to /etc/shadow-new)'],
    ['dangling', 'path escapes the workspace: dangling'],
    ['.git/hooks/pre-commit', '.git/hooks/pre-commit — nothing under .git/ may be touched'],
  ])('refuses %s', async (path, violation) => {
    const r = await confine(root, path);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.violation).toContain(violation);
  });

  it('write_file through an escaping path is a tool error, a recorded violation, and writes nothing', async () => {
    const ctx = { root, violations: [] as string[] };
    for (const path of ['passwd', '../outside', 'etc/evil', 'dangling', '.git/hooks/pre-commit']) {
      const r = await runTool(ctx, 'write_file', JSON.stringify({ path, content: 'pwned\n' }));
      expect(r.isError).toBe(true);
      expect(r.output).toMatch(/^error: policy: /);
    }
    expect(ctx.violations).toHaveLength(5);
    expect(await readFile('/etc/passwd', 'utf8')).toBe(passwdBefore);
    await expect(stat(join(base, 'outside'))).rejects.toThrow();
    await expect(stat(join(base, 'elsewhere'))).rejects.toThrow();
    await expect(stat('/etc/evil')).rejects.toThrow();
    await expect(stat(join(root, '.git/hooks/pre-commit'))).rejects.toThrow();
  });

  it('the tools work inside the workspace', async () => {
    const ctx = { root, violations: [] as string[] };
    expect((await runTool(ctx, 'write_file', JSON.stringify({ path: 'docs/n.md', content: 'hello\n' }))).output).toBe('wrote 6 bytes to docs/n.md');
    expect((await runTool(ctx, 'read_file', '{"path":"docs/n.md"}')).output).toBe('hello\n');
    const edit = await runTool(ctx, 'edit_file', JSON.stringify({ path: 'src/a.ts', old_string: '= 1', new_string: '= 2' }));
    expect(edit).toEqual({ output: 'error: old_string occurs 2 times in src/a.ts; include more surrounding text so it matches exactly once', isError: true });
    expect((await runTool(ctx, 'edit_file', JSON.stringify({ path: 'src/a.ts', old_string: 'a = 1', new_string: 'a = $& 2' }))).isError).toBe(false);
    expect(await readFile(join(root, 'src/a.ts'), 'utf8')).toBe('const a = $& 2;\nconst b = 1;\n');
    expect((await runTool(ctx, 'edit_file', JSON.stringify({ path: 'src/a.ts', old_string: 'zzz', new_string: '' }))).output).toContain('not found');
    const list = (await runTool(ctx, 'list_files', '{}')).output.split('\n');
    expect(list).toContain('src/a.ts');
    expect(list).toContain('passwd -> /etc/passwd');
    expect(list.some((l) => l.startsWith('.git'))).toBe(false);
    expect((await runTool(ctx, 'search', JSON.stringify({ pattern: 'const b' }))).output).toBe('src/a.ts:2: const b = 1;');
    await writeFile(join(root, 'src/b.ts'), 'call(x\n');
    // An invalid regular expression is searched as literal text.
    expect((await runTool(ctx, 'search', JSON.stringify({ pattern: 'call(', path: 'src' }))).output).toBe('src/b.ts:1: call(x');
    expect((await runTool(ctx, 'read_file', '{"nope":1}')).output).toContain('bad arguments');
    expect((await runTool(ctx, 'rm_rf', '{}')).output).toContain('unknown tool');
    expect(ctx.violations).toEqual([]);
  });
});
