import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Chart, Testing } from 'cdk8s';
import { RolloutPlan, StagedApp, StageSize, StatefulApp, StatefulAppProps, StatefulSetUpdateStrategy } from '../../src';
import { templateRevision } from '../../src/core/revision';
import { writeAtomically } from '../../src/io/atomic-write';
import { schemaProblems } from '../support/k8s-schema';
import { byKindName, kustomizeBuild } from '../support/kustomize';
import { readTree, stagedApp, tempDir } from '../support/synth';

const base: StatefulAppProps = {
  name: 'web',
  replicas: 5,
  selectorLabels: { app: 'web' },
  containers: [{ name: 'nginx', image: 'nginx:1.26.1', ports: [{ name: 'http', containerPort: 80 }] }],
};

/** The same app rendered with a fixed partition and no rollout: what a stage must build to. */
function rendered(props: StatefulAppProps, partition: number, namespace?: string): any[] {
  const chart = new Chart(Testing.app(), 'expected', { namespace });
  new StatefulApp(chart, 'app', { ...props, rollout: undefined, updateStrategy: StatefulSetUpdateStrategy.rollingUpdate({ partition }) });
  return Testing.synth(chart);
}

/** kube-controller-manager's rule: the pods that run the update revision at this partition. */
function controllerUpdated(sts: any): number[] {
  const start = sts.spec.ordinals?.start ?? 0;
  const partition = sts.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
  const out: number[] = [];
  for (let ordinal = start; ordinal < start + sts.spec.replicas; ordinal++) {
    if (!(ordinal < start + partition)) out.push(ordinal);
  }
  return out;
}

