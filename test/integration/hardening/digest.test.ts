import * as fs from 'fs';
import * as path from 'path';
import { RolloutPlan, StatefulAppProps } from '../../../src';
import { RolloutDirectory } from '../../../src/app/rollout-directory';
import { runCli } from '../../../src/cli/cli';
import { treeDigestOf } from '../../../src/core/revision';
import { readFiles } from '../../../src/io/read-files';
import { readTree, stagedApp, tempDir } from '../../support/synth';

/** Class 8 of issue 13: the digest is over bytes; CRLF checkouts; damaged state files. */

const repo = path.join(__dirname, '..', '..', '..');
const props = (image: string): StatefulAppProps => ({ name: 'web', replicas: 3, containers: [{ name: 'c', image }], rollout: { plan: RolloutPlan.canary() } });

function committed() {
  const root = tempDir('digest-');
  stagedApp(props('nginx:1'), { outdir: path.join(root, 'dist') }).app.synth();
  return { root, dir: path.join(root, 'dist', 'web'), stateFile: path.join(root, 'rollout-state', 'web.json') };
}

function cli(...args: string[]) {
  let out = '';
  let err = '';
  const code = runCli(args, { stdout: t => { out += t; }, stderr: t => { err += t; }, readStdin: () => '' });
  return { code, out, err };
}

describe('the digest hashes bytes', () => {
  test('over bytes it equals the committed digests of every tree in dist/', () => {
    const trees = fs.readdirSync(path.join(repo, 'dist')).filter(d => fs.existsSync(path.join(repo, 'dist', d, 'plan.json')));
    expect(trees.sort()).toEqual(['kubia', 'kubia-bg', 'myapp', 'nginx-statefulset', 'pg-keyvalue', 'sample', 'shop', 'web', 'web-hpa', 'zk']);
    for (const t of trees) {
      const dir = path.join(repo, 'dist', t);
      const bytes = Object.fromEntries(Object.keys(readFiles(dir)).map(f => [f, fs.readFileSync(path.join(dir, f))]));
      const state = JSON.parse(fs.readFileSync(path.join(repo, 'rollout-state', `${t}.json`), 'utf-8'));
      expect({ t, digest: treeDigestOf(bytes) }).toEqual({ t, digest: state.treeDigest });
      expect(treeDigestOf(readFiles(dir))).toBe(state.treeDigest);
    }
  });

  test('a byte edit that decodes to the same text is refused (invalid UTF-8)', () => {
    const { dir } = committed();
    const file = path.join(dir, 'PLAN.md');
    // 0xff and 0xfe both decode to U+FFFD: the text alone cannot tell them apart
    fs.writeFileSync(file, Buffer.concat([fs.readFileSync(file), Buffer.from([0xff])]));
    const before = fs.readFileSync(file);
    expect(() => RolloutDirectory.open(dir)).toThrow(new Error(`${file} is not valid UTF-8: the library writes UTF-8 only; restore it from git or run cdk8s synth`));
    expect(treeDigestOf({ a: Buffer.from([0xff]) })).not.toBe(treeDigestOf({ a: Buffer.from([0xfe]) }));
    expect(fs.readFileSync(file)).toEqual(before);
  });
});

