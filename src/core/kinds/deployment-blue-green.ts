import { deploymentKind, deploymentOf, DeploymentStage, ServiceAtStage } from './deployment';
import { stageDirectory } from '../plan';
import { namespaceText } from '../plan-text';
import { Color, otherColor } from '../state';

/** The blue/green steps, with what each one does. */
export const BLUE_GREEN_STEPS = [
  { name: 'hold', size: 'hold' },
  { name: 'preview', size: 'candidate colour up, traffic on the stable colour' },
  { name: 'switch', size: 'traffic to the candidate colour' },
  { name: 'cleanup', size: 'stable colour scaled to 0' },
];

/**
 * Blue/green: two Deployments, a Service that selects one colour and a preview Service on the other.
 * With the candidate on `candidateColor`: hold (candidate colour at 0 replicas), preview (both colours
 * up, the Service on the stable colour, the preview Service on the candidate), switch (the Service on
 * the candidate colour, the preview Service on the stable one), cleanup (the stable colour scaled to 0).
 * The next rollout puts its candidate on the other colour; aborting sends the Service back.
 */
export const DEPLOYMENT_BLUE_GREEN = deploymentKind({
  id: 'deployment-blue-green',
  style: 'blueGreen',
  tracksColor: true,
  planOf: () => undefined,
  stages: ({ layout }, candidateColor: Color): DeploymentStage[] => {
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
      return {
        index,
        name: step.name,
        directory: stageDirectory(index, BLUE_GREEN_STEPS.length, step.name),
        size: step.size,
        deployments,
        services,
        candidatePods: up.candidate,
        stablePods: up.stable,
        candidateTraffic: live === candidateColor && n > 0 ? 100 : 0,
      };
    });
  },
  rollback: (layout, candidateColor, pods) =>
    `Service ${layout.service} goes back to ${deploymentOf(layout, otherColor(candidateColor))}, which still runs it; ${pods.join(', ')} scale to 0`,
  describe: plan => {
    const l = plan.layout;
    return [
      `Blue/green of \`${plan.app}\` (${namespaceText(plan.namespace)}), ${plan.replicas} replicas: Deployments \`${l.deployments[0]}\` and \`${l.deployments[1]}\` (label \`${l.label}\`); Service \`${l.service}\` selects one colour, the preview Service \`${l.previewService}\` the other. The candidate runs on **${plan.candidateColor}**.`,
      '',
      `preview starts the candidate colour beside the stable one (${plan.replicas * 2} pods), switch moves Service \`${l.service}\` to it (the preview Service then shows the stable colour, ready to switch back), cleanup scales the stable colour to 0. To roll back after the switch, abort: the Service goes back to the stable colour, which is still up until cleanup.`,
    ];
  },
});
