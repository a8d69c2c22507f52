import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Chart } from 'cdk8s';
import { RolloutPlan, StagedApp, StatefulApp, StatefulAppProps } from '../../../src';
import { RolloutDirectory } from '../../../src/app/rollout-directory';
import { commitOutputs } from '../../../src/io/atomic-write';
import { readTree, stagedApp, tempDir } from '../../support/synth';

/** Class 2 of issue 13: the writer never deletes what is in the way; all outputs are checked first. */

const props: StatefulAppProps = { name: 'web', replicas: 3, containers: [{ name: 'c', image: 'nginx:1' }], rollout: { plan: RolloutPlan.canary() } };

/** Every entry below root, directories with a trailing '/', symlinks as `name -> target`. */
function entries(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      const rel = path.relative(root, full);
      if (e.isSymbolicLink()) {out.push(`${rel} -> ${fs.readlinkSync(full)}`);} else if (e.isDirectory()) {
        out.push(`${rel}/`);
        walk(full);
      } else {out.push(rel);}
    }
  };
  walk(root);
  return out.sort();
}

function committed() {
  const root = tempDir('outputs-');
  const outdir = path.join(root, 'dist');
  stagedApp(props, { outdir }).app.synth();
  return { root, outdir, dir: path.join(outdir, 'web') };
}

/** An app with the rollout `web` and a chart `id` holding one ConfigMap. */
function appWithChart(outdir: string, id: string, stateDirectory = path.join(path.dirname(outdir), 'rollout-state')) {
  const app = new StagedApp({ outdir, stateDirectory });
  new StatefulApp(new Chart(app, 'chart'), 'app', props);
  new ApiObject(new Chart(app, id), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'notes' } });
  return app;
}

describe('nothing in the way is deleted', () => {
  test('a directory where a chart manifest goes is refused, not deleted', () => {
    const { root, outdir } = committed();
    fs.mkdirSync(path.join(outdir, 'notes.k8s.yaml'));
    fs.writeFileSync(path.join(outdir, 'notes.k8s.yaml', 'mine.txt'), 'keep me\n');
    const before = { tree: readTree(root), entries: entries(root) };
    expect(() => appWithChart(outdir, 'notes').synth()).toThrow(new Error(`output file ${path.join(outdir, 'notes.k8s.yaml')} is a directory: the library writes a file there and never deletes a directory it did not write; move it away or rename the output`));
    expect({ tree: readTree(root), entries: entries(root) }).toEqual(before);
  });

  test('a symlink where a chart manifest goes is refused, not replaced', () => {
    const { root, outdir } = committed();
    fs.symlinkSync('/etc/hostname', path.join(outdir, 'notes.k8s.yaml'));
    const before = entries(root);
    expect(() => appWithChart(outdir, 'notes').synth()).toThrow(`output file ${path.join(outdir, 'notes.k8s.yaml')} is a symbolic link: the library replaces only the regular files it wrote and never deletes a link`);
    expect(entries(root)).toEqual(before);
  });

  test('a symlink inside a rollout tree is refused by the synth and by the CLI, and stays', () => {
    for (const [name, expected] of [
      ['stages/link', 'holds files this library did not write: stages/link'],
      // a link with the name of a file the library wrote is not that file
      ['PLAN.md', 'holds entries that are not regular files: PLAN.md (symbolic links or special files)'],
    ]) {
      const { root, outdir, dir } = committed();
      fs.rmSync(path.join(dir, name), { force: true });
      fs.symlinkSync(path.join(root, 'elsewhere'), path.join(dir, name));
      const before = entries(root);
      expect(() => stagedApp(props, { outdir }).app.synth()).toThrow(expected);
      expect(entries(root)).toEqual(before);
      expect(() => RolloutDirectory.open(dir)).toThrow(`${path.join(dir, name)} is a symbolic link: a rollout tree holds only the regular files the library wrote; restore it from git or run cdk8s synth`);
    }
  });

  test('an empty directory the library did not write inside a tree is refused', () => {
    const { root, outdir, dir } = committed();
    fs.mkdirSync(path.join(dir, 'stages', 'mine'));
    const before = entries(root);
    expect(() => commitOutputs({ root, trees: [{ directory: dir, files: new Map([['plan.json', '{}\n']]), previousFiles: ['plan.json', 'stages/00-hold/kustomization.yaml'] }], files: [] }))
      .toThrow(`the rollout directory ${dir} holds files this library did not write: `);
    expect(entries(root)).toEqual(before);
    void outdir;
  });

  test('a rollout directory that is a file, or a symlink, is refused', () => {
    const root = tempDir('outputs-');
    fs.mkdirSync(path.join(root, 'dist'));
    fs.writeFileSync(path.join(root, 'dist', 'web'), 'a file\n');
    expect(() => stagedApp(props, { outdir: path.join(root, 'dist') }).app.synth()).toThrow(`rollout directory ${path.join(root, 'dist', 'web')} is a file: the library replaces only directories it wrote`);
    expect(fs.readFileSync(path.join(root, 'dist', 'web'), 'utf-8')).toBe('a file\n');
    fs.rmSync(path.join(root, 'dist', 'web'));
    fs.mkdirSync(path.join(root, 'real'));
    fs.symlinkSync(path.join(root, 'real'), path.join(root, 'dist', 'web'));
    expect(() => stagedApp(props, { outdir: path.join(root, 'dist') }).app.synth()).toThrow(`rollout directory ${path.join(root, 'dist', 'web')} is a symbolic link`);
    expect(fs.lstatSync(path.join(root, 'dist', 'web')).isSymbolicLink()).toBe(true);
  });
});

