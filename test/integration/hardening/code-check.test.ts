import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { alive, compiledLibrary, runChild, waitFor } from './support/child';
import { RolloutPlan, StatefulAppProps } from '../../../src';
import { RolloutDirectory } from '../../../src/app/rollout-directory';
import { MAX_MESSAGE_BYTES, renderFromCode } from '../../../src/io/code-check';
import { readFiles } from '../../../src/io/read-files';
import { readTree, stagedApp, tempDir } from '../../support/synth';

/** Class 4 of issue 13: the code check is confined to the repository, bounded in time and output. */
jest.setTimeout(120_000);

const props: StatefulAppProps = { name: 'web', replicas: 3, containers: [{ name: 'c', image: 'nginx:1' }], rollout: { plan: RolloutPlan.canary() } };

/** A repository (a `.git` directory) with a committed tree in dist/web and a cdk8s.yaml running `app`. */
function repo(app: string, files: { [name: string]: string } = {}, parent = tempDir('check-')) {
  const root = path.join(parent, 'repo');
  fs.mkdirSync(path.join(root, '.git'), { recursive: true });
  stagedApp(props, { outdir: path.join(root, 'dist') }).app.synth();
  fs.writeFileSync(path.join(root, 'cdk8s.yaml'), `language: typescript\napp: ${app}\noutput: dist\n`);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(root, name), text);
  return { root, dir: path.join(root, 'dist', 'web') };
}

/** An app that records its pid and a grandchild's, then never ends. */
const SLEEPER = `
const { spawn } = require('child_process');
const fs = require('fs');
const g = spawn('sleep', ['1000'], { stdio: 'ignore' });
fs.writeFileSync('pids', process.pid + ' ' + g.pid);
setInterval(() => {}, 1000);
`;

function pids(root: string): number[] {
  return fs.readFileSync(path.join(root, 'pids'), 'utf-8').split(' ').map(Number);
}

