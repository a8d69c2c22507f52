import * as path from 'path';
import { CommittedTree, readCommittedTree } from './committed-tree';
import { orRefuse, RefusedError } from '../core/messages';
import { reviewTransition, ReviewedRollout } from '../core/state-machine';
import { renderFromCode } from '../io/code-check';
import { pathExists } from '../io/files';
import { changedPaths, fileAt, filesAt, gitToplevel, GitError, mergeBase, pathsAt, resolveRevision, workingPaths } from '../io/git';
import { readFiles } from '../io/read-files';
import { readStateFile } from '../io/state-store';
import { parseStateFile } from '../model/state-file';

export { GitError };

/** Options of `verifyChange`. */
export interface VerifyOptions {
  /** The base revision of the change, such as `origin/main`: the change is from its merge base with HEAD to the working tree. */
  readonly base: string;
  /**
   * A directory inside the repository.
   * @default - the working directory
   */
  readonly directory?: string;
  /**
   * Allow a change of active stage that skips stages.
   * @default false
   */
  readonly allowSkip?: boolean;
  /**
   * Allow a change of an immutable field (the workload is recreated).
   * @default false
   */
  readonly allowRecreate?: boolean;
  /**
   * Allow a new template in the middle of a rollout.
   * @default false
   */
  readonly allowSupersede?: boolean;
  /**
   * Run the cdk8s app and check that each touched tree is the one the code renders.
   * @default true
   */
  readonly codeCheck?: boolean;
}

/** One check of one tree. */
export interface VerifyCheck {
  /** `hand-edits`, `stage-move`, `immutable` or `code`. */
  readonly name: string;
  /** True when it passed. */
  readonly ok: boolean;
  /** What it found, for a reviewer. */
  readonly detail: string;
}

/** The verdict on one rollout tree the change touches. */
export interface TreeVerdict {
  /** The tree, relative to the top of the repository. */
  readonly directory: string;
  /**
   * The active stage at the base.
   * @default - none: the tree is new
   */
  readonly from?: string;
  /**
   * The active stage after the change (the one the root selects).
   * @default - none: the tree was removed
   */
  readonly to?: string;
  /** True when every check passed. */
  readonly ok: boolean;
  /** The checks, in order. */
  readonly checks: VerifyCheck[];
}

/** What `verifyChange` found. */
export interface VerifyReport {
  /** The base revision as given. */
  readonly base: string;
  /** The commit the change is compared with (the merge base of the base and HEAD). */
  readonly baseCommit: string;
  /** The rollout trees the change touches, by directory. */
  readonly trees: TreeVerdict[];
  /** 0 when every tree passed, 1 when one failed. */
  readonly exitCode: number;
}

/**
 * Check a change (a pull request) of rollout trees: for every tree whose files or state file the change
 * touches (`git diff --name-only <merge base>` and untracked files), check that nothing was edited by
 * hand beyond the root line, that the active stage moves one stage forward or aborts back to the stable
 * template (`reviewTransition`), that no immutable field changes, and that the tree is the one the code
 * renders. Trees the change does not touch are not read. Throws a `GitError` when the repository or the
 * base cannot be read.
 */
export function verifyChange(options: VerifyOptions): VerifyReport {
  const from = path.resolve(options.directory ?? '.');
  const top = gitToplevel(from);
  if (top === undefined) {
    throw new GitError(`${from} is not inside a git repository: verify compares the working tree with a base revision`);
  }
  const baseCommit = mergeBase(top, resolveRevision(top, options.base), resolveRevision(top, 'HEAD'));
  const changed = changedPaths(top, baseCommit);
  const isPlan = (p: string) => p === 'plan.json' || p.endsWith('/plan.json');
  const dirOf = (p: string) => path.posix.dirname(p);
  const trees = [...new Set([...workingPaths(top).filter(isPlan), ...pathsAt(top, baseCommit).filter(isPlan)].map(dirOf))].sort();
  const verdicts: TreeVerdict[] = [];
  for (const tree of trees) {
    const head = pathExists(path.join(top, tree, 'plan.json')) ? readFiles(path.join(top, tree)) : undefined;
    const base = filesAt(top, baseCommit, tree);
    const stateFile = stateFileOf(tree, head?.['plan.json'] ?? base['plan.json']);
    if (stateFile === undefined) continue; // a plan.json of something else
    if (!changed.some(p => p.startsWith(`${tree}/`) || p === stateFile)) continue;
    verdicts.push(verifyTree(top, tree, stateFile, head, base, baseCommit, options));
  }
  return { base: options.base, baseCommit, trees: verdicts, exitCode: verdicts.every(v => v.ok) ? 0 : 1 };
}

