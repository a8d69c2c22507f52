import type * as ChildProcess from 'child_process';
import * as path from 'path';
import { gitToplevel, repoPath } from './git';

/** `child_process`, loaded on first use: the command line's status and promote start no process. */
function childProcess(): typeof ChildProcess {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('child_process');
}

/**
 * Whether git ignores the directories a synth writes: `cdk8s init`'s template ignores `dist/`, and an
 * ignored output is never committed, so reviewers see no change and a refused synth (after `cdk8s synth`
 * deleted the output) has nothing to restore it from.
 */

/** The `.gitignore` rule that ignores a directory: where it is and the pattern. */
export interface IgnoreRule {
  /** The directory, as given. */
  readonly directory: string;
  /** `.gitignore:2`: the file and line of the rule, relative to the top of the work tree. */
  readonly source: string;
  /** The pattern, such as `dist/`. */
  readonly pattern: string;
}

/**
 * The rule that makes git ignore `directory` (which need not exist), by `git check-ignore --verbose`;
 * undefined when git does not ignore it, outside a work tree, or when git cannot run.
 */
export function gitIgnoreRule(directory: string): IgnoreRule | undefined {
  const toplevel = gitToplevel(directory);
  if (toplevel === undefined) return undefined;
  const relative = repoPath(toplevel, directory);
  if (relative === '' || relative.startsWith('../')) return undefined;
  // the trailing slash says it is a directory, so `dist/` matches before cdk8s synth recreates it
  const run = childProcess().spawnSync('git', ['check-ignore', '--verbose', '--', `${relative}/`], { cwd: toplevel, encoding: 'utf-8' });
  if (run.status !== 0) return undefined;
  // <source>:<line>:<pattern>TAB<path>
  const match = /^(.*):(\d+):(.*)\t/.exec(run.stdout);
  if (match === null || match[3].startsWith('!')) return undefined;
  const source = path.isAbsolute(match[1]) ? match[1] : match[1].split(path.sep).join('/');
  return { directory, source: `${source}:${match[2]}`, pattern: match[3] };
}

/**
 * One line for stderr when git ignores any of `directories`, naming each one and its rule; undefined
 * when none is ignored.
 */
export function gitIgnoredWarning(directories: { [what: string]: string }): string | undefined {
  const ignored = Object.entries(directories)
    .map(([what, dir]) => ({ what, rule: gitIgnoreRule(dir) }))
    .filter((x): x is { what: string; rule: IgnoreRule } => x.rule !== undefined);
  if (ignored.length === 0) return undefined;
  const list = ignored.map(x => `${x.what} ${shown(x.rule.directory)} (${x.rule.source} "${x.rule.pattern}")`).join(' and ');
  const them = ignored.length === 1 ? 'it' : 'them';
  return `warning: git ignores the ${list}: un-ignore ${them} in .gitignore (cdk8s init's template ignores dist/) and commit ${them}, or reviewers see no change and a refused synth cannot restore ${them} from git`;
}

/** A directory relative to the working directory when inside it (`dist`), else absolute. */
function shown(directory: string): string {
  const absolute = path.resolve(directory);
  const relative = path.relative(process.cwd(), absolute);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? absolute : relative;
}

/** Writes `gitIgnoredWarning` to stderr, if there is one. */
export function warnIfGitIgnored(directories: { [what: string]: string }): void {
  const warning = gitIgnoredWarning(directories);
  if (warning !== undefined) process.stderr.write(`${warning}\n`);
}
