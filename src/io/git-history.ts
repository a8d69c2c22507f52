import type * as ChildProcess from 'child_process';
import * as path from 'path';

/** `child_process`, loaded on first use: the command line's status and promote start no process. */
function childProcess(): typeof ChildProcess {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('child_process');
}

/**
 * When the active stage was promoted: the time of the last commit that changed the rollout's root
 * `kustomization.yaml` (the one line a promotion changes). A root with uncommitted changes has not been
 * promoted yet in Git, so its bake time has not started.
 * @returns the commit time
 */
export function promotionTime(rootFile: string): Date {
  const cwd = path.dirname(rootFile);
  const git = (args: string[]) => childProcess().spawnSync('git', args, { cwd, encoding: 'utf-8' });
  const status = git(['status', '--porcelain', '--', path.basename(rootFile)]);
  if (status.status !== 0) {
    throw new Error(`${rootFile} is not in a git repository (${(status.stderr || '').trim() || 'git failed'}): the bake time counts from the commit that promoted to the stage`);
  }
  if (status.stdout.trim() !== '') {
    throw new Error(`${rootFile} has uncommitted changes: the bake time counts from the commit that promoted to the stage; commit the promotion first`);
  }
  const log = git(['log', '-1', '--format=%ct', '--', path.basename(rootFile)]);
  const seconds = Number(log.stdout.trim());
  if (log.status !== 0 || log.stdout.trim() === '' || !Number.isInteger(seconds)) {
    throw new Error(`${rootFile} has no commit yet: the bake time counts from the commit that promoted to the stage; commit the tree first`);
  }
  return new Date(seconds * 1000);
}

/** Stage the given paths and commit them with a message; returns the new commit's hash. */
export function commitPaths(cwd: string, paths: string[], message: string): string {
  const git = (args: string[]) => childProcess().spawnSync('git', args, { cwd, encoding: 'utf-8' });
  const add = git(['add', '--', ...paths]);
  if (add.status !== 0) throw new Error(`git add failed: ${(add.stderr || '').trim()}`);
  const commit = git(['commit', '-q', '-m', message, '--', ...paths]);
  if (commit.status !== 0) throw new Error(`git commit failed: ${(commit.stderr || commit.stdout || '').trim()}`);
  return git(['rev-parse', 'HEAD']).stdout.trim();
}

/** Push HEAD to a branch of a remote. */
export function pushHead(cwd: string, remote: string, branch: string): void {
  const push = childProcess().spawnSync('git', ['push', '-q', remote, `HEAD:${branch}`], { cwd, encoding: 'utf-8' });
  if (push.status !== 0) throw new Error(`git push ${remote} HEAD:${branch} failed: ${(push.stderr || '').trim()}`);
}
