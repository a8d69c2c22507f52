import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
// In your own app: import { ... } from 'cdk8s-staged-rollout';
import { RolloutPlan, StageSize, StatefulApp } from '../../src';

// seed 002's nginx:1.25.4 -> nginx:1.26.1, as the builds of the same nginx releases that run as uid 101 on
// port 8080: the official nginx image runs as root, which the restricted defaults (runAsNonRoot) refuse
/** The image the pods ran before (seed 002). */
export const OLD_IMAGE = 'nginxinc/nginx-unprivileged:1.25.4';
/** The image the canary releases. */
export const NEW_IMAGE = 'nginxinc/nginx-unprivileged:1.26.1';

/**
 * Seed 002, a partition canary: five pods move from nginx 1.25.4 to 1.26.1 (the non-root builds, on port
 * 8080 behind Service port 80) in the stages hold -> canary (partition 2) -> widen (partition 1) ->
 * complete (partition 0). The committed rollout state (rollout-state/nginx-statefulset.json) has it at the canary stage; `history.ts` replays how.
 */
export class NginxCanaryChart extends Chart {
  public readonly app: StatefulApp;

  public constructor(scope: Construct, id: string, image: string = NEW_IMAGE) {
    super(scope, id);
    this.app = new StatefulApp(this, 'nginx-statefulset', {
      replicas: 5,
      selectorLabels: { app: 'nginx-stateful' },
      service: { name: 'nginx-stateful-service', ports: [{ name: 'web-port', port: 80, targetPortName: 'web-port' }] },
      containers: [{
        name: 'nginx-container',
        image,
        ports: [{ name: 'web-port', containerPort: 8080 }],
      }],
      rollout: {
        plan: RolloutPlan.fromStages([
          { name: 'canary', size: StageSize.pods(3) },
          { name: 'widen', size: StageSize.pods(4) },
        ]),
      },
    });
  }
}
