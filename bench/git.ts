/**
 * Benchmark: one run's git work — clone (depth 1) + commit + push — done the way the runner
 * does it (isomorphic-git through runner/src: repo cache, workspace copy + checkout,
 * statusMatrix, add, commit, push) versus native `git` doing the same, on a generated repo
 * served by the test kit's smart-HTTP server (`git http-backend`). Prints medians and ratios.
 * Also the runner's checked HTTP client (git/guarded-http.ts) against isomorphic-git's stock one
 * on the same cold clone: what the address policy costs.
 *
 *   node_modules/.bin/node bench/git.ts [--files 2000] [--rounds 5]
 */
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { git as nativeGit, startGitServer } from '../testkit/src/index.ts';
import { RepoCache } from '../runner/src/workspace/repo-cache.ts';
import { prepareWorkspace } from '../runner/src/workspace/workspace.ts';
import { changedPaths } from '../runner/src/git/changes.ts';
import { commitChanges, pushBranch } from '../runner/src/git/commit-push.ts';
import { median, reportRow } from './rows.ts';
import { guardedGitHttp } from '../runner/src/git/guarded-http.ts';
import stockHttp from 'isomorphic-git/http/node';

const { values } = parseArgs({ options: { files: { type: 'string', default: '2000' }, rounds: { type: 'string', default: '5' } } });
const FILES = Number(values.files);
const ROUNDS = Number(values.rounds);

function generate(n: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++) {
    const dir = `src/mod${i % 40}/part${i % 7}`;
    const body = Array.from({ length: 40 }, (_, l) => `export const v${l} = ${(i * 31 + l) % 997}; // file ${i} line ${l}`).join('\n');
    files[`${dir}/file${i}.ts`] = body + '\n';
  }
  files['README.md'] = '# bench\n';
  return files;
}

const EDITED = ['README.md', 'src/mod0/part0/file0.ts', 'src/mod1/part1/file1.ts'];
async function edit(dir: string, round: number): Promise<void> {
  for (const f of EDITED) await writeFile(join(dir, f), (await readFile(join(dir, f), 'utf8')) + `// edit ${round}\n`);
  await writeFile(join(dir, `new-${round}.txt`), 'new file\n');
}

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const v = await fn();
  return [performance.now() - t0, v];
}

