import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { alive, runChild, waitFor } from './support/child';
import { RolloutPlan, StatefulAppProps } from '../../../src';
import { RolloutDirectory } from '../../../src/app/rollout-directory';
import { JOURNAL_FILE } from '../../../src/io/atomic-write';
import { LOCK_FILE, withWriteLock } from '../../../src/io/write-lock';
import { readTree, stagedApp, tempDir } from '../../support/synth';

/**
 * Class 3 of issue 13: kill -9 at every step of a commit, in a real child process, then a reader sees
 * exactly the old or the new tree and state, and the next operation cleans up; one writer at a time.
 */
jest.setTimeout(180_000);

const props = (image: string): StatefulAppProps => ({ name: 'web', replicas: 3, containers: [{ name: 'c', image }], rollout: { plan: RolloutPlan.canary() } });

/** root/dist/web and root/rollout-state/web.json, synthesized with nginx:1. */
function committed(): string {
  const root = tempDir('crash-');
  stagedApp(props('nginx:1'), { outdir: path.join(root, 'dist') }).app.synth();
  return root;
}

/** A child that synthesizes nginx:2 into ROOT (the same app as `stagedApp`), or promotes ROOT/dist/web. */
const SCRIPT = `
const path = require('path');
const { Chart } = require(path.join(LIB_DIR, 'node_modules', 'cdk8s'));
const root = process.env.ROOT;
if (process.env.MODE === 'synth') {
  const app = new LIB.StagedApp({ outdir: path.join(root, 'dist'), stateDirectory: path.join(root, 'rollout-state') });
  const chart = new Chart(app, 'chart');
  new LIB.StatefulApp(chart, 'app', { name: 'web', replicas: 3, containers: [{ name: 'c', image: 'nginx:2' }], rollout: { plan: LIB.RolloutPlan.canary() } });
  app.synth();
} else {
  LIB.RolloutDirectory.open(path.join(root, 'dist', 'web')).promote({ codeCheck: false });
}
`;

function child(mode: 'synth' | 'promote' | 'hold', root: string, env: { [k: string]: string } = {}) {
  const body = mode === 'hold'
    // a synth that holds the lock of the repository for HOLD_MS before and while it writes
    ? `const path = require('path');
       const { withWriteLock } = require(path.join(LIB_DIR, 'src', 'io', 'write-lock'));
       withWriteLock(process.env.ROOT, () => {
         require('fs').writeFileSync(path.join(process.env.ROOT, 'holding'), String(process.pid));
         Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.env.HOLD_MS));
         process.env.MODE = 'synth';
         ${SCRIPT.replace("const path = require('path');", '')}
       });`
    : SCRIPT;
  return runChild(body, { ROOT: root, MODE: mode, ...env });
}

/** Every .staged-*, journal and lock entry below root. */
function leftovers(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith('.staged-') || e.name === JOURNAL_FILE || e.name === LOCK_FILE || e.name.startsWith(`${JOURNAL_FILE}.`)) out.push(path.relative(root, path.join(d, e.name)));
      if (e.isDirectory()) walk(path.join(d, e.name));
    }
  };
  walk(root);
  return out.sort();
}

/** The tree and state after the same operation without a crash. */
function reference(mode: 'synth' | 'promote'): { [file: string]: string } {
  const root = committed();
  if (mode === 'synth') stagedApp(props('nginx:2'), { outdir: path.join(root, 'dist') }).app.synth();
  else RolloutDirectory.open(path.join(root, 'dist', 'web')).promote({ codeCheck: false });
  return readTree(root);
}

