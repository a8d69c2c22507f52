import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Chart } from 'cdk8s';
import { RolloutPlan, StagedApp, StatefulApp } from '../../../src';
import { BACKGROUND_AFTER_FILES, JOURNAL_FILE, OutputWriter, recoverInterruptedCommit } from '../../../src/io/atomic-write';
import { BackgroundStager } from '../../../src/io/background-stager';
import { withWriteLock } from '../../../src/io/write-lock';
import { readTree, tempDir } from '../../support/synth';

/**
 * The synth writes each rollout's tree to its temporary sibling as soon as it is rendered (issue 17):
 * a refusal of a later rollout still leaves everything as it was, and a killed writer's staged trees,
 * which no journal step lists yet, are removed by the next writer.
 */

/** A StagedApp with the StatefulApps `a` and `b` (images `image`), writing to root/dist and root/rollout-state. */
function twoApps(root: string, image: string): StagedApp {
  const app = new StagedApp({ outdir: path.join(root, 'dist'), stateDirectory: path.join(root, 'rollout-state') });
  for (const name of ['a', 'b']) {
    new StatefulApp(new Chart(app, `chart-${name}`), name, { replicas: 3, containers: [{ name: 'c', image }], rollout: { plan: RolloutPlan.canary() } });
  }
  return app;
}

/** Every entry below `root` whose name the writer uses for its temporary files and journal. */
function leftovers(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith('.staged-') || e.name.startsWith(JOURNAL_FILE)) out.push(path.relative(root, path.join(d, e.name)));
      if (e.isDirectory()) walk(path.join(d, e.name));
    }
  };
  walk(root);
  return out.sort();
}

