import { Fenceposts } from '../constructs/stateless/deployment-strategy';
import { StagePatch } from '../render/kustomization';
import { ResolvedStage, stageDirectory } from './plan';
import { Color, otherColor } from './state-machine';

/**
 * The pure logic of a Deployment rollout: which Deployment runs which template with how many replicas,
 * and which Deployment each Service sends traffic to, at every stage. No cdk8s, no files.
 *
 * Deployments have no partition (seed 002): a canary is a stable and a canary Deployment behind one
 * Service, and blue/green is two Deployments and a Service whose selector switches colour.
 */

/** `canary` or `blueGreen`. */
export type RolloutStyle = 'canary' | 'blueGreen';

/** How a Deployment rollout is laid out. Written to plan.json, so the CLI can re-render a stage. */
export interface DeploymentLayout {
  readonly style: RolloutStyle;
  readonly replicas: number;
  /** The label that tells the two Deployments' pods apart: `track` (canary) or `color` (blue/green). */
  readonly label: string;
  /** Canary: [stable, canary]; blue/green: [blue, green]. */
  readonly deployments: string[];
  /** The label value of each Deployment: [stable, canary] or [blue, green]. */
  readonly labelValues: string[];
  /** The Service that takes the traffic. */
  readonly service: string;
  /** Blue/green: the Service on the idle colour (the candidate before the switch, the stable one after). */
  readonly previewService: string | null;
  /** The Deployments' rolling-update bounds at `replicas`; null with the Recreate strategy. */
  readonly fenceposts: Fenceposts | null;
}

/** One Deployment at one stage. */
export interface DeploymentAtStage {
  readonly name: string;
  readonly replicas: number;
  /** The template it runs: `stable` or `candidate`. */
  readonly runs: 'stable' | 'candidate';
  /** True when its template changes from the stage before: a rolling update within the fenceposts. */
  readonly rolls: boolean;
}

/** One Service at one stage. */
export interface ServiceAtStage {
  readonly name: string;
  /** The Deployments whose pods it selects. */
  readonly selects: string[];
  /** Blue/green: the colour its selector names; null when it selects both Deployments. */
  readonly color: Color | null;
}

/** A stage of a Deployment rollout. */
export interface DeploymentStage {
  readonly index: number;
  readonly name: string;
  /** `stages/<NN>-<name>`. */
  readonly directory: string;
  /** What the user asked for: `hold`, `1 pods`, `50%`, `complete`, or the blue/green step. */
  readonly size: string;
  readonly deployments: DeploymentAtStage[];
  readonly services: ServiceAtStage[];
  /** Pods on the candidate once the stage has converged. */
  readonly candidatePods: number;
  /** Pods on the stable revision once the stage has converged. */
  readonly stablePods: number;
  /** The percentage of the main Service's ready endpoints that run the candidate (pods share evenly). */
  readonly candidateTraffic: number;
}

/**
 * The stages of a canary from a resolved plan: at each stage the canary Deployment runs `replicas -
 * partition` pods of the candidate and the stable Deployment the rest; at the last stage the stable
 * Deployment takes the candidate template (a rolling update) with every replica and the canary scales to 0.
 */
export function canaryStages(layout: DeploymentLayout, plan: ResolvedStage[]): DeploymentStage[] {
  const [stable, canary] = layout.deployments;
  const n = layout.replicas;
  const last = plan.length - 1;
  return plan.map((s, i) => {
    const k = i === last ? 0 : Math.min(n, Math.max(0, n - s.partition));
    const candidatePods = i === last ? n : k;
    return {
      index: s.index,
      name: s.name,
      directory: s.directory,
      size: s.size,
      deployments: [
        { name: stable, replicas: n - k, runs: i === last ? 'candidate' : 'stable', rolls: i === last },
        { name: canary, replicas: k, runs: 'candidate', rolls: false },
      ],
      services: [{ name: layout.service, selects: [stable, canary], color: null }],
      candidatePods,
      stablePods: n - candidatePods,
      candidateTraffic: n === 0 ? 0 : percentOf(candidatePods, n),
    };
  });
}

