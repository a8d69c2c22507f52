import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, AppProps, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { FileToWrite, TreeToWrite, checkDisjoint, checkStateDirectory, commitOutputs } from '../io/atomic-write';
import { repositoryRoot } from '../io/paths';
import { withWriteLock } from '../io/write-lock';
import { planDocument } from '../render/plan-doc';
import { listFiles } from '../io/read-files';
import { DeploymentPlanDocument } from '../render/deployment-plan-doc';
import { DeploymentSource, isDeploymentSource, isStagedSourceProvider, StagedSource } from '../constructs/shared/staged-source';
import { readStateFile, stateFilePath, stateJson } from '../io/state-file';
import { renderDeploymentTree, renderStagedTree, treeDigest } from '../render/tree';
import { toYamlDocuments } from '../render/yaml';
import { advanceState, nextState, RolloutState } from '../core/state-machine';
import { deploymentStages, podsOf, rollbackText } from '../core/deployment-layout';

/** Props of `StagedApp`. */
export interface StagedAppProps extends AppProps {
  /**
   * Where the rollout state files live (`<directory>.json` per rollout): outside the output directory,
   * which `cdk8s synth` deletes before it runs the app. Commit them with the tree.
   * @default - `rollout-state` in the working directory (beside cdk8s.yaml when run by `cdk8s synth`)
   */
  readonly stateDirectory?: string;
  /**
   * Read the state files but do not write them: used by `cdk8s-staged` to render the tree the code
   * would produce and compare it with the committed one.
   * @default - true when the environment variable CDK8S_STAGED_READ_ONLY_STATE is "1", else false
   */
  readonly readOnlyState?: boolean;
  /**
   * The output directory the trees are committed in, when they are synthesized elsewhere to be compared
   * with the committed ones: `plan.json` names the state file relative to the tree's committed place.
   * @default - the environment variable CDK8S_STAGED_COMMITTED_OUTDIR, else `outdir`
   */
  readonly committedOutdir?: string;
}

/** One rendered rollout: its tree and its next state. */
interface RenderedRollout {
  readonly source: StagedSource | DeploymentSource;
  /** The ApiObjects of the rollout (they go into its base, not into a chart manifest). */
  readonly apiObjects: ApiObject[];
  readonly tree: TreeToWrite;
  readonly state: RolloutState;
  readonly stateFile: string;
  /** The files of the tree as last written (the previous state), the only ones the synth may replace. */
  readonly previousFiles: string[];
}

/**
 * A cdk8s `App` that writes each staged rollout as a tree of Kustomize directories and keeps the rollout
 * state in Git.
 *
 * `synth()` validates the whole app, reads each rollout's state file, works out the next state (a new
 * template starts at hold; an unchanged one keeps its stage; a revert to the stable template aborts; see
 * `StatefulAppRolloutOptions`), renders everything in memory, then writes: `<outdir>/<rollout.directory>/`
 * with `base/`, `stages/<NN>-<name>/`, the root `kustomization.yaml`, `plan.json` and `PLAN.md`; the state
 * file `<stateDirectory>/<rollout.directory>.json`; and for each chart with other objects
 * `<outdir>/<chart id>.k8s.yaml`. A refusal or a failure while writing leaves every previous file
 * untouched.
 */
export class StagedApp extends App {
  /** The absolute directory of the rollout state files. */
  public readonly stateDirectory: string;
  private readonly readOnlyState: boolean;
  private readonly committedOutdir: string;

  public constructor(props: StagedAppProps = {}) {
    // the code check of cdk8s-staged: write only into its directory, whatever outdir the code gives
    const checkOutdir = process.env.CDK8S_STAGED_CHECK_OUTDIR || undefined;
    super(checkOutdir ? { ...props, outdir: checkOutdir } : props);
    this.stateDirectory = path.resolve(props.stateDirectory ?? 'rollout-state');
    this.readOnlyState = checkOutdir ? true : props.readOnlyState ?? process.env.CDK8S_STAGED_READ_ONLY_STATE === '1';
    this.committedOutdir = path.resolve(props.committedOutdir ?? process.env.CDK8S_STAGED_COMMITTED_OUTDIR ?? this.outdir);
  }

  /** Render every rollout tree in memory: rollout directory -> (relative file -> content). Writes nothing. */
  public renderFiles(): { [directory: string]: { [file: string]: string } } {
    const out: { [directory: string]: { [file: string]: string } } = {};
    for (const r of this.renderRollouts()) {
      out[r.source.directory] = Object.fromEntries(r.tree.files);
    }
    return out;
  }

