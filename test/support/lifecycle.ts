import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { MiniCluster } from './cluster';
import { kustomizeBuild } from './kustomize';
import { tempDir } from './synth';
import { runCli } from '../../src/cli/cli';

/**
 * A whole release lifecycle in a temporary git repository: a cdk8s app whose image comes from
 * release.json, `cdk8s synth` as a user runs it (it deletes dist/ first), the `cdk8s-staged` command, and a
 * miniature StatefulSet controller that applies the root kustomization after every step.
 *
 * The lifecycle is one history of named points. A test asks for the point it starts from with
 * `lifecycleAt(point)` and says where it left the repository with `reached(point)`. Within one jest process
 * the repository is kept: when the tests run in order each one starts where the one before stopped; a test
 * run alone (`-t`), or after a test that failed, gets its point replayed in a fresh repository.
 */
const repoRoot = path.join(__dirname, '..', '..');

/** The points of the history, in order. */
export const POINTS = [
  /** an empty repository with the app, nothing synthesized */
  'start',
  /** v1 synthesized at hold, then promoted with --force to complete */
  'v1-complete',
  /** v2 synthesized: at hold, stable v1 */
  'v2-hold',
  /** v2 promoted canary -> percent-50 -> complete */
  'v2-complete',
  /** v3 at hold, promoted to canary, then aborted in code (release.json back to v2) */
  'v3-aborted-in-code',
  /** v3 again, at percent-50, aborted with the CLI, then synthesized again: v3 at hold */
  'v3-hold-again',
  /** v3 promoted to canary again */
  'v3-canary-again',
] as const;
export type Point = typeof POINTS[number];

/** What every point looks like: checked after a replay and when a test says it reached the point. */
const FACTS: { [P in Exclude<Point, 'start'>]: { activeStage: string; stable: string | null; candidate: string; pods: { [pod: string]: string } } } = {
  'v1-complete': { activeStage: 'complete', stable: null, candidate: 'nginx:1.0', pods: { 'web-0': 'nginx:1.0', 'web-1': 'nginx:1.0', 'web-2': 'nginx:1.0' } },
  'v2-hold': { activeStage: 'hold', stable: 'nginx:1.0', candidate: 'nginx:2.0', pods: { 'web-0': 'nginx:1.0', 'web-1': 'nginx:1.0', 'web-2': 'nginx:1.0' } },
  'v2-complete': { activeStage: 'complete', stable: 'nginx:1.0', candidate: 'nginx:2.0', pods: { 'web-0': 'nginx:2.0', 'web-1': 'nginx:2.0', 'web-2': 'nginx:2.0' } },
  'v3-aborted-in-code': { activeStage: 'complete', stable: 'nginx:2.0', candidate: 'nginx:2.0', pods: { 'web-0': 'nginx:2.0', 'web-1': 'nginx:2.0', 'web-2': 'nginx:2.0' } },
  'v3-hold-again': { activeStage: 'hold', stable: 'nginx:2.0', candidate: 'nginx:3.0', pods: { 'web-0': 'nginx:2.0', 'web-1': 'nginx:2.0', 'web-2': 'nginx:2.0' } },
  'v3-canary-again': { activeStage: 'canary', stable: 'nginx:2.0', candidate: 'nginx:3.0', pods: { 'web-0': 'nginx:2.0', 'web-1': 'nginx:2.0', 'web-2': 'nginx:2.0' } },
};

export class Lifecycle {
  public readonly root = tempDir('lifecycle-');
  public readonly dir = path.join(this.root, 'dist', 'web');
  public readonly cluster = new MiniCluster();
  /** the point the repository is at; undefined while a test works on it */
  public point: Point | undefined = 'start';

