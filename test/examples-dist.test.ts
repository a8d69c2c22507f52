import * as path from 'path';
import { buildExamples } from '../examples/main';
import { readTree, tempDir } from './support/synth';
import { byKindName, kustomizeBuild } from './support/kustomize';

const committed = path.join(__dirname, '..', 'dist');

describe('the committed dist/', () => {
  test('equals a fresh synth of the examples, byte for byte', () => {
    const outdir = tempDir();
    buildExamples(outdir).synth();
    const fresh = readTree(outdir);
    expect(Object.keys(fresh).length).toBe(27);
    expect(readTree(committed)).toEqual(fresh);
  });

  test.each([
    ['web', 'stages/00-hold', 2147483647],
    ['nginx-statefulset', 'stages/01-canary', 2],
    ['myapp', 'stages/00-hold', 2147483647],
  ])('dist/%s builds with kustomize at its active stage %s', (dir, _stage, partition) => {
    const built = byKindName(kustomizeBuild(path.join(committed, dir)));
    const sts = Object.values(built).find((o: any) => o.kind === 'StatefulSet') as any;
    expect(sts.spec.updateStrategy.rollingUpdate.partition).toBe(partition);
  });
});