  public synth(): void {
    // one writer at a time per repository, from reading the state files to the commit: a promote during
    // the synth is refused instead of being silently undone by it
    const outdir = path.resolve(this.outdir);
    if (!this.readOnlyState) checkStateDirectory(outdir, this.stateDirectory);
    const root = repositoryRoot(this.readOnlyState ? [outdir] : [outdir, this.stateDirectory]);
    withWriteLock(root, () => {
      let rollouts: RenderedRollout[];
      try {
        rollouts = this.renderRollouts();
      } catch (err) {
        const restored = this.restoreCommittedOutput();
        if (restored) {
          (err as Error).message += `\n(cdk8s synth deleted ${this.outdir} before the app ran; the committed files were restored from git HEAD, so nothing changed)`;
        }
        throw err;
      }
      const files: FileToWrite[] = this.chartManifests(rollouts).map(f => ({ ...f, within: outdir }));
      if (!this.readOnlyState) {
        files.push(...rollouts.map(r => ({ path: r.stateFile, content: stateJson(r.state), within: this.stateDirectory })));
      }
      const trees: TreeToWrite[] = rollouts.map(r => ({ ...r.tree, previousFiles: r.previousFiles, within: outdir }));
      commitOutputs({ root, trees, files });
    });
  }

  /**
   * `cdk8s synth` deletes the whole output directory before it runs the app. When the app then refuses
   * (a validation error, a supersede, an immutable change), put the committed output back from git HEAD,
   * so that a refusal leaves the working tree as it was. Only an output directory that is missing or
   * empty is restored, and only from git: nothing uncommitted can be overwritten.
   * @returns true when files were restored
   */
  private restoreCommittedOutput(): boolean {
    const outdir = path.resolve(this.outdir);
    if (fs.existsSync(outdir) && fs.readdirSync(outdir).length > 0) {
      return false;
    }
    const parent = path.dirname(outdir);
    if (!fs.existsSync(parent)) {
      return false;
    }
    const tracked = spawnSync('git', ['ls-tree', '-r', '--name-only', 'HEAD', '--', path.basename(outdir)], { cwd: parent, encoding: 'utf-8' });
    if (tracked.status !== 0 || tracked.stdout.trim() === '') {
      return false;
    }
    const checkout = spawnSync('git', ['checkout', 'HEAD', '--', path.basename(outdir)], { cwd: parent, encoding: 'utf-8' });
    return checkout.status === 0;
  }

  private renderRollouts(): RenderedRollout[] {
    const errors = this.node.findAll().flatMap(c => c.node.validate().map(e => `[${c.node.path}] ${e}`));
    if (errors.length > 0) {
      throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
    }
    const sources = this.node.findAll().filter(isStagedSourceProvider)
      .map(p => p._stagedSource())
      .filter((s): s is StagedSource | DeploymentSource => s !== undefined);
    checkDisjoint(sources.map(s => s.directory));
    const outdir = path.resolve(this.outdir);

    return sources.map(source => {
      const apiObjects = apiObjectsBelow(source.owner);
      const objects = apiObjects.map(o => o.toJson());
      const stateFile = stateFilePath(this.stateDirectory, source.directory);
      const previous = readStateFile(stateFile);
      const relativeState = path.relative(path.join(this.committedOutdir, source.directory), stateFile).split(path.sep).join('/');
      const { next, files } = isDeploymentSource(source)
        ? renderDeploymentRollout(source, objects, previous, relativeState)
        : renderStatefulRollout(source, objects, previous, relativeState);
      const directory = path.join(outdir, source.directory);
      checkOnlyOwnFiles(directory, previous?.files ?? []);
      const state: RolloutState = { ...next, treeDigest: treeDigest(files), files: [...files.keys()].sort() };
      return { source, apiObjects, tree: { directory, files }, state, stateFile, previousFiles: previous?.files ?? [] };
    });
  }

  private chartManifests(rollouts: RenderedRollout[]): FileToWrite[] {
    const staged = new Set<IConstruct>(rollouts.flatMap(r => r.apiObjects));
    const out: FileToWrite[] = [];
    for (const chart of this.charts) {
      const objects = apiObjectsBelow(chart).filter(o => Chart.of(o) === chart && !staged.has(o));
      if (objects.length > 0) {
        out.push({
          path: path.join(path.resolve(this.outdir), `${chart.node.id}${this.outputFileExtension}`),
          content: toYamlDocuments(objects.map(o => o.toJson())),
        });
      }
    }
    return out;
  }
}

