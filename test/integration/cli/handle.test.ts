import * as fs from 'fs';
import * as path from 'path';
import { RolloutPlan } from '../../../src';
import { RolloutDirectory } from '../../../src/app/rollout-directory';
import { stagedApp } from '../../support/synth';

/** A RolloutDirectory handle reflects what it wrote and re-runs the tamper check before each operation. */
function synthWeb() {
  const { app, outdir } = stagedApp({
    replicas: 3,
    selectorLabels: { app: 'web' },
    service: { name: 'web' },
    containers: [{ name: 'nginx', image: 'nginx:1.0' }],
    rollout: { plan: RolloutPlan.canary() },
  }, { id: 'web' });
  app.synth();
  return path.join(outdir, 'web');
}

describe('a RolloutDirectory handle', () => {
  test('after promote it reflects what it wrote: status and a second promote go on from there', () => {
    const dir = RolloutDirectory.open(synthWeb());
    expect(dir.promote({ codeCheck: false })).toMatchObject({ from: 'hold', to: 'canary' });
    expect(dir.status()).toMatchObject({ activeStage: 'canary', partition: 2, nextStage: 'percent-50' });
    expect(dir.promote({ codeCheck: false })).toMatchObject({ from: 'canary', to: 'percent-50', partition: 1 });
    expect(dir.status().activeStage).toBe('percent-50');
    expect(RolloutDirectory.open(dir.directory).status().activeStage).toBe('percent-50');
  });

  test('fails when the tree changed on disk since it read or wrote it, naming the file', () => {
    const where = synthWeb();
    const dir = RolloutDirectory.open(where);
    const other = RolloutDirectory.open(where);
    other.promote({ codeCheck: false });
    expect(() => dir.promote({ codeCheck: false })).toThrow(`${where} changed on disk since this RolloutDirectory read or wrote it (PLAN.md, kustomization.yaml, plan.json, ${path.join(path.dirname(path.dirname(where)), 'rollout-state', 'web.json')}): open it again with RolloutDirectory.open`);
    expect(RolloutDirectory.open(where).status().activeStage).toBe('canary');
  });

  test('fails on a hand edit made after it was opened: the tamper check runs again', () => {
    const where = synthWeb();
    const dir = RolloutDirectory.open(where);
    fs.appendFileSync(path.join(where, 'stages', '01-canary', 'kustomization.yaml'), '# edited\n');
    expect(() => dir.status()).toThrow(/^the tree in .* is not the one last written/);
    expect(() => dir.promote({ codeCheck: false })).toThrow(/^the tree in .* is not the one last written/);
    expect(JSON.parse(fs.readFileSync(path.join(where, 'plan.json'), 'utf-8')).activeStage).toBe('hold');
  });
});