describe('kill -9 at every step of a commit', () => {
  const synthSteps: Array<[string, 'old' | 'new']> = [
    ['journal-staging', 'old'], ['staged', 'old'], ['committed', 'new'],
    ['rename-1', 'new'], ['rename-2', 'new'], ['rename-3', 'new'], ['renamed', 'new'], ['cleaned', 'new'],
  ];
  const promoteSteps: Array<[string, 'old' | 'new']> = [
    ['journal-staging', 'old'], ['staged', 'old'], ['committed', 'new'],
    ['rename-1', 'new'], ['rename-2', 'new'], ['rename-3', 'new'], ['rename-4', 'new'], ['renamed', 'new'], ['cleaned', 'new'],
  ];

  test.each([['synth', synthSteps], ['promote', promoteSteps]] as Array<['synth' | 'promote', Array<[string, 'old' | 'new']>]>)('a %s killed at each step: a reader sees the old or the new tree and state, whole, and nothing is left over', async (mode, steps) => {
    const after = reference(mode);
    const runs = steps.map(([step, expected]) => {
      const root = committed();
      return { step, expected, root, before: readTree(root), run: child(mode, root, { CDK8S_STAGED_TEST_CRASH_AT: step }) };
    });
    const seen: string[] = [];
    for (const r of runs) {
      const result = await r.run;
      expect({ step: r.step, signal: result.signal, stderr: result.stderr }).toEqual({ step: r.step, signal: 'SIGKILL', stderr: '' });
      // the killed writer left its lock (and, but for the last steps, a journal) behind
      expect(fs.existsSync(path.join(r.root, LOCK_FILE))).toBe(true);
      // the reader settles the interrupted commit, then reads a whole tree
      const opened = RolloutDirectory.open(path.join(r.root, 'dist', 'web'));
      expect(opened.status().candidate.images).toEqual({ c: r.expected === 'new' && mode === 'synth' ? 'nginx:2' : 'nginx:1' });
      expect(leftovers(r.root)).toEqual([]);
      expect({ step: r.step, tree: readTree(r.root) }).toEqual({ step: r.step, tree: r.expected === 'new' ? after : r.before });
      seen.push(`${r.step}:${r.expected}`);
    }
    expect(seen).toEqual(steps.map(([s, e]) => `${s}:${e}`));
  });

  test('the next synth (not a reader) recovers a synth killed between renames, and its result stands', async () => {
    const after = reference('synth');
    const root = committed();
    const result = await child('synth', root, { CDK8S_STAGED_TEST_CRASH_AT: 'rename-1' });
    expect(result.signal).toBe('SIGKILL');
    // the tree is moved away, the journal says what to do
    expect(fs.existsSync(path.join(root, 'dist', 'web'))).toBe(false);
    expect(fs.existsSync(path.join(root, JOURNAL_FILE))).toBe(true);
    stagedApp(props('nginx:2'), { outdir: path.join(root, 'dist') }).app.synth();
    expect(leftovers(root)).toEqual([]);
    expect(readTree(root)).toEqual(after);
  });

  test('copies an earlier writer left (.staged-tmp-<pid>-<n>-<name>, no journal) are removed by the next synth', () => {
    const root = committed();
    const before = readTree(root);
    fs.mkdirSync(path.join(root, 'dist', '.staged-tmp-999999-0-web'));
    fs.writeFileSync(path.join(root, 'dist', '.staged-tmp-999999-0-web', 'plan.json'), '{}');
    fs.writeFileSync(path.join(root, 'rollout-state', '.staged-tmp-999999-1-web.json'), '{}');
    stagedApp(props('nginx:1'), { outdir: path.join(root, 'dist') }).app.synth();
    expect(leftovers(root)).toEqual([]);
    expect(readTree(root)).toEqual(before);
  });
});

describe('kill -9 while the worker thread stages the trees of a large synth', () => {
  test('the process dies with its worker; the next writer removes every staged tree and the old trees stay whole', async () => {
    const root = tempDir('crash-bg-');
    // 220 rollouts of 10 files: past BACKGROUND_AFTER_FILES (2000), so the synth starts the worker when it has
    // counted its rollouts and the worker stages the trees (its crash point is only there)
    const script = `
const path = require('path');
const { Chart } = require(path.join(LIB_DIR, 'node_modules', 'cdk8s'));
const root = process.env.ROOT;
const app = new LIB.StagedApp({ outdir: path.join(root, 'dist'), stateDirectory: path.join(root, 'rollout-state') });
for (let i = 0; i < 220; i++) {
  new LIB.StatefulApp(new Chart(app, 'chart-' + i), 'app-' + i, { replicas: 3, containers: [{ name: 'c', image: process.env.IMAGE }], rollout: { plan: LIB.RolloutPlan.canary() } });
}
app.synth();
`;
    const first = await runChild(script, { ROOT: root, IMAGE: 'nginx:1' });
    expect({ status: first.status, stderr: first.stderr }).toEqual({ status: 0, stderr: '' });
    const before = readTree(root);
    // each tree and its state file
    expect(Object.keys(before).length).toBe(220 * 11);
    const killed = await runChild(script, { ROOT: root, IMAGE: 'nginx:2', CDK8S_STAGED_TEST_CRASH_AT: 'background-staged' });
    expect({ signal: killed.signal, stderr: killed.stderr }).toEqual({ signal: 'SIGKILL', stderr: '' });
    // the worker had staged a tree: the staging journal and temporary trees are left behind
    expect(leftovers(root).filter(e => e.startsWith(path.join('dist', '.staged-tmp-'))).length).toBeGreaterThan(0);
    expect(leftovers(root)).toContain(JOURNAL_FILE);
    withWriteLock(root, () => undefined);
    expect(leftovers(root)).toEqual([]);
    expect(readTree(root)).toEqual(before);
  });
});

