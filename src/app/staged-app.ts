import * as path from 'path';
import { ApiObject, App, AppProps, Chart, YamlOutputType } from 'cdk8s';
import { IConstruct } from 'constructs';
import { readCommittedTree, readRoot } from './committed-tree';
import { synthReporting } from './synth-or-exit';
import { StagedSource, isStagedSourceProvider } from '../constructs/shared/staged-source';
import { withGates } from '../core/gates';
import { kindById } from '../core/kinds/registry';
import { synthState } from '../core/kinds/synth';
import { checkEmittedObjects, EmittedObjectChecks } from '../core/object-checks';
import { treeDigestOf } from '../core/revision';
import { RolloutState } from '../core/state';
import { withWaves } from '../core/wave-plan';
import { FileToWrite, OutputWriter, TreeToWrite, checkDisjoint, checkStateDirectory } from '../io/atomic-write';
import { DirectoryListing, pathExists } from '../io/files';
import { committedFilesAtHead, restoreOutputFromHead } from '../io/git';
import { warnIfGitIgnored } from '../io/git-ignore';
import { repositoryRoot } from '../io/paths';
import { readFiles } from '../io/read-files';
import { readStateFile, stateFilePath } from '../io/state-store';
import { withWriteLock } from '../io/write-lock';
import { ENVIRONMENT } from '../model/environment';
import { parsePlanFile } from '../model/plan-file';
import { stateJson } from '../model/state-file';
import { planRoots, renderTree } from '../render/tree';
import { toYamlDocuments } from '../render/yaml';

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

/**
 * The files of a rollout with few stages and objects (a tree of base, stages, root, plan.json and PLAN.md,
 * and its state file): the estimate the writer gets to start its worker thread early.
 */
const FILES_PER_ROLLOUT = 10;

/** One rendered rollout: its tree and its next state. */
interface RenderedRollout {
  readonly source: StagedSource;
  /** The ApiObjects of the rollout (they go into its base, not into a chart manifest). */
  readonly apiObjects: ApiObject[];
  readonly tree: TreeToWrite;
  /** The next state as its file's content (a string holds less memory than the objects until the write). */
  readonly stateContent: string;
  readonly stateFile: string;
  /** The files of the tree as last written (the previous state), the only ones the synth may replace. */
  readonly previousFiles: string[];
}

/** What the synth keeps of a rollout once its tree is written to its temporary sibling. */
interface WrittenRollout {
  readonly apiObjects: ApiObject[];
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
 *
 * Of cdk8s's `AppProps` it honours `outdir`, `outputFileExtension`, `resolvers` and
 * `recordConstructMetadata` (then `<outdir>/construct-metadata.json` lists every object, staged ones
 * included, as cdk8s writes it); `yamlOutputType` must be `FILE_PER_CHART` (the default), any other is
 * refused at construction. The environment variables the `cdk8s-staged` command uses to talk to the
 * app are listed in the README ("Environment variables").
 */
export class StagedApp extends App {
  /** The absolute directory of the rollout state files. */
  public readonly stateDirectory: string;
  private readonly readOnlyState: boolean;
  private readonly committedOutdir: string;
  /** `recordConstructMetadata` (App keeps its own copy private). */
  private readonly recordMetadata: boolean;
  /** The JSON of each ApiObject outside every rollout's tree, rendered once per synth for its chart's manifest. */
  private rendered = new Map<ApiObject, any>();