describe('staged output', () => {
  test('the tree has base, one directory per stage, the root, plan.json and PLAN.md', () => {
    const { app, outdir, sts } = stagedApp({ ...base, rollout: { plan: RolloutPlan.canary() } }, { namespace: 'shop' });
    app.synth();
    const tree = readTree(path.join(outdir, 'web'));
    const revision = templateRevision(sts.statefulSet.toJson().spec.template);
    expect(revision).toMatch(/^[0-9a-f]{10}$/);
    expect(Object.keys(tree)).toEqual([
      'base/kustomization.yaml',
      'base/service-web.yaml',
      'base/statefulset-web.yaml',
      'kustomization.yaml',
      'plan.json',
      'PLAN.md',
      'stages/00-hold/kustomization.yaml',
      'stages/01-canary/kustomization.yaml',
      'stages/02-percent-50/kustomization.yaml',
      'stages/03-complete/kustomization.yaml',
    ]);
    expect(fs.readdirSync(outdir)).toEqual(['web']);
    expect(tree['base/kustomization.yaml']).toBe([
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'resources:',
      '  - service-web.yaml',
      '  - statefulset-web.yaml',
      '',
    ].join('\n'));
    expect(tree['stages/01-canary/kustomization.yaml']).toBe([
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'resources:',
      '  - ../../base',
      'patches:',
      '  - target:',
      '      group: apps',
      '      version: v1',
      '      kind: StatefulSet',
      '      name: web',
      '      namespace: shop',
      '    patch: |',
      '      - op: replace',
      '        path: /spec/updateStrategy/rollingUpdate/partition',
      '        value: 4',
      '',
    ].join('\n'));
    expect(tree['kustomization.yaml']).toBe([
      '# The active stage of this rollout. Promote by changing the line below to the next stage',
      '# directory listed in PLAN.md, in a reviewed commit.',
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'resources:',
      '  - stages/00-hold',
      '',
    ].join('\n'));
    expect(JSON.parse(tree['plan.json'])).toEqual({
      schemaVersion: 1,
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      app: 'web',
      namespace: 'shop',
      serviceName: 'web',
      replicas: 5,
      ordinalsStart: 0,
      podOrdinals: [0, 1, 2, 3, 4],
      previewNotes: [],
      stable: null,
      candidate: { revision, images: { nginx: 'nginx:1.26.1' } },
      activeStage: 'hold',
      pinned: false,
      stateFile: '../../rollout-state/web.json',
      notes: ['First synth: the stable revision is unknown. At hold, running pods keep their revision; a new StatefulSet creates every pod at the candidate.'],
      stages: [
        { index: 0, name: 'hold', directory: 'stages/00-hold', size: 'hold', partition: 2147483647, updatedOrdinals: [], updatedPods: [] },
        { index: 1, name: 'canary', directory: 'stages/01-canary', size: '1 pod', partition: 4, updatedOrdinals: [4], updatedPods: ['web-4'] },
        { index: 2, name: 'percent-50', directory: 'stages/02-percent-50', size: '50%', partition: 2, updatedOrdinals: [2, 3, 4], updatedPods: ['web-2', 'web-3', 'web-4'] },
        { index: 3, name: 'complete', directory: 'stages/03-complete', size: 'complete', partition: 0, updatedOrdinals: [0, 1, 2, 3, 4], updatedPods: ['web-0', 'web-1', 'web-2', 'web-3', 'web-4'] },
      ],
    });
  });

  test('PLAN.md has the table of pods per stage, the active stage marked, and a Mermaid picture', () => {
    const { app, outdir, sts } = stagedApp({ ...base, replicas: 3, ordinalsStart: 1, rollout: { plan: RolloutPlan.canary(), activeStage: 'canary' } });
    app.synth();
    const revision = templateRevision(sts.statefulSet.toJson().spec.template);
    expect(fs.readFileSync(path.join(outdir, 'web', 'PLAN.md'), 'utf-8')).toBe([
      '# Rollout plan: web',
      '',
      'Generated by cdk8s-staged-rollout; do not edit by hand.',
      '',
      'StatefulSet (`apps/v1`) `web` (no namespace: the GitOps agent\'s destination namespace applies), 3 replicas, pods `web-1` to `web-3`, headless Service `web`.',
      '',
      '- old = stable revision: unknown (first synth)',
      `- new = candidate revision: \`${revision}\` (\`nginx\` = \`nginx:1.26.1\`)`,
      '',
      'A pod runs the new revision when its ordinal >= ordinals.start + partition.',
      '',
      '> First synth: the stable revision is unknown. At hold, running pods keep their revision; a new StatefulSet creates every pod at the candidate.',
      '',
      '**Active stage: `01-canary`** (partition 2, 1 of 3 pods on the new revision), pinned in code by `rollout.activeStage`.',
      'Next: `02-percent-50`: `cdk8s-staged promote` changes `resources` in `kustomization.yaml` to `stages/02-percent-50`.',
      '',
      '| stage | partition | web-1 | web-2 | web-3 |',
      '| --- | --- | --- | --- | --- |',
      '| 00-hold | 2147483647 (hold) | old | old | old |',
      '| **▶ 01-canary** (active) | 2 | old | old | **new** |',
      '| 02-percent-50 | 1 | old | **new** | **new** |',
      '| 03-complete | 0 | **new** | **new** | **new** |',
      '',
      '```mermaid',
      'flowchart LR',
      '  s0["00-hold<br/>partition 2147483647<br/>0 of 3 new"]',
      '  s1["01-canary<br/>partition 2<br/>1 of 3 new"]',
      '  s2["02-percent-50<br/>partition 1<br/>2 of 3 new"]',
      '  s3["03-complete<br/>partition 0<br/>3 of 3 new"]',
      '  s0 --> s1 --> s2 --> s3',
      '  classDef active fill:#d1f0d8,stroke:#1a7f37,stroke-width:3px',
      '  class s1 active',
      '```',
      '',
    ].join('\n'));
  });

  // replicas 0 and 1, ordinals.start != 0, percentages of 5 and 7 replicas, a namespace
  test.each<[string, StatefulAppProps, string | undefined]>([
    ['5 replicas, percentages', { ...base, rollout: { plan: RolloutPlan.canary({ steps: [StageSize.percent(25), StageSize.percent(50), StageSize.percent(75)] }) } }, undefined],
    ['7 replicas, percentages, namespace', { ...base, replicas: 7, rollout: { plan: RolloutPlan.linear({ step: StageSize.percent(30) }), activeStage: 'percent-60' } }, 'shop'],
    ['ordinals.start 3', { ...base, replicas: 4, ordinalsStart: 3, rollout: { plan: RolloutPlan.exponential({ factor: 2 }), activeStage: 'complete' } }, undefined],
    ['replicas 1', { ...base, replicas: 1, rollout: { plan: RolloutPlan.canary() } }, undefined],
    ['replicas 0', { ...base, replicas: 0, rollout: { plan: RolloutPlan.staged() } }, undefined],
  ])('every stage and the root build with kustomize to the rendered objects: %s', (_name, props, namespace) => {
    const { app, outdir, sts } = stagedApp(props, { namespace });
    app.synth();
    const root = path.join(outdir, sts.name);
    const plan = JSON.parse(fs.readFileSync(path.join(root, 'plan.json'), 'utf-8'));
    expect(plan.stages.length).toBe(sts.stages!.length);
    for (const stage of plan.stages) {
      const built = kustomizeBuild(path.join(root, stage.directory));
      expect(byKindName(built)).toEqual(byKindName(rendered(props, stage.partition, namespace)));
      expect(schemaProblems(built)).toEqual([]);
      const builtSts = built.find(o => o.kind === 'StatefulSet');
      expect(builtSts.spec.updateStrategy.rollingUpdate.partition).toBe(stage.partition);
      expect(controllerUpdated(builtSts)).toEqual(stage.updatedOrdinals);
      expect(stage.updatedPods).toEqual(stage.updatedOrdinals.map((o: number) => `${sts.name}-${o}`));
    }
    const active = plan.stages.find((s: any) => s.name === plan.activeStage);
    expect(byKindName(kustomizeBuild(root))).toEqual(byKindName(rendered(props, active.partition, namespace)));
  });

  test('two synths give byte-identical trees', () => {
    const props: StatefulAppProps = { ...base, rollout: { plan: RolloutPlan.canary(), activeStage: 'percent-50' } };
    const one = stagedApp(props);
    const two = stagedApp(props);
    one.app.synth();
    two.app.synth();
    const a = readTree(one.outdir);
    expect(Object.keys(a).length).toBe(10);
    expect(readTree(two.outdir)).toEqual(a);
    // and synthesizing again over an existing tree changes nothing
    stagedApp(props, { outdir: one.outdir }).app.synth();
    expect(readTree(one.outdir)).toEqual(a);
  });

  test('other objects of a chart go to <chart>.k8s.yaml; rollout objects only to the tree', () => {
    const { app, chart, outdir } = stagedApp({ ...base, rollout: { plan: RolloutPlan.staged() } });
    new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: '1' } } as any);
    app.synth();
    expect(fs.readdirSync(outdir).sort()).toEqual(['chart.k8s.yaml', 'web']);
    expect(fs.readFileSync(path.join(outdir, 'chart.k8s.yaml'), 'utf-8')).toBe('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: "1"\n');
  });

  test('an app without a rollout is written like any cdk8s chart', () => {
    const { app, outdir } = stagedApp({ ...base });
    app.synth();
    expect(fs.readdirSync(outdir)).toEqual(['chart.k8s.yaml']);
    expect(fs.readFileSync(path.join(outdir, 'chart.k8s.yaml'), 'utf-8')).toContain('kind: StatefulSet\n');
  });
});