/** The blue/green steps after hold, with what each one does. */
export const BLUE_GREEN_STEPS = [
  { name: 'hold', size: 'hold' },
  { name: 'preview', size: 'candidate colour up, traffic on the stable colour' },
  { name: 'switch', size: 'traffic to the candidate colour' },
  { name: 'cleanup', size: 'stable colour scaled to 0' },
];

/**
 * The stages of blue/green when `candidateColor` runs the candidate: hold (candidate colour at 0
 * replicas), preview (both colours up, the Service on the stable colour, the preview Service on the
 * candidate), switch (the Service on the candidate colour, the preview Service on the stable one),
 * cleanup (the stable colour scaled to 0).
 */
export function blueGreenStages(layout: DeploymentLayout, candidateColor: Color): DeploymentStage[] {
  const n = layout.replicas;
  const stableColor = otherColor(candidateColor);
  const nameOf = (c: Color) => deploymentOf(layout, c);
  return BLUE_GREEN_STEPS.map((step, index) => {
    const up = { stable: index <= 2 ? n : 0, candidate: index >= 1 ? n : 0 };
    const live: Color = index >= 2 ? candidateColor : stableColor;
    const idle = otherColor(live);
    const services: ServiceAtStage[] = [{ name: layout.service, selects: [nameOf(live)], color: live }];
    if (layout.previewService !== null) {
      services.push({ name: layout.previewService, selects: [nameOf(idle)], color: idle });
    }
    const deployments = (['blue', 'green'] as Color[]).map(c => ({
      name: nameOf(c),
      replicas: c === candidateColor ? up.candidate : up.stable,
      runs: (c === candidateColor ? 'candidate' : 'stable') as 'stable' | 'candidate',
      rolls: false,
    }));
    const candidatePods = up.candidate;
    return {
      index,
      name: step.name,
      directory: stageDirectory(index, BLUE_GREEN_STEPS.length, step.name),
      size: step.size,
      deployments,
      services,
      candidatePods,
      stablePods: up.stable,
      candidateTraffic: live === candidateColor && n > 0 ? 100 : 0,
    };
  });
}

/** The Deployment of a colour (blue/green). */
export function deploymentOf(layout: DeploymentLayout, color: Color): string {
  return layout.deployments[layout.labelValues.indexOf(color)];
}

function percentOf(part: number, whole: number): number {
  return Math.round((part * 1000) / whole) / 10;
}

/** A pod template with one more label (the track or the colour). */
export function labelledTemplate(template: any, label: string, value: string): any {
  return { ...template, metadata: { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [label]: value } } };
}

/** The template a Deployment runs: `stable` falls back to the candidate while no stable revision is known. */
function templateFor(runs: 'stable' | 'candidate', stable: any | null, candidate: any): any {
  return runs === 'stable' && stable !== null ? stable : candidate;
}

/**
 * The objects of `base/`: the Deployments and Services of the rollout as the first stage (hold) has them,
 * each Deployment with its template (the stable or the candidate one, with its track or colour label)
 * and its replicas, each Service with its selector. Other objects pass unchanged. Returns new objects.
 */
export function renderDeploymentBase(layout: DeploymentLayout, objects: any[], stages: DeploymentStage[], stable: any | null, candidate: any): any[] {
  const hold = stages[0];
  return objects.map(obj => {
    const name = obj.metadata?.name;
    if (obj.kind === 'Deployment' && layout.deployments.includes(name)) {
      const at = hold.deployments.find(d => d.name === name)!;
      const value = layout.labelValues[layout.deployments.indexOf(name)];
      return { ...obj, spec: { ...obj.spec, replicas: at.replicas, template: labelledTemplate(templateFor(at.runs, stable, candidate), layout.label, value) } };
    }
    const svc = obj.kind === 'Service' ? hold.services.find(s => s.name === name) : undefined;
    if (svc && svc.color !== null) {
      return { ...obj, spec: { ...obj.spec, selector: { ...obj.spec.selector, [layout.label]: svc.color } } };
    }
    return obj;
  });
}