  public constructor(props: StagedAppProps = {}) {
    // the code check of cdk8s-staged: write only into its directory, whatever outdir the code gives
    const checkOutdir = process.env[ENVIRONMENT.checkOutdir] || undefined;
    super(checkOutdir ? { ...props, outdir: checkOutdir } : props);
    if (this.yamlOutputType !== YamlOutputType.FILE_PER_CHART) {
      throw new Error(`yamlOutputType (${JSON.stringify(this.yamlOutputType)}) must be YamlOutputType.FILE_PER_CHART: a StagedApp writes each rollout as its own tree of Kustomize directories and every other object into <chart id>${this.outputFileExtension}`);
    }
    this.recordMetadata = props.recordConstructMetadata ?? process.env.CDK8S_RECORD_CONSTRUCT_METADATA === 'true';
    this.stateDirectory = path.resolve(props.stateDirectory ?? 'rollout-state');
    this.readOnlyState = checkOutdir ? true : props.readOnlyState ?? process.env[ENVIRONMENT.readOnlyState] === '1';
    this.committedOutdir = path.resolve(props.committedOutdir ?? process.env[ENVIRONMENT.committedOutdir] ?? this.outdir);
  }

  /** Render every rollout tree in memory: rollout directory -> (relative file -> content). Writes nothing. */
  public renderFiles(): { [directory: string]: { [file: string]: string } } {
    const out: { [directory: string]: { [file: string]: string } } = {};
    this.renderRollouts(r => {
      out[r.source.directory] = Object.fromEntries(r.tree.files);
    });
    return out;
  }

  public synth(): void {
    warnIfGitIgnored({ 'output directory': this.outdir, 'state directory': this.stateDirectory });
    // one writer at a time per repository, from reading the state files to the commit: a promote during
    // the synth is refused instead of being silently undone by it
    const outdir = path.resolve(this.outdir);
    if (!this.readOnlyState) checkStateDirectory(outdir, this.stateDirectory);
    const root = repositoryRoot(this.readOnlyState ? [outdir] : [outdir, this.stateDirectory]);
    withWriteLock(root, () => {
      // each tree and its state file are written to temporary siblings as soon as they are rendered, and
      // their content dropped; the one commit point is writer.commit(), after every rollout rendered
      const writer = OutputWriter.begin(root, { stagingDirectories: this.readOnlyState ? [outdir] : [outdir, this.stateDirectory] });
      const rollouts: WrittenRollout[] = [];
      try {
        this.renderRollouts(r => {
          writer.addTree({ ...r.tree, previousFiles: r.previousFiles, within: outdir });
          if (!this.readOnlyState) writer.addFile({ path: r.stateFile, content: r.stateContent, within: this.stateDirectory });
          rollouts.push({ apiObjects: r.apiObjects });
        }, count => writer.expectFiles(count * FILES_PER_ROLLOUT));
      } catch (err) {
        writer.abort();
        const restored = this.restoreCommittedOutput();
        if (restored) {
          (err as Error).message += `\n(cdk8s synth deleted ${this.outdir} before the app ran; the committed files were restored from git HEAD, so nothing changed)`;
        }
        throw err;
      }
      try {
        const files: FileToWrite[] = this.chartManifests(rollouts).map(f => ({ ...f, within: outdir }));
        if (this.recordMetadata) {
          files.push({ ...this.constructMetadata(), within: outdir });
        }
        for (const file of files) writer.addFile(file);
      } catch (err) {
        writer.abort();
        throw err;
      }
      writer.commit();
    });
  }

  /**
   * `synth()` for the `app` program that `cdk8s synth` runs: a refusal (an invalid prop, a template
   * change the rollout state forbids, a conflict on disk) prints `error: <message>` on stderr, without a
   * stack trace, and ends the process with exit code 1; nothing is written. Use it as the last line of
   * `main.ts`: `app.synthOrExit();`.
   */
  public synthOrExit(): void {
    const code = synthReporting(() => this.synth(), text => process.stderr.write(text));
    if (code !== 0) {
      process.exit(code);
    }
  }

  /**
   * `cdk8s synth` deletes the whole output directory before it runs the app. When the app then refuses
   * (a validation error, a supersede, an immutable change), put the committed output back from git HEAD,
   * so that a refusal leaves the working tree as it was. Only an output directory that is missing or
   * empty is restored, and only from git: nothing uncommitted can be overwritten.
   * @returns true when files were restored
   */
  private restoreCommittedOutput(): boolean {
    return restoreOutputFromHead(path.resolve(this.outdir));
  }

