import * as path from 'path';
import { RolloutDirectory } from './rollout-directory';
import { analysisRequest, AnalysisVerdict, bakeVerdict, evaluateAnalysis, PrometheusError } from '../core/analysis-verdict';
import { combineGate, StageGateVerdict } from '../core/gates';
import { podList } from '../core/pods';
import { commitPaths, promotionTime, pushHead } from '../io/git-history';
import { repositoryRoot as lockRoot } from '../io/paths';
import { PrometheusClient } from '../io/prometheus';
import { repositoryRoot } from '../io/repository';
import { withWriteLock } from '../io/write-lock';

/** Options of the analysis gate. */
export interface AnalysisGateOptions {
  /** The Prometheus base URL; needed when the active stage has analyses. */
  readonly prometheusUrl?: string;
  /** The time to judge at (tests); now by default. */
  readonly now?: Date;
  /**
   * The wave to judge (a rollout with `rollout.waves`).
   * @default - the wave to promote next
   */
  readonly wave?: string;
}

/** A gate's verdict, with `error` for bad input or an unreachable Prometheus (exit 2). */
export type GateOutcome = Omit<StageGateVerdict, 'status'> & { readonly status: StageGateVerdict['status'] | 'error' };

const error = (reason: string): GateOutcome => ({ converged: false, exitCode: 2, status: 'error', reason, analyses: [] });

/**
 * The whole gate of the active stage: converged by the rule Argo CD, Flux and kubectl share, then its
 * bake time (counted from the commit that promoted to the stage) and its analyses against Prometheus.
 * Exit 0 pass; 1 not yet, or failed (`status` tells them apart, so CI can abort); 2 bad input or an
 * unreachable Prometheus.
 */
export async function gateWithAnalysis(dir: RolloutDirectory, liveText: string, options: AnalysisGateOptions = {}): Promise<GateOutcome> {
  const converged = dir.gate(liveText, { wave: options.wave });
  if (converged.exitCode !== 0) {
    return { ...converged, status: converged.exitCode === 2 ? 'error' : 'not-yet', analyses: [] };
  }
  const ctx = dir._gateContext({ wave: options.wave });
  const gate = ctx.gates.get(ctx.view.name);
  if (gate === undefined) {
    return { ...converged, status: 'pass', analyses: [] };
  }
  const now = options.now ?? new Date();
  let bake;
  try {
    bake = gate.bakeTime ? bakeVerdict(gate.bakeTime.totalSeconds, promotionTime(ctx.rootFile), now) : undefined;
  } catch (e) {
    return error((e as Error).message);
  }
  const analyses: AnalysisVerdict[] = [];
  if (gate.analyses.length > 0) {
    if (options.prometheusUrl === undefined) {
      return error(`stage ${ctx.view.name} has analyses (${gate.analyses.map(a => a.name).join(', ')}): pass --prometheus URL`);
    }
    let client: PrometheusClient;
    try {
      client = new PrometheusClient({ url: options.prometheusUrl });
    } catch (e) {
      return error((e as Error).message);
    }
    const pods = 'names' in ctx.view.candidate ? podList(ctx.view.candidate) : [];
    for (const analysis of gate.analyses) {
      try {
        const query = analysis.renderQuery({ namespace: ctx.plan.namespace ?? undefined, app: ctx.plan.app, stage: ctx.view.name, pods, wave: ctx.wave });
        const answer = await client.send(analysisRequest(analysis, query, now));
        analyses.push(evaluateAnalysis(analysis, query, [answer]));
      } catch (e) {
        return error(e instanceof PrometheusError ? e.message : (e as Error).message);
      }
    }
  }
  return combineGate(ctx.view.name, bake, analyses);
}

/** Options of `advance`. */
export interface AdvanceOptions extends AnalysisGateOptions {
  /** On a failed analysis, abort (and commit the abort). */
  readonly abortOnFailure?: boolean;
  /** Push the commit: `remote:branch`. */
  readonly push?: string;
  /** Run the code check before promoting (default true). */
  readonly codeCheck?: boolean;
}

/** What `advance` did. */
export interface AdvanceResult {
  readonly exitCode: number;
  /** `promoted`, `aborted`, `waiting`, `failed`, `complete` or `error`. */
  readonly action: string;
  readonly message: string;
  /** The commit made, when one was. */
  readonly commit?: string;
  readonly gate?: GateOutcome;
}

/**
 * One step of a rollout for CI: gate (convergence, bake time, analyses), then promote to the next stage
 * and `git commit` it (Conventional Commits), optionally push. Idempotent: a stage that is not done
 * changes nothing; a complete rollout has nothing to do. On a failed analysis, abort when asked.
 */
export async function advance(directory: string, liveText: string, options: AdvanceOptions = {}): Promise<AdvanceResult> {
  const dir = RolloutDirectory.open(directory);
  // with waves: the wave asked for, else the one to promote next; it is gated and promoted
  const ctx = dir._gateContext({ wave: options.wave });
  const of = ctx.wave === undefined ? '' : ` (wave ${ctx.wave})`;
  if (ctx.complete) {
    return { exitCode: 0, action: 'complete', message: `the rollout of ${ctx.plan.app}${of} is complete (stage ${ctx.view.name}): nothing to do` };
  }
  const gate = await gateWithAnalysis(dir, liveText, { ...options, wave: ctx.wave });
  const repo = repositoryRoot(dir.directory) ?? path.dirname(dir.directory);
  const commit = (message: string) => {
    const hash = commitPaths(repo, [dir.directory, ctx.stateFile], message);
    if (options.push !== undefined) {
      const at = options.push.indexOf(':');
      if (at <= 0 || at === options.push.length - 1) throw new Error(`--push (${JSON.stringify(options.push)}) must be REMOTE:BRANCH, such as origin:rollouts`);
      pushHead(repo, options.push.slice(0, at), options.push.slice(at + 1));
    }
    return hash;
  };
  if (gate.status === 'error') {
    return { exitCode: 2, action: 'error', message: gate.reason, gate };
  }
  if (gate.status === 'fail') {
    if (!options.abortOnFailure) {
      return { exitCode: 1, action: 'failed', message: `${gate.reason}; nothing changed (pass --abort-on-failure to abort)`, gate };
    }
    // the abort and its git commit under the write lock of the repository: no other writer in between
    const { r, hash } = withWriteLock(lockRoot([dir.directory, ctx.stateFile]), () => {
      const aborted = dir.abort();
      return { r: aborted, hash: commit(`fix(rollout): abort ${ctx.plan.app} at ${aborted.from}\n\n${gate.reason}\n\n${aborted.message}`) };
    });
    return { exitCode: 1, action: 'aborted', message: `${gate.reason}; aborted: ${r.message}`, commit: hash, gate };
  }
  if (gate.status === 'not-yet') {
    return { exitCode: 1, action: 'waiting', message: `${gate.reason}; nothing changed`, gate };
  }
  // the promotion and its git commit under the write lock of the repository: no other writer in between
  const { r, hash } = withWriteLock(lockRoot([dir.directory, ctx.stateFile]), () => {
    const promoted = dir.promote({ codeCheck: options.codeCheck, wave: ctx.wave });
    return { r: promoted, hash: commit(`chore(rollout): promote ${ctx.plan.app}${of} from ${promoted.from} to ${promoted.to}\n\n${gate.reason}\n\n${promoted.message}`) };
  });
  return { exitCode: 0, action: 'promoted', message: `${gate.reason}; ${r.message}`, commit: hash, gate };
}