describe('the streaming writer of the synth', () => {
  test('the second rollout refused after the first was staged: the committed trees and states are unchanged, nothing left over', () => {
    const root = tempDir('stream-');
    twoApps(root, 'nginx:1').synth();
    const before = readTree(root);
    // a file the library did not write in b's tree: refused while b renders, after a's tree was staged
    fs.writeFileSync(path.join(root, 'dist', 'b', 'notes.txt'), 'mine\n');
    const withForeign = readTree(root);
    expect(() => twoApps(root, 'nginx:2').synth()).toThrow(`the rollout directory ${path.join(root, 'dist', 'b')} holds files this library did not write: notes.txt`);
    expect(readTree(root)).toEqual(withForeign);
    expect(leftovers(root)).toEqual([]);
    fs.rmSync(path.join(root, 'dist', 'b', 'notes.txt'));
    expect(readTree(root)).toEqual(before);
  });

  test('objects are checked as their trees render, yet a collision names the two objects in construct order, as a check of all objects first does', () => {
    const root = tempDir('stream-');
    const app = new StagedApp({ outdir: path.join(root, 'dist'), stateDirectory: path.join(root, 'rollout-state') });
    // outside every tree, first in construct order; rendered after the tree of b, whose Service it repeats
    new ApiObject(new Chart(app, 'chart-one'), 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'b' } });
    new StatefulApp(new Chart(app, 'chart-b'), 'b', { replicas: 3, containers: [{ name: 'c', image: 'nginx:1' }], rollout: { plan: RolloutPlan.canary() } });
    expect(() => app.synth()).toThrow('Service "b" is emitted twice, by chart-one/svc and chart-b/b/Service: the API server keeps one object per kind, namespace and name; rename one of them');
    expect(fs.readdirSync(root)).toEqual([]);
  });

  test('a rollout refused before a later object fails its check: the object\'s refusal is the one given, as when every object is checked first', () => {
    const root = tempDir('stream-');
    twoApps(root, 'nginx:1').synth();
    fs.writeFileSync(path.join(root, 'dist', 'a', 'notes.txt'), 'mine\n');
    const before = readTree(root);
    const app = twoApps(root, 'nginx:2');
    new ApiObject(new Chart(app, 'chart-z', { namespace: 'Not_A_Label' }), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'z' } });
    expect(() => app.synth()).toThrow('[chart-z/cm] ConfigMap "z": metadata.namespace ("Not_A_Label") must be a DNS-1123 label');
    expect(readTree(root)).toEqual(before);
    expect(leftovers(root)).toEqual([]);
  });

  test('a first synth refused at its second rollout creates no output directory', () => {
    const root = tempDir('stream-');
    fs.mkdirSync(path.join(root, 'rollout-state'));
    // b's state file is not a state file: refused while b renders, after a's tree was staged in dist/
    fs.writeFileSync(path.join(root, 'rollout-state', 'b.json'), 'not json\n');
    expect(() => twoApps(root, 'nginx:1').synth()).toThrow('b.json');
    expect(fs.readdirSync(root).sort()).toEqual(['rollout-state']);
    expect(fs.readdirSync(path.join(root, 'rollout-state'))).toEqual(['b.json']);
  });

  test('the synth writes what the same trees written at once would be', () => {
    const streamed = tempDir('stream-');
    twoApps(streamed, 'nginx:1').synth();
    const files = twoApps(tempDir('stream-'), 'nginx:1').renderFiles();
    const tree = readTree(streamed);
    for (const [dir, content] of Object.entries(files)) {
      for (const [file, text] of Object.entries(content)) {
        expect({ file: `${dir}/${file}`, text: tree[path.join('dist', dir, file)] }).toEqual({ file: `${dir}/${file}`, text });
      }
    }
    expect(Object.keys(tree).filter(f => f.startsWith('rollout-state')).sort()).toEqual([path.join('rollout-state', 'a.json'), path.join('rollout-state', 'b.json')]);
  });

  test('a writer killed while staging (its journal names only its directories): the next writer removes its staged trees and nothing else', () => {
    const root = tempDir('stream-');
    const dist = path.join(root, 'dist');
    fs.mkdirSync(dist);
    fs.mkdirSync(path.join(dist, 'keep'));
    fs.writeFileSync(path.join(dist, 'keep', 'file.yaml'), 'x: 1\n');
    withWriteLock(root, () => {
      const writer = OutputWriter.begin(root, { stagingDirectories: [dist] });
      writer.addTree({ directory: path.join(dist, 'web'), files: new Map([['plan.json', '{}\n'], ['base/kustomization.yaml', 'resources: []\n']]) });
      // what a kill -9 here leaves: the staging journal and the staged tree
      const journal = JSON.parse(fs.readFileSync(path.join(root, JOURNAL_FILE), 'utf-8'));
      expect({ phase: journal.phase, steps: journal.steps, stagingDirectories: journal.stagingDirectories }).toEqual({ phase: 'staging', steps: [], stagingDirectories: [dist] });
      const staged = fs.readdirSync(dist).filter(e => e.startsWith('.staged-tmp-'));
      expect(staged).toEqual([`.staged-tmp-${journal.id}-0-web`]);
      expect(readTree(path.join(dist, staged[0]))).toEqual({ 'plan.json': '{}\n', [path.join('base', 'kustomization.yaml')]: 'resources: []\n' });
      // another commit's staged tree (another id) is not this journal's to remove
      fs.mkdirSync(path.join(dist, '.staged-tmp-1-zz-0-other'));
      expect(recoverInterruptedCommit(root)).toBe('rolled back');
    });
    expect(fs.readdirSync(dist).sort()).toEqual(['.staged-tmp-1-zz-0-other', 'keep']);
    expect(fs.existsSync(path.join(root, JOURNAL_FILE))).toBe(false);
  });

  test('a journal whose staging directories leave the root is refused, nothing removed', () => {
    const root = tempDir('stream-');
    const outside = tempDir('stream-outside-');
    fs.mkdirSync(path.join(outside, '.staged-tmp-1-ab-0-x'));
    fs.writeFileSync(path.join(root, JOURNAL_FILE), JSON.stringify({ schemaVersion: 1, phase: 'staging', pid: 1, steps: [], id: '1-ab', stagingDirectories: [outside] }));
    expect(() => withWriteLock(root, () => undefined)).toThrow(`has staging directories (${JSON.stringify([outside])}) that are not directories inside ${root}`);
    expect(fs.readdirSync(outside)).toEqual(['.staged-tmp-1-ab-0-x']);
  });

  test('an OutputWriter refuses a second tree inside the first, before staging it', () => {
    const root = tempDir('stream-');
    withWriteLock(root, () => {
      const writer = OutputWriter.begin(root);
      writer.addTree({ directory: path.join(root, 'dist', 'web'), files: new Map([['plan.json', '{}\n']]) });
      expect(() => writer.addTree({ directory: path.join(root, 'dist', 'web', 'inner'), files: new Map([['plan.json', '{}\n']]) }))
        .toThrow(`rollout directory ${path.join(root, 'dist', 'web', 'inner')} lies inside rollout directory ${path.join(root, 'dist', 'web')}`);
      expect(() => writer.commit()).toThrow(`this commit in ${root} is aborted`);
    });
    expect(fs.readdirSync(root)).toEqual([]);
  });

  test('a file that overlaps no output is staged when added: its temporary sibling is there before the commit, the file only after', () => {
    const root = tempDir('stream-');
    const state = path.join(root, 'rollout-state', 'web.json');
    withWriteLock(root, () => {
      const writer = OutputWriter.begin(root, { stagingDirectories: [path.join(root, 'dist'), path.join(root, 'rollout-state')] });
      writer.addTree({ directory: path.join(root, 'dist', 'web'), files: new Map([['plan.json', '{}\n']]) });
      writer.addFile({ path: state, content: '{"web":1}\n' });
      const staged = fs.readdirSync(path.dirname(state));
      expect([staged.length, staged[0].startsWith('.staged-'), staged[0].endsWith('-1-web.json')]).toEqual([1, true, true]);
      expect(fs.readFileSync(path.join(path.dirname(state), staged[0]), 'utf-8')).toBe('{"web":1}\n');
      expect(fs.existsSync(state)).toBe(false);
      writer.commit();
    });
    expect(readTree(root)).toEqual({ [path.join('dist', 'web', 'plan.json')]: '{}\n', [path.join('rollout-state', 'web.json')]: '{"web":1}\n' });
    expect(leftovers(root)).toEqual([]);
  });

  test('a file inside a tree added before is not staged; the commit refuses it as the check of all outputs does, nothing left', () => {
    const root = tempDir('stream-');
    withWriteLock(root, () => {
      const writer = OutputWriter.begin(root, { stagingDirectories: [path.join(root, 'dist')] });
      writer.addTree({ directory: path.join(root, 'dist', 'web'), files: new Map([['plan.json', '{}\n']]) });
      writer.addFile({ path: path.join(root, 'dist', 'web', 'extra.yaml'), content: 'x: 1\n' });
      expect(fs.existsSync(path.join(root, 'dist', 'web'))).toBe(false);
      expect(() => writer.commit()).toThrow(`output file ${path.join(root, 'dist', 'web', 'extra.yaml')} lies inside rollout directory ${path.join(root, 'dist', 'web')}`);
    });
    expect(fs.readdirSync(root)).toEqual([]);
  });

  test('a tree that holds a file staged before is refused when added, the staged file removed', () => {
    const root = tempDir('stream-');
    withWriteLock(root, () => {
      const writer = OutputWriter.begin(root, { stagingDirectories: [path.join(root, 'dist'), path.join(root, 'dist', 'web')] });
      writer.addFile({ path: path.join(root, 'dist', 'web', 'extra.yaml'), content: 'x: 1\n' });
      expect(fs.readdirSync(path.join(root, 'dist', 'web')).length).toBe(1);
      expect(() => writer.addTree({ directory: path.join(root, 'dist', 'web'), files: new Map([['plan.json', '{}\n']]) }))
        .toThrow(`output file ${path.join(root, 'dist', 'web', 'extra.yaml')} lies inside rollout directory ${path.join(root, 'dist', 'web')}`);
      expect(() => writer.commit()).toThrow(`this commit in ${root} is aborted`);
    });
    expect(fs.readdirSync(root)).toEqual([]);
  });
});