async function main() {
  const server = await startGitServer();
  const work = await mkdtemp(join(tmpdir(), 'dursor-bench-'));
  try {
    const [genMs, url] = await time(() => server.createRepo('bench', generate(FILES)));
    console.log(`repo: ${FILES + 1} files, generated and served in ${genMs.toFixed(0)} ms (${url})`);
    // The runner's client, as a local-development assignment gets it (the server is on 127.0.0.1).
    const http = guardedGitHttp({ allowPrivate: true });
    const stockClone: number[] = [];
    const stockPush: number[] = [];
    const iso = { clone: [] as number[], warm: [] as number[], commit: [] as number[], push: [] as number[], total: [] as number[] };
    const nat = { clone: [] as number[], commit: [] as number[], push: [] as number[], total: [] as number[] };

    for (let r = 0; r < ROUNDS; r++) {
      // isomorphic-git, cold cache: exactly the runner's path.
      const cache = new RepoCache({ workDir: join(work, `iso-${r}`) });
      const req = { workDir: join(work, `iso-${r}`), runId: `bench${r}`, assignment: 1, cloneUrl: url, baseRef: 'main', branch: `dursor/bench/iso-${r}`, http };
      const [cloneMs, ws] = await time(() => prepareWorkspace(cache, req, () => {}));
      await edit(ws.dir, r);
      const [commitMs] = await time(async () => {
        const changes = await changedPaths(ws.dir, ws.gitCache);
        await commitChanges({ dir: ws.dir, gitCache: ws.gitCache, changes, instruction: 'bench', runId: req.runId });
      });
      const [pushMs] = await time(() => pushBranch({ dir: ws.dir, gitCache: ws.gitCache, url, branch: req.branch, http }));
      // Warm cache: a second run of the same repo (fetch + copy + checkout).
      const [warmMs, ws2] = await time(() => prepareWorkspace(cache, { ...req, assignment: 2 }, () => {}));
      await ws2.remove();
      await ws.remove();
      // The same cold clone through isomorphic-git's stock client (no address checks).
      const stockDir = join(work, `stock-${r}`);
      const [stockMs, ws3] = await time(() => prepareWorkspace(new RepoCache({ workDir: stockDir }), { ...req, workDir: stockDir, branch: `dursor/bench/stock-${r}`, http: stockHttp }, () => {}));
      await edit(ws3.dir, r);
      await commitChanges({ dir: ws3.dir, gitCache: ws3.gitCache, changes: await changedPaths(ws3.dir, ws3.gitCache), instruction: 'bench', runId: req.runId });
      const [stockPushMs] = await time(() => pushBranch({ dir: ws3.dir, gitCache: ws3.gitCache, url, branch: `dursor/bench/stock-${r}`, http: stockHttp }));
      await ws3.remove();
      stockClone.push(stockMs);
      stockPush.push(stockPushMs);
      iso.clone.push(cloneMs);
      iso.warm.push(warmMs);
      iso.commit.push(commitMs);
      iso.push.push(pushMs);
      iso.total.push(cloneMs + commitMs + pushMs);

      // Native git doing the same.
      const dir = join(work, `native-${r}`);
      const [nClone] = await time(() => nativeGit(['clone', '--quiet', '--depth', '1', '--single-branch', '--branch', 'main', url, dir]));
      await edit(dir, r);
      const [nCommit] = await time(async () => {
        await nativeGit(['-C', dir, 'add', '-A']);
        await nativeGit(['-C', dir, 'commit', '--quiet', '-m', 'bench']);
      });
      const [nPush] = await time(() => nativeGit(['-C', dir, 'push', '--quiet', '--force', 'origin', `HEAD:refs/heads/dursor/bench/native-${r}`]));
      nat.clone.push(nClone);
      nat.commit.push(nCommit);
      nat.push.push(nPush);
      nat.total.push(nClone + nCommit + nPush);
      console.log(`round ${r + 1}/${ROUNDS}: isomorphic-git ${(cloneMs + commitMs + pushMs).toFixed(0)} ms, native git ${(nClone + nCommit + nPush).toFixed(0)} ms`);
    }

    const row = (step: string, a: number[], b: number[]) => {
      console.log(`${step.padEnd(22)} ${median(a).toFixed(0).padStart(8)} ms ${median(b).toFixed(0).padStart(10)} ms ${(median(a) / median(b)).toFixed(1).padStart(8)}x`);
      // Goal from issue 14: each step within 1.5× of native git.
      reportRow('git', { measure: `${step}, ${FILES + 1} files (isomorphic-git)`, figure: `${median(a).toFixed(0)} ms`,
        baseline: `native git ${median(b).toFixed(0)} ms`, ratio: median(a) / median(b), goal: '≤ ×1.5', met: median(a) / median(b) <= 1.5 });
    };
    console.log(`\nmedians over ${ROUNDS} rounds, ${FILES + 1}-file repo, depth 1`);
    console.log(`${'step'.padEnd(22)} ${'isomorphic'.padStart(11)} ${'native'.padStart(13)} ${'ratio'.padStart(9)}`);
    row('clone (cold cache)', iso.clone, nat.clone);
    row('status + commit', iso.commit, nat.commit);
    row('push', iso.push, nat.push);
    row('total', iso.total, nat.total);
    console.log(`${'warm cache (fetch+copy+checkout)'.padEnd(22)} ${median(iso.warm).toFixed(0)} ms (isomorphic-git only; ${(median(iso.warm) / median(nat.clone)).toFixed(1)}x native clone)`);
    console.log(`\nthe runner's checked HTTP client (guarded-http.ts) vs isomorphic-git's stock one`);
    console.log(`${'step'.padEnd(22)} ${'guarded'.padStart(11)} ${'stock'.padStart(13)} ${'ratio'.padStart(9)}`);
    // What the connect-time address policy costs (issue 11): no goal set, but it should be noise (×≈1).
    const guardedRow = (step: string, a: number[], b: number[]) => {
      console.log(`${step.padEnd(22)} ${median(a).toFixed(0).padStart(8)} ms ${median(b).toFixed(0).padStart(10)} ms ${(median(a) / median(b)).toFixed(2).padStart(8)}x`);
      reportRow('git', { measure: `${step}, ${FILES + 1} files (runner's checked HTTP client)`, figure: `${median(a).toFixed(0)} ms`,
        baseline: `isomorphic-git's stock client ${median(b).toFixed(0)} ms`, ratio: median(a) / median(b) });
    };
    guardedRow('clone (cold cache)', iso.clone, stockClone);
    guardedRow('push', iso.push, stockPush);
  } finally {
    await server.close();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