  /**
   * Render every rollout, handing each to `each` as soon as it is rendered (in the order of the sources);
   * `start` is told how many rollouts there are before the first is rendered.
   */
  private renderRollouts(each: (r: RenderedRollout) => void, start?: (rollouts: number) => void): void {
    const constructs = this.node.findAll();
    const errors = constructs.flatMap(c => c.node.validate().map(e => `[${c.node.path}] ${e}`));
    if (errors.length > 0) {
      throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
    }
    const all = constructs.filter((c): c is ApiObject => c instanceof ApiObject);
    // every object rendered once, with its tree (or, outside every tree, for its chart's manifest) and
    // checked as it is rendered: an object's JSON lives only until its tree is written, so a large app
    // never holds the JSON of all its objects at once
    const checks = new EmittedObjectChecks();
    const inApp = new Set<ApiObject>(all);
    const render = (o: ApiObject) => {
      const json = o.toJson();
      if (inApp.has(o)) checks.check({ json, path: o.node.path });
      return json;
    };
    try {
      const sources = constructs.filter(isStagedSourceProvider)
        .map(p => p._stagedSource())
        .filter((s): s is StagedSource => s !== undefined);
      checkDisjoint(sources.map(s => s.directory));
      start?.(sources.length);
      const trees = treeObjects(sources);
      const outdir = path.resolve(this.outdir);
      const listing = new DirectoryListing();
      const staged = new Set<ApiObject>();

      sources.forEach((source, i) => {
        const apiObjects = trees[i];
        const objects = apiObjects.map(render);
        for (const o of apiObjects) staged.add(o);
        const stateFile = stateFilePath(this.stateDirectory, source.directory);
        const committed = readStateFile(stateFile, listing);
        const previous = committed && this.followRoot(source, committed, stateFile);
        const relativeState = path.relative(path.join(this.committedOutdir, source.directory), stateFile).split(path.sep).join('/');
        const rendered = renderRollout(source, objects, previous, relativeState);
        // the writer's addTree refuses a target holding files this library did not write there
        const directory = path.join(outdir, source.directory);
        const state: RolloutState = { ...rendered.state, treeDigest: treeDigestOf(rendered.tree), files: [...rendered.tree.keys()].sort() };
        each({ source, apiObjects, tree: { directory, files: rendered.tree }, stateContent: stateJson(state), stateFile, previousFiles: previous?.files ?? [] });
      });
      this.rendered = new Map(all.filter(o => !staged.has(o)).map(o => [o, render(o)]));
    } catch (err) {
      // the refusal the checks give in their own order: every object rendered, the rollout directories
      // apart, every object checked (in construct order), and only then the trees and rollouts
      this.checkAllUpFront(constructs, all);
      throw err;
    }
  }

  /**
   * The checks before any tree, in their order, over the whole app: throws the first refusal there is
   * (a streaming check found one, or a later step failed and none is there: nothing is thrown).
   */
  private checkAllUpFront(constructs: IConstruct[], all: ApiObject[]): void {
    const json = all.map(o => o.toJson());
    const sources = constructs.filter(isStagedSourceProvider)
      .map(p => p._stagedSource())
      .filter((s): s is StagedSource => s !== undefined);
    checkDisjoint(sources.map(s => s.directory));
    checkEmittedObjects(all.map((o, i) => ({ json: json[i], path: o.node.path })));
  }