/** The state file a plan.json names, relative to the top; undefined when it is no rollout plan. */
function stateFileOf(tree: string, planText: string | undefined): string | undefined {
  try {
    const stateFile = JSON.parse(planText ?? '')?.stateFile;
    return typeof stateFile === 'string' ? path.posix.normalize(path.posix.join(tree, stateFile)) : undefined;
  } catch {
    return undefined;
  }
}

function verifyTree(
  top: string, tree: string, stateFile: string, headFiles: { [f: string]: string } | undefined,
  baseFiles: { [f: string]: string }, baseCommit: string, options: VerifyOptions,
): TreeVerdict {
  const checks: VerifyCheck[] = [];
  const verdict = (extra: { from?: string; to?: string }) => ({ directory: tree, ...extra, ok: checks.every(c => c.ok), checks });
  const read = { allowSkip: true, allow: '--allow-skip' };
  let base: CommittedTree | undefined;
  if (baseFiles['plan.json'] !== undefined) {
    try {
      const text = fileAt(top, baseCommit, stateFile);
      base = readCommittedTree(tree, baseFiles, text === undefined ? undefined : parseStateFile(`${stateFile} at ${baseCommit.slice(0, 12)}`, text), `${stateFile} at ${baseCommit.slice(0, 12)}`, read);
    } catch (e) {
      checks.push({ name: 'base', ok: false, detail: `the tree at the base ${baseCommit.slice(0, 12)} cannot be read: ${(e as Error).message}` });
      return verdict({});
    }
  }
  if (headFiles === undefined) {
    checks.push({ name: 'removed', ok: false, detail: `the rollout tree ${tree} is removed: Argo CD or Flux would prune its workload; remove the rollout in code and review that separately` });
    return verdict({ from: base?.plan.activeStage });
  }
  let head: CommittedTree;
  try {
    // the head's own root edit is checked against the base below: read it with skips allowed
    head = readCommittedTree(tree, headFiles, readStateFile(path.join(top, stateFile)), stateFile, read);
  } catch (e) {
    checks.push({ name: 'hand-edits', ok: false, detail: (e as Error).message });
    return verdict({ from: base?.plan.activeStage });
  }
  checks.push({
    name: 'hand-edits',
    ok: true,
    detail: head.rootEdit
      ? `only the ${head.rootEdit.wave === undefined ? 'root line' : `root line of wave ${JSON.stringify(head.rootEdit.wave)}`}: it selects ${JSON.stringify(head.rootEdit.to)} (the state file says ${JSON.stringify(head.rootEdit.from)})`
      : 'none: the tree is the one last written',
  });
  if (base === undefined) {
    checks.push({ name: 'stage-move', ok: true, detail: `a new rollout tree at ${JSON.stringify(head.plan.activeStage)}` });
  } else {
    const prose = head.kind.prose(head.kind.layoutOf(head.plan), head.state.candidateColor ?? 'blue');
    try {
      const done = orRefuse(reviewTransition(reviewed(base), reviewed(head), {
        tree,
        allowSkip: options.allowSkip ?? false,
        allowSupersede: options.allowSupersede ?? false,
        allowRecreate: options.allowRecreate ?? false,
      }), head.plan.app, prose);
      const baseWave = base.plan.waves?.find(w => w.name === done.wave);
      const headWave = head.plan.waves?.find(w => w.name === done.wave);
      const move = headWave !== undefined
        ? `wave ${JSON.stringify(headWave.name)} ${JSON.stringify(baseWave?.activeStage ?? base.plan.activeStage)} -> ${JSON.stringify(headWave.activeStage)}`
        : `${JSON.stringify(base.plan.activeStage)} -> ${JSON.stringify(head.plan.activeStage)}`;
      const what: { [change: string]: string } = {
        'unchanged': head.plan.waves !== undefined
          ? `unchanged: ${head.plan.waves.map(w => `${w.name} at ${JSON.stringify(w.activeStage)}`).join(', ')}`
          : `unchanged at ${JSON.stringify(head.plan.activeStage)}`,
        'promote': `${move}: a promotion${done.skipped.length > 0 ? ` that skips ${done.skipped.map(s => JSON.stringify(s)).join(', ')} (allowed by --allow-skip)` : ' by one stage'}`,
        'abort': `${move}: an abort back to the stable template ${head.plan.candidate.revision}`,
        'new-rollout': `${move}: a new rollout of candidate ${head.plan.candidate.revision} from stable ${base.plan.candidate.revision}`,
        'replaced': `${move}: candidate ${base.plan.candidate.revision} replaced by ${head.plan.candidate.revision} at the first stage`,
        'superseded': `${move}: candidate ${base.plan.candidate.revision} superseded by ${head.plan.candidate.revision} (allowed by --allow-supersede)`,
      };
      checks.push({ name: 'stage-move', ok: true, detail: what[done.change] });
      checks.push({ name: 'immutable', ok: true, detail: done.recreate.length > 0 ? `${done.recreate.join(', ')} change: the workload is recreated (allowed by --allow-recreate)` : 'no immutable field changes' });
    } catch (e) {
      if (!(e instanceof RefusedError)) throw e;
      checks.push({ name: e.refusal.type === 'change-immutable' ? 'immutable' : 'stage-move', ok: false, detail: e.message });
    }
  }
  if (options.codeCheck ?? true) {
    try {
      const fromCode = renderFromCode(path.join(top, tree));
      const differing = [...new Set([...Object.keys(fromCode), ...Object.keys(head.normalized)])].filter(f => fromCode[f] !== head.normalized[f]).sort();
      checks.push(differing.length === 0
        ? { name: 'code', ok: true, detail: 'the tree is the one the code renders' }
        : { name: 'code', ok: false, detail: `the tree is stale against the code: cdk8s synth would change ${differing.join(', ')}; run cdk8s synth, review and commit` });
    } catch (e) {
      checks.push({ name: 'code', ok: false, detail: (e as Error).message });
    }
  }
  return verdict({ from: base?.plan.activeStage, to: head.plan.activeStage });
}

