import * as fs from 'fs';
import * as path from 'path';
import { RolloutPlan, StatefulAppProps } from '../../../src';
import { RolloutDirectory } from '../../../src/app/rollout-directory';
import { readTree, stagedApp, stagedDeployment, tempDir } from '../../support/synth';

const props: StatefulAppProps = { name: 'web', replicas: 3, containers: [{ name: 'c', image: 'nginx:1' }], rollout: { plan: RolloutPlan.canary() } };

/** A committed tree and state: root/dist/web and root/rollout-state/web.json. */
function committed() {
  const root = tempDir('atomic-');
  const outdir = path.join(root, 'dist');
  stagedApp(props, { outdir }).app.synth();
  return { root, outdir, dir: path.join(outdir, 'web'), before: readTree(root) };
}

/**
 * Make the n-th fs.writeFileSync fail as a full disk does. The spy goes on the module object itself
 * (`import * as fs` gives a frozen namespace); the library reads through to it.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fsModule: typeof fs = require('fs');
function failWriteAt(n: number): jest.SpyInstance {
  const real = fsModule.writeFileSync;
  let calls = 0;
  return jest.spyOn(fsModule, 'writeFileSync').mockImplementation(((file: any, data: any, options?: any) => {
    if (++calls === n) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    return real(file, data, options);
  }) as any);
}

afterEach(() => jest.restoreAllMocks());

describe('atomic output', () => {
  test('a failure at every write of a synth leaves the committed tree and state byte for byte', () => {
    // a synth writes the 10 files of the tree and the state file: fail each one in turn
    let injected = 0;
    for (let n = 1; n <= 11; n++) {
      const { root, outdir, before } = committed();
      const { app } = stagedApp({ ...props, containers: [{ name: 'c', image: 'nginx:2' }] }, { outdir });
      const spy = failWriteAt(n);
      expect(() => app.synth()).toThrow('ENOSPC: no space left on device, write');
      expect(spy).toHaveBeenCalledTimes(n);
      spy.mockRestore();
      injected++;
      expect(readTree(root)).toEqual(before);
      expect(fs.readdirSync(outdir)).toEqual(['web']);
    }
    expect(injected).toBe(11);
  });

  test('a failure at every write of a promotion leaves the tree and state byte for byte', () => {
    // a promotion rewrites kustomization.yaml, plan.json, PLAN.md and the state file
    for (let n = 1; n <= 4; n++) {
      const { root, dir, before } = committed();
      const spy = failWriteAt(n);
      expect(() => RolloutDirectory.open(dir).promote({ codeCheck: false })).toThrow('ENOSPC: no space left on device, write');
      spy.mockRestore();
      expect(readTree(root)).toEqual(before);
      expect(fs.readdirSync(dir).filter(f => f.startsWith('.staged-tmp'))).toEqual([]);
    }
    // and without a failure it goes through
    const { dir } = committed();
    expect(RolloutDirectory.open(dir).promote({ codeCheck: false }).to).toBe('canary');
  });

  test('a failure at every write of an abort leaves everything as it was', () => {
    for (let n = 1; n <= 5; n++) {
      const root = tempDir('atomic-abort-');
      const outdir = path.join(root, 'dist');
      stagedApp(props, { outdir }).app.synth();
      RolloutDirectory.open(path.join(outdir, 'web')).promote({ to: 'complete', force: true, codeCheck: false });
      stagedApp({ ...props, containers: [{ name: 'c', image: 'nginx:2' }] }, { outdir }).app.synth();
      RolloutDirectory.open(path.join(outdir, 'web')).promote({ codeCheck: false });
      const before = readTree(root);
      const spy = failWriteAt(n);
      expect(() => RolloutDirectory.open(path.join(outdir, 'web')).abort()).toThrow('ENOSPC: no space left on device, write');
      spy.mockRestore();
      expect(readTree(root)).toEqual(before);
    }
  });
});

describe('files the library did not write', () => {
  test('a synth refuses a rollout directory holding a foreign file, and deletes nothing', () => {
    const { root, outdir, dir } = committed();
    fs.writeFileSync(path.join(dir, 'NOTES.md'), 'mine\n');
    fs.mkdirSync(path.join(dir, 'extra'));
    fs.writeFileSync(path.join(dir, 'extra', 'cm.yaml'), 'kind: ConfigMap\n');
    const before = readTree(root);
    const { app } = stagedApp(props, { outdir });
    expect(() => app.synth()).toThrow(new Error(`the rollout directory ${dir} holds files this library did not write: NOTES.md, extra/cm.yaml. A synth replaces the directory whole and never deletes files it did not write: move them out (or delete them) and synth again`));
    expect(readTree(root)).toEqual(before);
  });

  test('without a state file every file in the directory is foreign', () => {
    const { root, outdir, dir } = committed();
    fs.rmSync(path.join(root, 'rollout-state'), { recursive: true });
    const { app } = stagedApp(props, { outdir });
    expect(() => app.synth()).toThrow(`the rollout directory ${dir} holds files this library did not write: PLAN.md, base/kustomization.yaml,`);
    expect(fs.existsSync(path.join(dir, 'plan.json'))).toBe(true);
  });

  test('the CLI refuses a tree with an added file (its digest changes)', () => {
    const { dir } = committed();
    fs.writeFileSync(path.join(dir, 'stages', 'extra.yaml'), 'x: 1\n');
    expect(() => RolloutDirectory.open(dir)).toThrow(/^the tree in .* is not the one last written/);
  });

  test('a failure at every write of a blue/green abort (base, overlays, plan and state) leaves everything as it was', () => {
    const bg = (image: string) => ({ replicas: 2, containers: [{ name: 'c', image, ports: [{ name: 'http', containerPort: 8080 }] }], rollout: { blueGreen: {} } });
    let injected = 0;
    for (let n = 1; ; n++) {
      const root = tempDir('atomic-bg-');
      const outdir = path.join(root, 'dist');
      stagedDeployment(bg('nginx:1'), { id: 'shop', outdir }).app.synth();
      stagedDeployment(bg('nginx:2'), { id: 'shop', outdir }).app.synth();
      RolloutDirectory.open(path.join(outdir, 'shop')).promote({ to: 'switch', force: true, codeCheck: false });
      const before = readTree(root);
      const spy = failWriteAt(n);
      let failed = false;
      try {
        RolloutDirectory.open(path.join(outdir, 'shop')).abort();
      } catch (e) {
        expect((e as Error).message).toBe('ENOSPC: no space left on device, write');
        failed = true;
      }
      spy.mockRestore();
      if (!failed) {
        // every write has been failed once; the last run went through
        expect(readTree(root)).not.toEqual(before);
        break;
      }
      injected++;
      expect(readTree(root)).toEqual(before);
    }
    // 11 files of the tree change (both colours swap roles) and the state file
    expect(injected).toBe(12);
  });
});