type NextState = Omit<RolloutState, 'treeDigest' | 'files'>;

function renderStatefulRollout(source: StagedSource, objects: any[], previous: RolloutState | undefined, stateFile: string): { next: NextState; files: Map<string, string> } {
  const sts = objects.find(o => o.kind === source.target.kind && o.metadata?.name === source.app);
  const next = nextState(previous, {
    app: source.app,
    directory: source.directory,
    statefulSet: sts,
    stages: source.stages,
    ordinalsStart: source.ordinalsStart,
    replicas: source.replicas,
    pinnedStage: source.pinnedStage,
    allowSupersede: source.allowSupersede,
    allowRecreate: source.allowRecreate,
  });
  return { next, files: renderStagedTree(source, objects, planDocument(source, next, stateFile)) };
}

/**
 * A Deployment rollout: the state machine sees the pods of each stage as the previous state laid them
 * out (blue/green: the previous candidate colour), then the tree is rendered for the next state.
 */
function renderDeploymentRollout(source: DeploymentSource, objects: any[], previous: RolloutState | undefined, stateFile: string): { next: NextState; files: Map<string, string> } {
  const layout = source.layout;
  const prevColor = previous?.candidateColor ?? 'blue';
  const prevStages = deploymentStages(layout, source.canaryPlan, prevColor);
  const last = prevStages[prevStages.length - 1];
  const names = layout.deployments.join(', ');
  const next = advanceState(previous, {
    app: source.app,
    directory: source.directory,
    kind: 'Deployment',
    template: source.template,
    immutable: source.immutable,
    rejection: 'the API server rejects the update ("spec.selector: Invalid value: ...: field is immutable")',
    recreate: `delete the Deployments ${names} before the sync (\`kubectl delete deployment ${layout.deployments.join(' ')}\`: their pods stop and the new Deployments start fresh ones), or sync with Argo CD's \`Replace=true\` sync option or Flux \`force: true\``,
    recreateNote: `run \`kubectl delete deployment ${layout.deployments.join(' ')}\`, or sync with Argo CD's \`Replace=true\` sync option or Flux \`force: true\``,
    stages: prevStages.map(s => ({ name: s.name, candidatePods: podsOf(s, 'candidate'), stablePods: podsOf(s, 'stable') })),
    rollback: pods => rollbackText(layout, prevColor, pods),
    firstStage: last.name,
    firstNote: `First synth: no stable revision is known, so there is nothing to stage: the last stage (${last.name}) runs the candidate on every pod. The next template change starts a staged rollout at hold.`,
    blueGreen: layout.style === 'blueGreen',
    pinnedStage: source.pinnedStage,
    allowSupersede: source.allowSupersede,
    allowRecreate: source.allowRecreate,
  });
  const plan: DeploymentPlanDocument = {
    schemaVersion: 1,
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    style: layout.style,
    app: source.app,
    namespace: source.namespace ?? null,
    serviceName: source.serviceName,
    replicas: source.replicas,
    layout,
    stable: next.stable && { revision: next.stable.revision, images: next.stable.images },
    candidate: { revision: next.candidate.revision, images: next.candidate.images },
    candidateColor: next.candidateColor ?? null,
    activeStage: next.activeStage,
    pinned: next.pinned,
    stateFile,
    notes: next.notes,
    stages: deploymentStages(layout, source.canaryPlan, next.candidateColor ?? 'blue'),
  };
  return { next, files: renderDeploymentTree(plan, objects, next.stable?.template ?? null, next.candidate.template) };
}

/**
 * A rollout directory is replaced whole, so it may hold only the files the library wrote there last time
 * (listed in the state file). Anything else is refused, never deleted.
 */
function checkOnlyOwnFiles(directory: string, written: string[]): void {
  const known = new Set(written);
  const foreign = listFiles(directory).filter(f => !known.has(f)).sort();
  if (foreign.length > 0) {
    throw new Error(`the rollout directory ${directory} holds files this library did not write: ${foreign.join(', ')}. A synth replaces the directory whole and never deletes files it did not write: move them out (or delete them) and synth again`);
  }
}

function apiObjectsBelow(scope: IConstruct): ApiObject[] {
  return scope.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
}
