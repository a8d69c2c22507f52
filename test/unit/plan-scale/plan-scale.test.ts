import * as fs from 'fs';
import * as path from 'path';
import { PodManagementPolicy, RolloutPlan, StageSize, StatefulAppProps, StatefulSetBackend, UpdatePriority } from '../../../src';
import { podRangesText, POD_COLUMNS_MAX, POD_RANGES_MAX } from '../../../src/core/kinds/statefulset';
import { FLOWCHART_STAGES_MAX, mermaidFlowchart } from '../../../src/core/plan-text';
import { stagedApp } from '../../support/synth';

const base: StatefulAppProps = {
  selectorLabels: { app: 'db' },
  service: { name: 'db', ports: [{ name: 'sql', port: 5432 }] },
  containers: [{ name: 'db', image: 'postgres:16.4' }],
};

/** Synthesizes one StatefulApp `db` and returns its PLAN.md and plan.json. */
function synthPlan(props: Partial<StatefulAppProps>) {
  const { app, outdir } = stagedApp({ ...base, ...props } as StatefulAppProps, { id: 'db' });
  app.synth();
  return {
    md: fs.readFileSync(path.join(outdir, 'db', 'PLAN.md'), 'utf-8'),
    plan: JSON.parse(fs.readFileSync(path.join(outdir, 'db', 'plan.json'), 'utf-8')),
  };
}

const tableOf = (md: string) => md.split('\n').filter(l => l.startsWith('|'));

/** Reads a ranges cell back: every pod named, with its revision. */
function expandRanges(cell: string): Map<number, 'old' | 'new'> {
  const out = new Map<number, 'old' | 'new'>();
  for (const group of cell.match(/[^,]*?(?:old|\*\*new\*\*)/g)!) {
    const state = group.endsWith('old') ? 'old' : 'new';
    for (const m of group.matchAll(/db-(\d+)(?:\.\.db-(\d+))?/g)) {
      const first = Number(m[1]);
      const last = m[2] === undefined ? first : Number(m[2]);
      for (let o = first; o <= last; o++) {
        expect(out.has(o)).toBe(false);
        out.set(o, state);
      }
    }
  }
  return out;
}

describe('the stages table at scale', () => {
  test(`${POD_COLUMNS_MAX} pods keep one column per pod`, () => {
    const { md } = synthPlan({ replicas: 12, rollout: { plan: RolloutPlan.canary() } });
    const table = tableOf(md);
    expect(table[0]).toBe(`| stage | partition | ${Array.from({ length: 12 }, (_, i) => `db-${i}`).join(' | ')} |`);
    expect(table[3]).toBe('| 01-canary | 11 | old | old | old | old | old | old | old | old | old | old | old | **new** |');
  });

  test('13 pods become one column of ranges', () => {
    const { md } = synthPlan({ replicas: 13, rollout: { plan: RolloutPlan.canary() } });
    expect(tableOf(md)).toEqual([
      '| stage | partition | new | pods |',
      '| --- | --- | --- | --- |',
      '| **▶ 00-hold** (active) | 2147483647 (hold) | 0 of 13 | db-0..db-12 old |',
      '| 01-canary | 12 | 1 of 13 | db-0..db-11 old, db-12 **new** |',
      '| 02-percent-50 | 6 | 7 of 13 | db-0..db-5 old, db-6..db-12 **new** |',
      '| 03-complete | 0 | 13 of 13 | db-0..db-12 **new** |',
    ]);
  });

  test('50 and 500 pods over 21 stages: 4 columns, a PLAN.md of about 3 KB', () => {
    for (const replicas of [50, 500]) {
      const { md, plan } = synthPlan({ replicas, rollout: { plan: RolloutPlan.linear({ step: StageSize.percent(5) }), activeStage: 'percent-10' } });
      expect(plan.stages.length).toBe(21);
      const table = tableOf(md);
      expect(table.length).toBe(23);
      expect(table.every(row => row.split(' | ').length === 4)).toBe(true);
      expect(Buffer.byteLength(md)).toBeLessThan(3300);
      plan.stages.forEach((s: any, i: number) => {
        const pods = expandRanges(table[i + 2].split(' | ')[3].replace(/ \|$/, ''));
        expect([...pods.keys()].sort((a, b) => a - b)).toEqual(plan.podOrdinals);
        expect([...pods].filter(([, v]) => v === 'new').map(([o]) => o).sort((a, b) => a - b)).toEqual([...s.updatedOrdinals].sort((a: number, b: number) => a - b));
      });
    }
    const { md } = synthPlan({ replicas: 500, rollout: { plan: RolloutPlan.linear({ step: StageSize.percent(5) }), activeStage: 'percent-10' } });
    expect(Buffer.byteLength(md)).toBe(3165);
    expect(tableOf(md).slice(2, 5)).toEqual([
      '| 00-hold | 2147483647 (hold) | 0 of 500 | db-0..db-499 old |',
      '| 01-percent-5 | 475 | 25 of 500 | db-0..db-474 old, db-475..db-499 **new** |',
      '| **▶ 02-percent-10** (active) | 450 | 50 of 500 | db-0..db-449 old, db-450..db-499 **new** |',
    ]);
  });

  test('Kruise: reserved ordinals split the ranges, the priority order leaves old pods between new ones', () => {
    const { md, plan } = synthPlan({
      replicas: 20,
      podManagementPolicy: PodManagementPolicy.PARALLEL,
      rollout: { plan: RolloutPlan.canary({ canary: StageSize.pods(3), steps: [StageSize.percent(50)] }) },
      backend: StatefulSetBackend.kruise({
        reserveOrdinals: ['5', '10-11'],
        priority: UpdatePriority.weight([{ weight: 50, matchLabels: { role: 'follower' } }]),
        previewPodLabels: [3, 8, 15].map(ordinal => ({ ordinal, labels: { role: 'follower' } })),
      }),
    });
    expect(plan.podOrdinals).toEqual([0, 1, 2, 3, 4, 6, 7, 8, 9, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22]);
    expect(plan.stages[1].updatedOrdinals).toEqual([3, 8, 15]);
    expect(tableOf(md).slice(2)).toEqual([
      '| **▶ 00-hold** (active) | 2147483647 (hold) | 0 of 20 | db-0..db-4, db-6..db-9, db-12..db-22 old |',
      '| 01-canary | 17 | 3 of 20 | db-0..db-2 old, db-3 **new**, db-4, db-6..db-7 old, db-8 **new**, db-9, db-12..db-14 old, db-15 **new**, db-16..db-22 old |',
      `| 02-percent-50 | 10 | 10 of 20 | ${podRangesText('db', plan.podOrdinals, new Set(plan.stages[2].updatedOrdinals))} |`,
      '| 03-complete | 0 | 20 of 20 | db-0..db-4, db-6..db-9, db-12..db-22 **new** |',
    ]);
    const pods = expandRanges(podRangesText('db', plan.podOrdinals, new Set(plan.stages[2].updatedOrdinals)));
    expect([...pods].filter(([, v]) => v === 'new').map(([o]) => o).sort((a, b) => a - b)).toEqual([...plan.stages[2].updatedOrdinals].sort((a, b) => a - b));
  });

  test(`past ${POD_RANGES_MAX} ranges a cell counts the rest`, () => {
    const ordinals = Array.from({ length: 100 }, (_, i) => i);
    const everyThird = new Set(ordinals.filter(o => o % 3 === 0));
    const cell = podRangesText('db', ordinals, everyThird);
    expect(cell.startsWith('db-0 **new**, db-1..db-2 old, db-3 **new**, db-4..db-5 old,')).toBe(true);
    // 24 ranges shown (12 new pods, 12 runs of 2 old ones: db-0..db-35), then 64 pods counted, 22 of them new
    expect(cell.endsWith('db-33 **new**, db-34..db-35 old, … 64 more pods (22 **new**)')).toBe(true);
    expect(podRangesText('db', [], new Set())).toBe('');
    expect(podRangesText('db', [7], new Set([7]))).toBe('db-7 **new**');
  });
});