  /**
   * The root line is the promotion: when the committed tree's root kustomization.yaml selects another
   * stage than the state file and nothing else was edited, the synth starts from that stage (the rules
   * of `promote` apply; `rollout.allowStageSkip` allows skipping stages). The committed tree is read from
   * the working tree under the committed output directory when it is there (a synth run without
   * `cdk8s synth`, or the code check), else from git HEAD (`cdk8s synth` deleted the output directory
   * before the app ran). A tree that is neither, or edited beyond the root line, is not followed: the
   * synth rewrites it from the state file, as before.
   */
  private followRoot(source: StagedSource, state: RolloutState, stateFile: string): RolloutState {
    const where = path.join(this.committedOutdir, source.directory);
    const files = pathExists(path.join(where, 'plan.json')) ? readFiles(where) : committedFilesAtHead(where);
    if (files === undefined || files['plan.json'] === undefined) {
      return state;
    }
    let plan;
    try {
      plan = parsePlanFile(`${where}/plan.json`, files['plan.json']).plan;
    } catch {
      return state;
    }
    if (plan.activeStage !== state.activeStage || !plan.stages.some(s => s.name === state.activeStage) || readRoot(files, state, planRoots(plan), where, stateFile).status !== 'root-edited') {
      return state;
    }
    const tree = readCommittedTree(where, files, state, stateFile, { allowSkip: source.allowStageSkip, allow: 'rollout.allowStageSkip' });
    return tree.state;
  }

  /** `construct-metadata.json`, as cdk8s writes it: each object's name and construct path. */
  private constructMetadata(): FileToWrite {
    const resources: { [name: string]: { path: string } } = {};
    for (const chart of this.charts) {
      for (const o of apiObjectsBelow(chart)) {
        resources[o.name] = { path: o.node.path };
      }
    }
    return { path: path.join(path.resolve(this.outdir), 'construct-metadata.json'), content: JSON.stringify({ version: '1.0.0', resources }) };
  }

  private chartManifests(rollouts: WrittenRollout[]): FileToWrite[] {
    const out: FileToWrite[] = [];
    if (this.rendered.size === 0) {
      return out; // every object is in a rollout's tree (their JSON is dropped once rendered)
    }
    const staged = new Set<IConstruct>(rollouts.flatMap(r => r.apiObjects));
    for (const chart of this.charts) {
      const objects = apiObjectsBelow(chart).filter(o => Chart.of(o) === chart && !staged.has(o));
      if (objects.length > 0) {
        out.push({
          path: path.join(path.resolve(this.outdir), `${chart.node.id}${this.outputFileExtension}`),
          content: toYamlDocuments(objects.map(o => this.rendered.get(o))),
        });
      }
    }
    return out;
  }
}

/**
 * One rollout: the state machine's next state from the previous one and what the code renders (the
 * stages as the previous state laid them out), then the tree for the next state. Throws a refusal.
 */
function renderRollout(source: StagedSource, objects: any[], previous: RolloutState | undefined, stateFile: string) {
  const kind = kindById(source.kind);
  const state = synthState(kind, previous, { ...source, objects });
  const plan = withWaves(withGates(kind.document(source.layout, state, stateFile), source.gates), source.waves, state.waves);
  return { state, tree: renderTree(kind, plan, objects, state.stable?.template ?? null, state.candidate.template) };
}

/**
 * The ApiObjects of each rollout: those below its owner, then its `extraObjects`, each once. An object in
 * two rollouts' trees is refused, naming both.
 */
function treeObjects(sources: StagedSource[]): ApiObject[][] {
  const treeOf = new Map<ApiObject, string>();
  return sources.map(source => {
    const objects: ApiObject[] = [];
    for (const o of [...apiObjectsBelow(source.owner), ...(source.extraObjects ?? [])]) {
      if (objects.includes(o)) continue;
      const other = treeOf.get(o);
      if (other !== undefined) {
        throw new Error(`the object ${o.kind} ${JSON.stringify(o.name)} (${o.node.path}) is in the trees of two rollouts, ${JSON.stringify(other)} and ${JSON.stringify(source.directory)}: an object goes into one rollout directory, add it to one tree only`);
      }
      treeOf.set(o, source.directory);
      objects.push(o);
    }
    return objects;
  });
}

function apiObjectsBelow(scope: IConstruct): ApiObject[] {
  return scope.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
}