describe('nothing half-written', () => {
  /** A committed tree and state under root: root/dist/web and root/rollout-state/web.json. */
  function previousTree() {
    const root = tempDir();
    const outdir = path.join(root, 'dist');
    stagedApp({ ...base, rollout: { plan: RolloutPlan.canary() } }, { outdir }).app.synth();
    const before = readTree(root);
    expect(Object.keys(before).length).toBe(11);
    return { root, outdir, before };
  }

  test('fails two rollouts in one directory and writes nothing', () => {
    const { root, outdir, before } = previousTree();
    const app = new StagedApp({ outdir, stateDirectory: path.join(root, 'rollout-state') });
    const chart = new Chart(app, 'c');
    new StatefulApp(chart, 'a', { ...base, name: 'a', rollout: { plan: RolloutPlan.staged(), directory: 'web' } });
    new StatefulApp(chart, 'b', { ...base, name: 'b', rollout: { plan: RolloutPlan.staged(), directory: 'web/b' } });
    expect(() => app.synth()).toThrow(new Error('rollout directory ("web") overlaps rollout directory ("web/b"): each rollout needs its own directory'));
    expect(readTree(root)).toEqual(before);
  });

  test('fails a validation error at synth and writes nothing', () => {
    const { root, outdir, before } = previousTree();
    const { app, sts } = stagedApp({ ...base, containers: [{ name: 'other', image: 'nginx:2' }], rollout: { plan: RolloutPlan.staged() } }, { outdir });
    sts.node.addValidation({ validate: () => ['replicas must match the quorum'] });
    expect(() => app.synth()).toThrow(new Error('Validation failed with the following errors:\n  [chart/app] replicas must match the quorum'));
    expect(readTree(root)).toEqual(before);
  });

  test.each([
    ['the 4th write (inside the tree)', 4],
    ['the last write (the state file)', 11],
  ])('a write that fails at %s (a full disk) leaves the previous tree and state intact', (_name, failAt) => {
    const { root, outdir, before } = previousTree();
    const { app } = stagedApp({ ...base, containers: [{ name: 'nginx', image: 'nginx:9' }], rollout: { plan: RolloutPlan.canary() } }, { outdir });
    const files = app.renderFiles();
    let writes = 0;
    const failing = {
      writeFileSync: (file: string, data: string) => {
        if (++writes === failAt) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        fs.writeFileSync(file, data);
      },
    };
    const trees = Object.entries(files).map(([directory, f]) => ({ directory: path.join(outdir, directory), files: new Map(Object.entries(f)) }));
    expect(trees[0].files.size).toBe(10);
    expect(() => writeAtomically(trees, [{ path: path.join(root, 'rollout-state', 'web.json'), content: '{}' }], failing))
      .toThrow('ENOSPC: no space left on device, write');
    expect(writes).toBe(failAt);
    expect(readTree(root)).toEqual(before);
    expect(fs.readdirSync(outdir)).toEqual(['web']);
    expect(fs.readdirSync(path.join(root, 'rollout-state'))).toEqual(['web.json']);
  });
});