describe('the flowchart at scale', () => {
  const nodes = (n: number) => Array.from({ length: n }, (_, i) => `stage ${i}`);
  const labels = (n: number) => Array.from({ length: n }, (_, i) => `${String(i).padStart(2, '0')}-s${i}`);

  test(`${FLOWCHART_STAGES_MAX} stages: every stage a box, as before`, () => {
    expect(mermaidFlowchart(nodes(8), 3, labels(8))).toEqual([
      '```mermaid',
      'flowchart LR',
      ...nodes(8).map((t, i) => `  s${i}["${t}"]`),
      '  s0 --> s1 --> s2 --> s3 --> s4 --> s5 --> s6 --> s7',
      '  classDef active fill:#d1f0d8,stroke:#1a7f37,stroke-width:3px',
      '  class s3 active',
      '```',
      '',
    ]);
  });

  test.each([
    [0, ['s0', 's1', 's2', 'g3', 's20'], ['  g3["… 17 stages<br/>03-s3 to 19-s19"]']],
    [10, ['s0', 'g1', 's8', 's9', 's10', 's11', 's12', 'g13', 's20'], ['  g1["… 7 stages<br/>01-s1 to 07-s7"]', '  g13["… 7 stages<br/>13-s13 to 19-s19"]']],
    [4, ['s0', 's1', 's2', 's3', 's4', 's5', 's6', 'g7', 's20'], ['  g7["… 13 stages<br/>07-s7 to 19-s19"]']],
    [20, ['s0', 'g1', 's18', 's19', 's20'], ['  g1["… 17 stages<br/>01-s1 to 17-s17"]']],
  ])('21 stages, active %d: the first, the last, two either side of the active one, the rest counted', (active, ids, summaries) => {
    const lines = mermaidFlowchart(nodes(21), active, labels(21));
    expect(lines.filter(l => /^ {2}[sg]\d+\[/.test(l)).map(l => l.trim().split('[')[0])).toEqual(ids);
    expect(lines.filter(l => l.startsWith('  g'))).toEqual(summaries);
    expect(lines).toContain(`  ${ids.join(' --> ')}`);
    expect(lines).toContain(`  class ${ids.filter(i => i.startsWith('g')).join(',')} elided`);
    expect(lines[lines.length - 3]).toBe(`  class s${active} active`);
    expect(lines.length).toBe(ids.length + 9);
    expect(ids.length).toBeLessThanOrEqual(9);
  });

  test('9 stages, active 4: a gap of one stage shows that stage, not a box for it', () => {
    const lines = mermaidFlowchart(nodes(9), 4, labels(9));
    expect(lines.filter(l => /^ {2}[sg]\d+\[/.test(l)).map(l => l.trim().split('[')[0])).toEqual(['s0', 's1', 's2', 's3', 's4', 's5', 's6', 's7', 's8']);
    expect(lines.join('\n')).not.toContain('elided');
  });
});
