import * as path from 'path';
import { ApiObject, App, AppProps, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { TreeToWrite, checkDisjoint, writeTreesAtomically } from './atomic-write';
import { isStagedSourceProvider, StagedSource } from './staged-source';
import { renderStagedTree } from './tree';
import { toYamlDocuments } from './yaml';

/**
 * A cdk8s `App` that writes each staged rollout as a tree of Kustomize directories.
 *
 * `synth()` validates the whole app, renders everything in memory, then writes: for each construct with a
 * rollout (a `StatefulApp` with `rollout`), the directory `<outdir>/<rollout.directory>/` with `base/`,
 * `stages/<NN>-<name>/`, the root `kustomization.yaml`, `plan.json` and `PLAN.md`; for each chart that has
 * other objects, `<outdir>/<chart id>.k8s.yaml` as cdk8s writes it. A failure before or while writing
 * leaves the previous trees on disk untouched.
 */
export class StagedApp extends App {
  public constructor(props: AppProps = {}) {
    super(props);
  }

  /** Render every file of the app in memory: directory -> (relative file -> content). */
  public renderFiles(): { [directory: string]: { [file: string]: string } } {
    const out: { [directory: string]: { [file: string]: string } } = {};
    for (const tree of this.renderTrees()) {
      out[tree.directory] = Object.fromEntries(tree.files);
    }
    return out;
  }

  public synth(): void {
    writeTreesAtomically(this.outdir, this.renderTrees());
  }

  private renderTrees(): TreeToWrite[] {
    const all = this.node.findAll();
    const errors = all.flatMap(c => c.node.validate().map(e => `[${c.node.path}] ${e}`));
    if (errors.length > 0) {
      throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
    }
    const sources = all.filter(isStagedSourceProvider)
      .map(p => p._stagedSource())
      .filter((s): s is StagedSource => s !== undefined);
    checkDisjoint(sources.map(s => s.directory));

    const stagedObjects = new Set<IConstruct>();
    const trees: TreeToWrite[] = sources.map(source => {
      const objects = apiObjectsBelow(source.owner);
      objects.forEach(o => stagedObjects.add(o));
      return { directory: source.directory, files: renderStagedTree(source, objects.map(o => o.toJson())) };
    });

    for (const chart of this.charts) {
      const objects = apiObjectsBelow(chart).filter(o => Chart.of(o) === chart && !stagedObjects.has(o));
      if (objects.length > 0) {
        const file = `${chart.node.id}${this.outputFileExtension}`;
        trees.push({ directory: '.', files: new Map([[file, toYamlDocuments(objects.map(o => o.toJson()))]]) });
      }
    }
    return mergeRootFiles(trees);
  }
}

function apiObjectsBelow(scope: IConstruct): ApiObject[] {
  return scope.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
}

/**
 * Chart manifests live directly in the output directory, which is not replaced whole: they are written
 * one by one with the same temporary-then-rename step, as single-file trees.
 */
function mergeRootFiles(trees: TreeToWrite[]): TreeToWrite[] {
  const out: TreeToWrite[] = [];
  for (const tree of trees) {
    if (tree.directory !== '.') {
      out.push(tree);
      continue;
    }
    for (const [file, content] of tree.files) {
      out.push({ directory: path.join('.', file), files: new Map([['', content]]) });
    }
  }
  return out;
}