describe('the code check', () => {
  test('never looks for cdk8s.yaml above the repository root', () => {
    const outer = tempDir('check-outer-');
    fs.writeFileSync(path.join(outer, 'cdk8s.yaml'), 'app: node -e "require(\'fs\').writeFileSync(\'ran\', \'\')"\noutput: repo/dist\n');
    const root = path.join(outer, 'repo');
    fs.mkdirSync(path.join(root, '.git'), { recursive: true });
    stagedApp(props, { outdir: path.join(root, 'dist') }).app.synth();
    const dir = path.join(root, 'dist', 'web');
    expect(() => renderFromCode(dir)).toThrow(new Error(`no cdk8s.yaml above ${dir} inside the repository ${root}: cannot check the tree against the code (pass --no-code-check to skip the check)`));
    expect(fs.existsSync(path.join(outer, 'ran'))).toBe(false);
  });

  test('an app that does not finish in time is stopped with its whole process group', async () => {
    const { root, dir } = repo('node sleeper.js', { 'sleeper.js': SLEEPER });
    expect(() => renderFromCode(dir, { timeoutSeconds: 1 })).toThrow(new Error('the cdk8s app (node sleeper.js) did not finish within 1 s while checking the tree against the code: it was stopped (set CDK8S_STAGED_CHECK_TIMEOUT to allow more seconds, or pass --no-code-check)'));
    const [app, grandchild] = pids(root);
    await waitFor(() => !alive(app) && !alive(grandchild), 10_000);
  });

  test('CDK8S_STAGED_CHECK_TIMEOUT sets the timeout, and a bad value is refused', () => {
    const { dir } = repo('node sleeper.js', { 'sleeper.js': SLEEPER });
    process.env.CDK8S_STAGED_CHECK_TIMEOUT = 'soon';
    try {
      expect(() => renderFromCode(dir)).toThrow(new Error('CDK8S_STAGED_CHECK_TIMEOUT ("soon") must be a number of seconds > 0'));
      process.env.CDK8S_STAGED_CHECK_TIMEOUT = '0.5';
      expect(() => renderFromCode(dir)).toThrow('did not finish within 0.5 s');
    } finally {
      delete process.env.CDK8S_STAGED_CHECK_TIMEOUT;
    }
  });

  test('when the CLI is terminated (SIGTERM) the app and its children end too', async () => {
    const { root, dir } = repo('node sleeper.js', { 'sleeper.js': SLEEPER });
    const run = runChild(`require(require('path').join(LIB_DIR, 'src', 'io', 'code-check')).renderFromCode(${JSON.stringify(dir)});`);
    await waitFor(() => fs.existsSync(path.join(root, 'pids')));
    const [app, grandchild] = pids(root);
    expect(alive(app)).toBe(true);
    process.kill(run.pid!, 'SIGTERM');
    expect((await run).signal).toBe('SIGTERM');
    await waitFor(() => !alive(app) && !alive(grandchild), 10_000);
  });

  test('an app that prints megabytes passes when its tree matches', () => {
    const { dir } = repo('node big.js', {
      'big.js': `
const fs = require('fs');
for (let i = 0; i < 48; i++) process.stdout.write('x'.repeat(65536) + '\\n');
fs.cpSync('dist/web', require('path').join(process.env.CDK8S_STAGED_CHECK_OUTDIR, 'web'), { recursive: true });
`,
    });
    expect(renderFromCode(dir)).toEqual(readFiles(dir));
  });

  test('a failing app\'s message is its error, capped to the last 4 KB', () => {
    const { dir } = repo('node fail.js', {
      'fail.js': `
for (let i = 0; i < 48; i++) process.stdout.write('noise '.repeat(10000) + '\\n');
throw new Error('y'.repeat(10000) + ' the end');
`,
    });
    let message = '';
    try {
      renderFromCode(dir);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.startsWith('the cdk8s app (node fail.js) failed (exit 1) while checking the tree against the code: [earlier output omitted] yyy')).toBe(true);
    expect(message.endsWith('y the end')).toBe(true);
    expect(Buffer.byteLength(message)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES + 200);
    expect(message).not.toContain('noise');
  });

  test('an app that passes outdir: \'dist\' writes only into the check\'s directory: a refused promote leaves the tree unchanged', () => {
    const lib = compiledLibrary();
    const parent = tempDir('check-outdir-');
    const root = path.join(parent, 'repo');
    fs.mkdirSync(path.join(root, '.git'), { recursive: true });
    const appJs = `
const fs = require('fs');
const LIB = require(${JSON.stringify(path.join(lib, 'src'))});
const { Chart } = require(${JSON.stringify(path.join(lib, 'node_modules', 'cdk8s'))});
const image = fs.readFileSync('image.txt', 'utf-8').trim();
const app = new LIB.StagedApp({ outdir: 'dist' });
new LIB.StatefulApp(new Chart(app, 'chart'), 'app', { name: 'web', replicas: 3, containers: [{ name: 'c', image }], rollout: { plan: LIB.RolloutPlan.canary() } });
app.synth();
`;
    fs.writeFileSync(path.join(root, 'app.js'), appJs);
    fs.writeFileSync(path.join(root, 'cdk8s.yaml'), 'app: node app.js\noutput: dist\n');
    fs.writeFileSync(path.join(root, 'image.txt'), 'nginx:1\n');
    execFileSync(process.execPath, ['app.js'], { cwd: root, env: { ...process.env, CDK8S_STAGED_TEST_CRASH_AT: '' } });
    const dir = path.join(root, 'dist', 'web');
    // the code changes, the tree is not synthesized again: the check refuses, and changes nothing
    fs.writeFileSync(path.join(root, 'image.txt'), 'nginx:2\n');
    const before = readTree(root);
    expect(() => RolloutDirectory.open(dir).promote()).toThrow(`the tree in ${dir} is stale against the code: cdk8s synth would change PLAN.md, base/statefulset-web.yaml, plan.json; run cdk8s synth, review and commit, then promote`);
    expect(readTree(root)).toEqual(before);
    // with the code as committed, the check passes and the promote goes through
    fs.writeFileSync(path.join(root, 'image.txt'), 'nginx:1\n');
    expect(RolloutDirectory.open(dir).promote().to).toBe('canary');
  });
});