describe('one writer at a time', () => {
  test('two promotes of one tree opened together: the second is refused, not lost', () => {
    const root = committed();
    const dir = path.join(root, 'dist', 'web');
    const a = RolloutDirectory.open(dir);
    const b = RolloutDirectory.open(dir);
    expect(a.promote({ codeCheck: false }).to).toBe('canary');
    const afterFirst = readTree(root);
    expect(() => b.promote({ codeCheck: false })).toThrow(`${dir} changed on disk since this RolloutDirectory read or wrote it (PLAN.md, kustomization.yaml, plan.json, ${path.join(path.dirname(path.dirname(dir)), 'rollout-state', 'web.json')}): open it again with RolloutDirectory.open`);
    expect(readTree(root)).toEqual(afterFirst);
    expect(RolloutDirectory.open(dir).status().activeStage).toBe('canary');
  });

  test('a promote while a synth holds the lock is refused naming the holder; the synth then stands, and the promote goes on from it', async () => {
    const root = committed();
    const dir = path.join(root, 'dist', 'web');
    const opened = RolloutDirectory.open(dir);
    const run = child('hold', root, { HOLD_MS: '3000' });
    await waitFor(() => fs.existsSync(path.join(root, 'holding')));
    const pid = Number(fs.readFileSync(path.join(root, 'holding'), 'utf-8'));
    const before = readTree(root);
    let message = '';
    try {
      opened.promote({ codeCheck: false });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(new RegExp(`^another writer holds the write lock ${root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/\\.cdk8s-staged\\.lock: pid ${pid} on this host \\(${os.hostname()}\\), since [0-9T:.Z-]+ \\(.*\\); wait for it to finish and try again$`));
    expect(readTree(root)).toEqual(before);
    const result = await run;
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    fs.rmSync(path.join(root, 'holding'));
    // the synth's new template is at hold; the promotion opened before it is refused, a fresh one works
    expect(() => opened.promote({ codeCheck: false })).toThrow('changed on disk since this RolloutDirectory read or wrote it');
    const fresh = RolloutDirectory.open(dir);
    expect(fresh.status().candidate.images).toEqual({ c: 'nginx:2' });
    expect(fresh.promote({ codeCheck: false }).to).toBe('canary');
    expect(leftovers(root)).toEqual([]);
  });

  test('a synth while another process holds the lock is refused and writes nothing', async () => {
    const root = committed();
    const run = child('hold', root, { HOLD_MS: '2000' });
    await waitFor(() => fs.existsSync(path.join(root, 'holding')));
    const before = readTree(root);
    expect(() => stagedApp(props('nginx:3'), { outdir: path.join(root, 'dist') }).app.synth()).toThrow(/^another writer holds the write lock .*\.cdk8s-staged\.lock: pid [0-9]+ on this host/);
    expect(readTree(root)).toEqual(before);
    expect((await run).status).toBe(0);
  });

  test('the stale lock of a dead process is recovered; a lock held on another host is refused naming it', async () => {
    const root = committed();
    const exited = runChild('');
    const deadPid = exited.pid!;
    expect((await exited).status).toBe(0);
    const lock = path.join(root, LOCK_FILE);
    // a pid that is surely not alive: the child above has exited
    const pid = [deadPid, 999999, 4194300].find(p => !alive(p))!;
    fs.writeFileSync(lock, JSON.stringify({ pid, hostname: os.hostname(), startedAt: '2020-01-01T00:00:00.000Z', command: 'cdk8s-staged promote dist/web' }) + '\n');
    expect(RolloutDirectory.open(path.join(root, 'dist', 'web')).promote({ codeCheck: false }).to).toBe('canary');
    expect(fs.existsSync(lock)).toBe(false);

    fs.writeFileSync(lock, JSON.stringify({ pid: 1, hostname: 'ci-runner-7', startedAt: '2020-01-01T00:00:00.000Z', command: 'cdk8s synth' }) + '\n');
    const before = readTree(root);
    expect(() => RolloutDirectory.open(path.join(root, 'dist', 'web')).promote({ codeCheck: false })).toThrow(new Error(`another writer holds the write lock ${lock}: pid 1 on host ci-runner-7, since 2020-01-01T00:00:00.000Z (cdk8s synth); wait for it to finish, or delete the lock file if that process is gone`));
    expect(readTree(root)).toEqual(before);
  });

  test('the lock is reentrant within a process and released after a failure', () => {
    const root = tempDir('lock-');
    expect(() => withWriteLock(root, () => withWriteLock(root, () => { throw new Error('inner'); }))).toThrow('inner');
    expect(fs.existsSync(path.join(root, LOCK_FILE))).toBe(false);
    expect(withWriteLock(root, () => fs.existsSync(path.join(root, LOCK_FILE)))).toBe(true);
  });
});