describe('outputs are disjoint and inside their roots', () => {
  test('a rollout directory named like a chart manifest is refused before anything is written', () => {
    const root = tempDir('outputs-');
    const outdir = path.join(root, 'dist');
    const app = new StagedApp({ outdir, stateDirectory: path.join(root, 'rollout-state') });
    new StatefulApp(new Chart(app, 'chart'), 'app', { ...props, name: 'x', rollout: { plan: RolloutPlan.canary(), directory: 'x.k8s.yaml' } } as any);
    new ApiObject(new Chart(app, 'x'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    expect(() => app.synth()).toThrow(`rollout directory ${path.join(outdir, 'x.k8s.yaml')} is written twice in one synth (also as output file): each output needs its own path`);
    expect(fs.existsSync(outdir)).toBe(false);
  });

  test('outputs that differ only in case are refused (one path on macOS and Windows)', () => {
    const root = tempDir('outputs-');
    const files = new Map([['plan.json', '{}\n']]);
    expect(() => commitOutputs({ root, trees: [{ directory: path.join(root, 'dist', 'Web'), files }, { directory: path.join(root, 'dist', 'web'), files }], files: [] }))
      .toThrow(`rollout directory ${path.join(root, 'dist', 'Web')} and rollout directory ${path.join(root, 'dist', 'web')} differ only in case`);
    expect(() => commitOutputs({ root, trees: [{ directory: path.join(root, 'dist', 'web'), files }], files: [{ path: path.join(root, 'dist', 'WEB', 'x.json'), content: '' }] }))
      .toThrow(`output file ${path.join(root, 'dist', 'WEB', 'x.json')} lies inside rollout directory ${path.join(root, 'dist', 'web')}: outputs must not overlap`);
    expect(fs.readdirSync(root)).toEqual([]);
  });

  test('a state directory equal to the output directory, or inside a rollout directory, is refused', () => {
    const root = tempDir('outputs-');
    const outdir = path.join(root, 'dist');
    expect(() => stagedApp(props, { outdir, stateDirectory: outdir }).app.synth()).toThrow(`stateDirectory (${outdir}) must be outside the output directory ${outdir}: cdk8s synth deletes the output directory before it runs the app, and the state with it`);
    expect(() => stagedApp(props, { outdir, stateDirectory: path.join(outdir, 'web') }).app.synth()).toThrow(`stateDirectory (${path.join(outdir, 'web')}) must be outside the output directory`);
    expect(fs.readdirSync(root)).toEqual([]);
  });

  test('a state file inside a rollout tree is refused as overlapping', () => {
    const root = tempDir('outputs-');
    const dir = path.join(root, 'dist', 'web');
    expect(() => commitOutputs({ root, trees: [{ directory: dir, files: new Map([['plan.json', '{}\n']]) }], files: [{ path: path.join(dir, 'state', 'web.json'), content: '{}' }] }))
      .toThrow(`output file ${path.join(dir, 'state', 'web.json')} lies inside rollout directory ${dir}: outputs must not overlap (a tree is replaced whole)`);
  });

  test.each([
    ['..', '../escape.yaml'],
    ['absolute', '/etc/escape.yaml'],
    ['empty segment', 'base//x.yaml'],
    ['dot', './x.yaml'],
  ])('a tree file name with %s is refused', (_n, name) => {
    const root = tempDir('outputs-');
    const dir = path.join(root, 'dist', 'web');
    expect(() => commitOutputs({ root, trees: [{ directory: dir, files: new Map([[name, 'x: 1\n']]) }], files: [] }))
      .toThrow(`file name ${JSON.stringify(name)} of tree ${dir} must be a relative path without ".", ".." or empty segments: a tree's files stay inside it`);
    expect(fs.readdirSync(root)).toEqual([]);
  });

  test('an output outside its root, or written through a symlinked parent that leaves it, is refused', () => {
    const root = tempDir('outputs-');
    const outside = tempDir('outside-');
    expect(() => commitOutputs({ root, trees: [], files: [{ path: path.join(root, '..', 'x.json'), content: '' }] }))
      .toThrow(`output file ${path.join(root, '..', 'x.json')} must be inside ${root}: an output never leaves its directory`);
    expect(() => commitOutputs({ root, trees: [], files: [{ path: path.join(root, 'dist', 'a.yaml'), content: '', within: path.join(root, 'rollout-state') }] }))
      .toThrow(`output file ${path.join(root, 'dist', 'a.yaml')} must be inside ${path.join(root, 'rollout-state')}`);
    fs.symlinkSync(outside, path.join(root, 'dist'));
    expect(() => commitOutputs({ root, trees: [], files: [{ path: path.join(root, 'dist', 'a.yaml'), content: '' }] }))
      .toThrow(`output file ${path.join(root, 'dist', 'a.yaml')} would be written through the symbolic link ${path.join(root, 'dist')} (-> ${fs.realpathSync(outside)}), which leaves ${root}: replace the link with a directory`);
    expect(fs.readdirSync(outside)).toEqual([]);
  });

  test('a synth whose output directory is a symlink inside the root works', () => {
    const root = tempDir('outputs-');
    fs.mkdirSync(path.join(root, 'real'));
    fs.symlinkSync(path.join(root, 'real'), path.join(root, 'dist'));
    const { app } = stagedApp(props, { outdir: path.join(root, 'dist', 'k8s') });
    app.synth();
    expect(fs.readdirSync(path.join(root, 'real', 'k8s'))).toEqual(['web']);
  });
});