  constructor() {
    fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(this.root, 'node_modules'));
    fs.writeFileSync(path.join(this.root, '.gitignore'), 'node_modules\n');
    fs.writeFileSync(path.join(this.root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2020', module: 'commonjs', esModuleInterop: true, skipLibCheck: true } }));
    fs.writeFileSync(path.join(this.root, 'cdk8s.yaml'), 'language: typescript\napp: ts-node --transpile-only app.ts\noutput: dist\n');
    fs.writeFileSync(path.join(this.root, 'app.ts'), `
import * as fs from 'fs';
import { Chart } from 'cdk8s';
import { RolloutPlan, StagedApp, StatefulApp } from ${JSON.stringify(path.join(repoRoot, 'src'))};

const release = JSON.parse(fs.readFileSync('release.json', 'utf-8'));
const app = new StagedApp();
const chart = new Chart(app, 'web');
new StatefulApp(chart, 'web', {
  replicas: release.replicas ?? 3,
  selectorLabels: { app: 'web' },
  service: { name: release.serviceName ?? 'web' },
  containers: [{ name: 'nginx', image: release.image }],
  rollout: { plan: RolloutPlan.canary() },
});
app.synth();
`);
    this.git('init', '-q', '-b', 'main');
    this.git('config', 'user.email', 'test@example.com');
    this.git('config', 'user.name', 'test');
  }

  public git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.root, encoding: 'utf-8' });
  }

  public release(config: { image: string; serviceName?: string; replicas?: number }) {
    fs.writeFileSync(path.join(this.root, 'release.json'), JSON.stringify(config) + '\n');
  }

  public synth(): { status: number; stderr: string } {
    const run = spawnSync(path.join(repoRoot, 'node_modules', '.bin', 'cdk8s'), ['synth'], {
      cwd: this.root, encoding: 'utf-8', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
    });
    return { status: run.status ?? -1, stderr: run.stderr };
  }

  public cli(...args: string[]): { code: number; out: string; err: string } {
    let out = '';
    let err = '';
    const code = runCli(args, { stdout: t => { out += t; }, stderr: t => { err += t; }, readStdin: () => '' });
    if (typeof code !== 'number') throw new Error(`cdk8s-staged ${args.join(' ')} answered asynchronously: await it`);
    return { code, out, err };
  }

  public commit(message: string) {
    this.git('add', '-A');
    this.git('commit', '-q', '-m', message);
  }

  /** Apply the root kustomization to the mini cluster; return pod -> image. */
  public apply(): { [pod: string]: string } {
    const sts = kustomizeBuild(this.dir).find(o => o.kind === 'StatefulSet');
    this.cluster.apply(sts);
    return this.cluster.podImages('web');
  }

  public plan(): any {
    return JSON.parse(fs.readFileSync(path.join(this.dir, 'plan.json'), 'utf-8'));
  }

  /** What plan.json says: the active stage's updated pods on the candidate, the rest on stable. */
  public expectedPods(): { [pod: string]: string } {
    const p = this.plan();
    const active = p.stages.find((s: any) => s.name === p.activeStage);
    const out: { [pod: string]: string } = {};
    for (let i = 0; i < p.replicas; i++) {
      const pod = `web-${p.ordinalsStart + i}`;
      const on = active.updatedPods.includes(pod) ? p.candidate : (p.stable ?? p.candidate);
      out[pod] = Object.values(on.images)[0] as string;
    }
    return out;
  }

  public expectClean() {
    expect(this.git('status', '--porcelain')).toBe('');
  }

  /** Lines changed in the root kustomization by the last commit. */
  public rootDiff(): string {
    return this.git('diff', '--numstat', 'HEAD~1', 'HEAD', '--', 'dist/web/kustomization.yaml').trim();
  }

  /** The test that worked on the repository left it at `point` (and it looks like that point). */
  public reached(point: Point): void {
    this.expectAt(point);
    this.point = point;
  }

  /** Replay the steps after the current point up to `target`, without the tests' assertions. */
  public replayTo(target: Point): void {
    const from = POINTS.indexOf(this.point!);
    for (const point of POINTS.slice(from + 1, POINTS.indexOf(target) + 1)) {
      this.point = undefined;
      REPLAY[point as Exclude<Point, 'start'>](this);
      this.expectAt(point);
      this.point = point;
    }
  }

  private expectAt(point: Point): void {
    this.expectClean();
    if (point === 'start') return;
    const p = this.plan();
    const image = (r: any) => (r === null ? null : Object.values(r.images)[0]);
    expect({ point, activeStage: p.activeStage, stable: image(p.stable), candidate: image(p.candidate), pods: this.cluster.podImages('web') })
      .toEqual({ point, ...FACTS[point] });
  }

  /** A step of a replay: refuse to go on when it fails, saying which. */
  public must(what: string, ok: boolean, detail: string): void {
    if (!ok) throw new Error(`lifecycle replay: ${what} failed: ${detail}`);
  }

  public replaySynth(message: string): void {
    const r = this.synth();
    this.must(`cdk8s synth (${message})`, r.status === 0, r.stderr);
    this.commit(message);
  }

  /** Promotions in a replay skip the code check: the tree was just synthesized from the committed code. */
  public replayCli(...args: string[]): void {
    const r = this.cli(...args, ...(args[0] === 'promote' ? ['--no-code-check'] : []));
    this.must(`cdk8s-staged ${args.join(' ')}`, r.code === 0, r.err);
  }
}

/** The actions of each step of the history, as the tests perform them (their assertions left out). */
const REPLAY: { [P in Exclude<Point, 'start'>]: (h: Lifecycle) => void } = {
  'v1-complete': h => {
    h.release({ image: 'nginx:1.0' });
    h.replaySynth('v1');
    h.apply();
    h.replayCli('promote', h.dir, '--to', 'complete', '--force');
    h.commit('v1 complete');
    h.apply();
  },
  'v2-hold': h => {
    h.release({ image: 'nginx:2.0' });
    h.replaySynth('v2');
    h.apply();
  },
  'v2-complete': h => {
    for (const stage of ['canary', 'percent-50', 'complete']) {
      h.replayCli('promote', h.dir);
      h.commit(`promote ${stage}`);
      h.apply();
    }
  },
  'v3-aborted-in-code': h => {
    h.release({ image: 'nginx:3.0' });
    h.replaySynth('v3');
    h.replayCli('promote', h.dir);
    h.commit('v3 canary');
    h.apply();
    h.release({ image: 'nginx:2.0' });
    h.replaySynth('abort v3');
    h.apply();
  },
  'v3-hold-again': h => {
    h.release({ image: 'nginx:3.0' });
    h.replaySynth('v3 again');
    h.replayCli('promote', h.dir);
    h.replayCli('promote', h.dir);
    h.commit('v3 at 50%');
    h.apply();
    h.replayCli('abort', h.dir);
    h.commit('abort from the tree');
    h.apply();
    h.replaySynth('synth after the abort');
    h.apply();
  },
  'v3-canary-again': h => {
    h.replayCli('promote', h.dir);
    h.commit('v3 canary again');
  },
};

let cached: Lifecycle | undefined;

/**
 * The lifecycle repository at `point`: the one this process already has when it is at `point` or before it
 * (then the missing steps are replayed), else a fresh one replayed from the start. The test then owns it
 * until it calls `reached`.
 */
export function lifecycleAt(point: Point): Lifecycle {
  const usable = cached !== undefined && cached.point !== undefined && POINTS.indexOf(cached.point) <= POINTS.indexOf(point);
  const h = usable ? cached! : new Lifecycle();
  cached = h;
  h.replayTo(point);
  h.point = undefined;
  return h;
}
