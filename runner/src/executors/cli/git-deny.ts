/**
 * The git commands no agent may run (docs/architecture.md §4: dursor owns every git operation). Each CLI turns
 * this list into its own permission settings; prefix rules can be side-stepped (`env git …`, a
 * script), so the runner still fails any run whose `.git` changed (policy.ts).
 */

/** Subcommands that write refs, objects, the index or config. */
export const GIT_WRITE_SUBCOMMANDS = [
  'add', 'am', 'branch', 'checkout', 'cherry-pick', 'clean', 'commit', 'commit-tree', 'config', 'fetch',
  'filter-branch', 'gc', 'hash-object', 'init', 'merge', 'mv', 'notes', 'prune', 'pull', 'push', 'rebase',
  'remote', 'replace', 'reset', 'restore', 'revert', 'rm', 'stash', 'submodule', 'switch', 'symbolic-ref',
  'tag', 'update-index', 'update-ref', 'worktree', 'write-tree',
] as const;

/** Global options that would let a command slip past a subcommand prefix rule. */
export const GIT_ESCAPE_OPTIONS = ['-c', '-C', '--git-dir', '--work-tree', '--namespace', '--exec-path'] as const;

/** Every denied command prefix, e.g. `git commit`, `git -c`. */
export function deniedGitPrefixes(): string[] {
  return [...GIT_WRITE_SUBCOMMANDS, ...GIT_ESCAPE_OPTIONS].map((s) => `git ${s}`);
}

export const GIT_POLICY_NOTE = 'dursor commits and pushes the changes itself; git write commands are not allowed.';