/** `count` trees dist/t-<i> of three files each, one of them naming `i` and `tag`. */
function trees(root: string, count: number, tag: string): Array<{ directory: string; files: Map<string, string> }> {
  return Array.from({ length: count }, (_, i) => ({
    directory: path.join(root, 'dist', `t-${i}`),
    files: new Map([['plan.json', `{"tree":${i},"tag":"${tag}","note":"äé ✓ 𝄞"}\n`], ['base/kustomization.yaml', 'resources: []\n'], ['stages/00-hold/kustomization.yaml', `resources:\n  - ../../base # ${tag}\n`]]),
  }));
}

/** Commit `list` in one OutputWriter that hands trees to its worker thread after `after` files. */
function commitTrees(root: string, list: Array<{ directory: string; files: Map<string, string> }>, after: number, file?: { path: string; content: string }, expectFiles?: number): void {
  withWriteLock(root, () => {
    const writer = OutputWriter.begin(root, { stagingDirectories: [path.join(root, 'dist')], backgroundAfterFiles: after });
    if (expectFiles !== undefined) writer.expectFiles(expectFiles);
    for (const t of list) writer.addTree(t);
    if (file) writer.addFile(file);
    writer.commit();
  });
}

describe('the worker thread that stages the trees of a large commit', () => {
  test('trees staged by the worker (more than its backlog of 256 trees) are the same bytes as trees staged on the main thread, and replace the old ones whole', () => {
    const onMain = tempDir('stream-bg-');
    const inWorker = tempDir('stream-bg-');
    const mixed = tempDir('stream-bg-');
    // the count announced up front reaches the threshold: the worker starts before the first tree
    const announced = tempDir('stream-bg-');
    for (const [root, after, expectFiles] of [[onMain, Infinity], [inWorker, 0], [mixed, 30], [announced, 600, 900]] as Array<[string, number, number?]>) {
      commitTrees(root, trees(root, 300, 'one'), after, undefined, expectFiles);
      commitTrees(root, trees(root, 300, 'two'), after, { path: path.join(root, 'state.json'), content: '{"tag":"two"}\n' }, expectFiles);
    }
    const expected = readTree(onMain);
    expect(Object.keys(expected).length).toBe(300 * 3 + 1);
    expect(expected[path.join('dist', 't-299', 'plan.json')]).toBe('{"tree":299,"tag":"two","note":"äé ✓ 𝄞"}\n');
    expect(expected[path.join('dist', 't-7', 'stages', '00-hold', 'kustomization.yaml')]).toBe('resources:\n  - ../../base # two\n');
    expect(readTree(inWorker)).toEqual(expected);
    expect(readTree(mixed)).toEqual(expected);
    expect(readTree(announced)).toEqual(expected);
    for (const root of [onMain, inWorker, mixed, announced]) expect(leftovers(root)).toEqual([]);
  });

  test('a tree the worker cannot write aborts the whole commit: the trees before it, staged on either thread, are removed and the old trees stay', () => {
    const root = tempDir('stream-bg-');
    commitTrees(root, trees(root, 10, 'one'), Infinity);
    const before = readTree(root);
    const list = trees(root, 10, 'two');
    // a file and a directory of the same name: the worker's mkdir of t-8/plan.json/ fails on the file
    list[8].files.set('plan.json/inner.yaml', 'x: 1\n');
    expect(() => commitTrees(root, list, 9)).toThrow(/EEXIST|EISDIR|ENOTDIR/);
    expect(readTree(root)).toEqual(before);
    expect(leftovers(root)).toEqual([]);
  });

  test('a refusal on the main thread while the worker stages: the worker finishes, then everything staged is removed', () => {
    const root = tempDir('stream-bg-');
    commitTrees(root, trees(root, 5, 'one'), Infinity);
    const before = readTree(root);
    withWriteLock(root, () => {
      const writer = OutputWriter.begin(root, { stagingDirectories: [path.join(root, 'dist')], backgroundAfterFiles: 0 });
      for (const t of trees(root, 30, 'two').slice(5)) writer.addTree(t);
      expect(() => writer.addTree({ directory: path.join(root, 'dist', 't-9', 'inner'), files: new Map([['plan.json', '{}\n']]) }))
        .toThrow(`rollout directory ${path.join(root, 'dist', 't-9', 'inner')} lies inside rollout directory ${path.join(root, 'dist', 't-9')}`);
    });
    expect(readTree(root)).toEqual(before);
    expect(leftovers(root)).toEqual([]);
  });

  test(`a synth of more than ${BACKGROUND_AFTER_FILES} files writes what renderFiles renders`, () => {
    const root = tempDir('stream-bg-');
    const build = (image: string) => {
      const app = new StagedApp({ outdir: path.join(root, 'dist'), stateDirectory: path.join(root, 'rollout-state') });
      for (let i = 0; i < 220; i++) {
        new StatefulApp(new Chart(app, `chart-${i}`), `app-${i}`, { replicas: 3, containers: [{ name: 'c', image }], rollout: { plan: RolloutPlan.canary() } });
      }
      return app;
    };
    build('nginx:1').synth();
    const files = build('nginx:2').renderFiles();
    const count = Object.values(files).reduce((n, f) => n + Object.keys(f).length, 0);
    expect(count).toBeGreaterThan(BACKGROUND_AFTER_FILES);
    build('nginx:2').synth();
    const tree = readTree(root);
    for (const [dir, content] of Object.entries(files)) {
      for (const [file, text] of Object.entries(content)) {
        expect({ file: `${dir}/${file}`, text: tree[path.join('dist', dir, file)] }).toEqual({ file: `${dir}/${file}`, text });
      }
    }
    expect(Object.keys(tree).filter(f => f.startsWith('dist')).length).toBe(count);
    expect(leftovers(root)).toEqual([]);
  });
});

describe('a worker thread that stops', () => {
  test('drain gives up after the stall time instead of waiting forever, naming what was written; close does not wait again', async () => {
    const root = tempDir('stream-bg-');
    const stager = BackgroundStager.start(300);
    // the thread ends (as one that died would): nothing will ever be written
    await (stager as any).worker.terminate();
    stager.stage({ tmp: path.join(root, '.staged-tmp-1-a-0-web'), dirs: ['base'], files: new Map([['plan.json', '{}\n']]) });
    const started = Date.now();
    expect(() => stager.drain()).toThrow('the thread writing the temporary trees wrote nothing for 0.3 s (0 of 1 trees written): it stopped, or the disk does not answer; nothing was replaced');
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    const closing = Date.now();
    stager.close();
    expect(Date.now() - closing).toBeLessThan(300);
    expect(fs.readdirSync(root)).toEqual([]);
  });
});
