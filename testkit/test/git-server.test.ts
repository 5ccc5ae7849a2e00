import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile, readlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fs from 'node:fs';
import igit from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import { git, startGitServer, type GitServer } from '../src/index.ts';

describe('smart-HTTP git server', () => {
  let server: GitServer;
  let tmp: string;
  beforeAll(async () => {
    server = await startGitServer();
    tmp = await mkdtemp(join(tmpdir(), 'testkit-git-'));
  });
  afterAll(async () => {
    await server.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('serves a repo that isomorphic-git clones and pushes a branch to', async () => {
    const url = await server.createRepo('iso', { 'README.md': '# hi\n', 'src/a.ts': 'export const a = 1;\n' }, { symlinks: { link: 'README.md' } });
    expect(url).toBe(`${server.url}/iso.git`);
    const dir = join(tmp, 'iso');
    await igit.clone({ fs, http, dir, url, depth: 1, singleBranch: true, ref: 'main' });
    expect(await readFile(join(dir, 'src/a.ts'), 'utf8')).toBe('export const a = 1;\n');
    expect(await readlink(join(dir, 'link'))).toBe('README.md');
    await writeFile(join(dir, 'new.txt'), 'new\n');
    await igit.add({ fs, dir, filepath: 'new.txt' });
    const sha = await igit.commit({ fs, dir, message: 'add', author: { name: 't', email: 't@t' } });
    const res = await igit.push({ fs, http, dir, url, ref: 'main', remoteRef: 'refs/heads/feature' });
    expect(res.ok).toBe(true);
    expect(await server.listBranches('iso')).toEqual(['feature', 'main']);
    expect(await server.revParse('iso', 'feature')).toBe(sha);
    expect(await server.readFile('iso', 'feature', 'new.txt')).toBe('new\n');
    expect(await server.readFile('iso', 'main', 'new.txt')).toBeNull();
    expect(await server.diffNames('iso', 'main', 'feature')).toEqual(['new.txt']);
    expect(await server.revParse('iso', 'nope')).toBeNull();
    expect(server.requests.some((r) => r.service === 'git-receive-pack')).toBe(true);
  });

  it('serves native git (protocol v2) clone and push, and adds commits', async () => {
    const url = await server.createRepo('native', { 'a.txt': 'a\n' }, { branch: 'trunk' });
    const dir = join(tmp, 'native');
    await git(['clone', '--quiet', '--depth', '1', url, dir]);
    expect(await readFile(join(dir, 'a.txt'), 'utf8')).toBe('a\n');
    const sha = await server.commitFiles('native', { 'b.txt': 'b\n', 'a.txt': null }, { message: 'second' });
    expect(await server.revParse('native', 'trunk')).toBe(sha);
    expect(await server.diffNames('native', 'trunk~1', 'trunk')).toEqual(['a.txt', 'b.txt']);
    await git(['-C', dir, 'pull', '--quiet', '--ff-only']);
    await writeFile(join(dir, 'c.txt'), 'c\n');
    await git(['-C', dir, 'add', 'c.txt']);
    await git(['-C', dir, 'commit', '--quiet', '-m', 'c']);
    await git(['-C', dir, 'push', '--quiet', 'origin', 'HEAD:refs/heads/other']);
    expect(await server.readFile(url, 'other', 'c.txt')).toBe('c\n');
  });

  it('answers 404 for a repo that does not exist', async () => {
    const res = await fetch(`${server.url}/missing.git/info/refs?service=git-upload-pack`);
    expect(res.status).toBe(404);
  });
});