/** A JSON pointer segment: `~` and `/` escaped (RFC 6901), for label keys such as `example.com/color`. */
export function pointerSegment(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * The patches of a stage over `base/`: the replicas of both Deployments; the selector of each Service
 * (blue/green); the stable Deployment's template where it rolls to the candidate (canary, last stage).
 * Every value is set with `replace`, which fails the build if the field is missing from the base.
 */
export function deploymentStagePatches(layout: DeploymentLayout, stage: DeploymentStage, stable: any | null, candidate: any, namespace?: string): StagePatch[] {
  const ns = namespace !== undefined ? { namespace } : {};
  const patches: StagePatch[] = stage.deployments.map(d => {
    const ops: StagePatch['ops'] = [{ op: 'replace', path: '/spec/replicas', value: d.replicas }];
    if (d.rolls) {
      const value = layout.labelValues[layout.deployments.indexOf(d.name)];
      ops.push({ op: 'replace', path: '/spec/template', value: labelledTemplate(templateFor(d.runs, stable, candidate), layout.label, value) });
    }
    return { target: { group: 'apps', version: 'v1', kind: 'Deployment', name: d.name, ...ns }, ops };
  });
  for (const s of stage.services) {
    if (s.color !== null) {
      patches.push({ target: { version: 'v1', kind: 'Service', name: s.name, ...ns }, ops: [{ op: 'replace', path: `/spec/selector/${pointerSegment(layout.label)}`, value: s.color }] });
    }
  }
  return patches;
}

/**
 * What changes from one stage to the next, for a reviewer and the promotion note: replica counts,
 * template rolls and Service switches.
 */
export function stageChanges(from: DeploymentStage, to: DeploymentStage): string[] {
  const out: string[] = [];
  for (const d of to.deployments) {
    const before = from.deployments.find(x => x.name === d.name)!;
    if (d.rolls || before.runs !== d.runs) {
      out.push(`${d.name} rolls to the candidate`);
    }
    if (before.replicas !== d.replicas) {
      out.push(`${d.name} ${before.replicas} -> ${d.replicas} ${d.replicas === 1 ? 'replica' : 'replicas'}`);
    }
  }
  for (const s of to.services) {
    const before = from.services.find(x => x.name === s.name)!;
    if (before.selects.join() !== s.selects.join()) {
      out.push(`Service ${s.name} -> ${s.selects.join(', ')}`);
    }
  }
  return out;
}

/** How a reader names the pods of a Deployment at a stage: `2 pods of kubia-canary`. */
export function podsOf(stage: DeploymentStage, runs: 'stable' | 'candidate'): string[] {
  return stage.deployments.filter(d => d.runs === runs && d.replicas > 0)
    .map(d => `${d.replicas} ${d.replicas === 1 ? 'pod' : 'pods'} of ${d.name}`);
}

/** The stages of a layout: a canary's from its resolved plan, blue/green's for the candidate colour. */
export function deploymentStages(layout: DeploymentLayout, canaryPlan: ResolvedStage[] | undefined, candidateColor: Color): DeploymentStage[] {
  return layout.style === 'canary' ? canaryStages(layout, canaryPlan!) : blueGreenStages(layout, candidateColor);
}

/**
 * How an abort takes the candidate pods back, completing "The template is back at the stable revision
 * R and ...": a canary scales to 0; blue/green sends the Service back to the stable colour.
 * @param candidateColor blue/green: the colour that ran the aborted candidate
 */
export function rollbackText(layout: DeploymentLayout, candidateColor: Color, pods: string[]): string {
  if (layout.style === 'canary') {
    return `${pods.join(', ')} go back to it: the canary scales to 0 and ${layout.deployments[0]} runs every replica on the stable template`;
  }
  const stable = deploymentOf(layout, otherColor(candidateColor));
  return `Service ${layout.service} goes back to ${stable}, which still runs it; ${pods.join(', ')} scale to 0`;
}
