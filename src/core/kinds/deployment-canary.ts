import { boundsText, canaryPlanOf, deploymentKind, DeploymentStage, percentOf } from './deployment';
import { namespaceText, stageLabel } from '../plan-text';

/**
 * A Deployment canary: a stable and a canary Deployment behind one Service. At each stage of the plan
 * the canary Deployment runs `replicas - partition` pods of the candidate and the stable Deployment the
 * rest; at the last stage the stable Deployment takes the candidate template (a rolling update) with
 * every replica and the canary scales to 0. Aborting scales the canary to 0.
 */
export const DEPLOYMENT_CANARY = deploymentKind({
  id: 'deployment-canary',
  style: 'canary',
  tracksColor: false,
  planOf: canaryPlanOf,
  stages: ({ layout, canaryPlan }): DeploymentStage[] => {
    const [stable, canary] = layout.deployments;
    const n = layout.replicas;
    const plan = canaryPlan!;
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
  },
  rollback: (layout, _color, pods) =>
    `${pods.join(', ')} go back to it: the canary scales to 0 and ${layout.deployments[0]} runs every replica on the stable template`,
  describe: plan => {
    const l = plan.layout;
    const rolls = plan.stages[plan.stages.length - 1];
    return [
      `Canary of \`${plan.app}\` (${namespaceText(plan.namespace)}), ${plan.replicas} replicas: the stable Deployment \`${l.deployments[0]}\` and the canary Deployment \`${l.deployments[1]}\` (label \`${l.label}\`: \`${l.labelValues[0]}\` / \`${l.labelValues[1]}\`) behind Service \`${l.service}\`, which selects the pods of both.`,
      '',
      `Each stage sets the replicas of both Deployments in one sync: the stable one may scale down before the canary pods are ready. The Service spreads requests over the ready pods of both, so the candidate's share of traffic is about its share of pods. At \`${stageLabel(rolls)}\` the stable Deployment takes the candidate template, a rolling update with ${boundsText(plan)}, and the canary scales to 0.`,
    ];
  },
});