function reviewed(t: CommittedTree): ReviewedRollout {
  const plan = t.plan;
  const { activeStage, waves, pinned, candidate } = plan;
  return { stages: plan.stages.map(s => s.name), activeStage, tracksColor: t.kind.tracksColor, waves, pinned, candidate, stable: t.state.stable, immutable: t.state.immutable };
}

/** The report as text for a reviewer. */
export function verifySummary(report: VerifyReport): string {
  const failed = report.trees.filter(t => !t.ok).length;
  const lines = [
    `cdk8s-staged verify: ${report.trees.length} rollout ${report.trees.length === 1 ? 'tree' : 'trees'} changed since ${report.base} (${report.baseCommit.slice(0, 12)}), ${failed === 0 ? 'all pass' : `${failed} failed`}`,
  ];
  for (const t of report.trees) {
    const removed = t.checks.some(c => c.name === 'removed');
    const move = t.from === undefined ? (t.to === undefined ? 'cannot be read' : `new at ${t.to}`)
      : t.to === undefined ? (removed ? `removed (was at ${t.from})` : `at ${t.from} at the base; the change cannot be read`)
        : t.from === t.to ? `at ${t.to}` : `${t.from} -> ${t.to}`;
    lines.push('', `${t.ok ? 'PASS' : 'FAIL'} ${t.directory}: ${move}`);
    for (const c of t.checks) {
      lines.push(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
    }
  }
  return lines.join('\n') + '\n';
}