describe('a checkout with CRLF line endings (core.autocrlf)', () => {
  test('a tree that differs only by CRLF is accepted: status, promote and the next open work', () => {
    const { dir } = committed();
    for (const f of Object.keys(readFiles(dir))) {
      const p = path.join(dir, f);
      fs.writeFileSync(p, fs.readFileSync(p, 'utf-8').replace(/\n/g, '\r\n'));
    }
    expect(RolloutDirectory.open(dir).status().activeStage).toBe('hold');
    expect(RolloutDirectory.open(dir).promote({ codeCheck: false }).changedFiles).toEqual(['PLAN.md', 'kustomization.yaml', 'plan.json']);
    expect(fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf-8')).not.toContain('\r');
    expect(fs.readFileSync(path.join(dir, 'base', 'kustomization.yaml'), 'utf-8')).toContain('\r\n');
    expect(RolloutDirectory.open(dir).status().activeStage).toBe('canary');
  });

  test('CRLF plus another edit is refused, naming the line endings as a cause', () => {
    const { dir, stateFile } = committed();
    const p = path.join(dir, 'base', 'kustomization.yaml');
    fs.writeFileSync(p, fs.readFileSync(p, 'utf-8').replace(/\n/g, '\r\n') + '# edit\r\n');
    expect(cli('status', dir)).toEqual({
      code: 1,
      out: '',
      err: expect.stringMatching(new RegExp(`^cdk8s-staged: the tree in ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not the one last written \\(its digest, with the root kustomization.yaml's stage line put back, is sha256:[0-9a-f]{64}, not sha256:[0-9a-f]{64} in ${stateFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\): files were edited, added or removed by hand, and only the stage line of .*/kustomization.yaml may be; restore them from git or run cdk8s synth; base/kustomization.yaml has CRLF line endings \\(git core.autocrlf\\?\\) besides other edits: set core.autocrlf to false or input, or add "\\* text eol=lf" to .gitattributes\\n$`)),
    });
  });
});

describe('damaged state files give errors naming the file and field', () => {
  const cases: Array<{ name: string; edit: (s: any) => void; says: string }> = [
    { name: 'notes an object', edit: s => { s.notes = {}; }, says: 'field notes ({}) must be a list of strings' },
    { name: 'notes missing', edit: s => { delete s.notes; }, says: 'field notes (missing) must be a object' },
    { name: 'files with a number', edit: s => { s.files = ['plan.json', 7]; }, says: 'field files (["plan.json",7]) must be a non-empty list of file names' },
    { name: 'stable without template', edit: s => { delete s.stable.template; }, says: 'field stable.template (missing) must be the pod template (an object with a spec)' },
    { name: 'stable a string', edit: s => { s.stable = 'abc'; }, says: 'field stable ("abc") must be null or an object with revision, images and template' },
    { name: 'candidate images not strings', edit: s => { s.candidate.images = { c: 1 }; }, says: 'field candidate.images ({"c":1}) must be an object of container name -> image' },
    { name: 'lastAbort pods not a list', edit: s => { s.lastAbort = { candidate: 'abcdef0123', images: {}, stage: 'canary', pods: 'web-2' }; }, says: 'field lastAbort.pods ("web-2") must be a list of strings' },
    { name: 'treeDigest not a digest', edit: s => { s.treeDigest = 'md5:0'; }, says: 'field treeDigest ("md5:0") must be "sha256:" and 64 hex digits' },
    { name: 'candidateColor purple', edit: s => { s.candidateColor = 'purple'; }, says: 'field candidateColor ("purple") must be "blue" or "green"' },
  ];

  test.each(cases)('fails $name: status, abort and synth refuse with the field, no TypeError, nothing written', ({ edit, says }) => {
    const { root, dir, stateFile } = committed();
    // a stable revision exists after a completed rollout and a new template
    RolloutDirectory.open(dir).promote({ to: 'complete', force: true, codeCheck: false });
    stagedApp(props('nginx:2'), { outdir: path.join(root, 'dist') }).app.synth();
    const state = JSON.parse(fs.readFileSync(stateFile, 'utf-8'));
    edit(state);
    fs.writeFileSync(stateFile, JSON.stringify(state, undefined, 2) + '\n');
    const before = readTree(root);
    const message = `rollout state ${stateFile} ${says}: restore it from git`;
    expect(cli('status', dir)).toEqual({ code: 1, out: '', err: `cdk8s-staged: ${message}\n` });
    expect(cli('abort', dir)).toEqual({ code: 1, out: '', err: `cdk8s-staged: ${message}\n` });
    expect(() => stagedApp(props('nginx:2'), { outdir: path.join(root, 'dist') }).app.synth()).toThrow(new Error(message));
    expect(readTree(root)).toEqual(before);
  });
});
