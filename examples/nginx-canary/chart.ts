import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
// In your own app: import { ... } from 'cdk8s-staged-rollout';
import { RolloutPlan, StageSize, StatefulApp } from '../../src';

/** The image the canary releases; the pods ran `nginx:1.25.4` before (seed 002). */
export const NEW_IMAGE = 'nginx:1.26.1';

/**
 * Seed 002, a partition canary: five pods move from `nginx:1.25.4` to `nginx:1.26.1` in the stages
 * hold -> partition 2 -> partition 1 -> complete (partition 0). The canary stage is active.
 */
export class NginxCanaryChart extends Chart {
  public readonly app: StatefulApp;

  public constructor(scope: Construct, id: string, activeStage: string = 'canary') {
    super(scope, id);
    this.app = new StatefulApp(this, 'nginx-statefulset', {
      replicas: 5,
      selectorLabels: { app: 'nginx-stateful' },
      service: { name: 'nginx-stateful-service', ports: [{ name: 'web-port', port: 80 }] },
      containers: [{
        name: 'nginx-container',
        image: NEW_IMAGE,
        ports: [{ name: 'web-port', containerPort: 80 }],
      }],
      rollout: {
        plan: RolloutPlan.fromStages([
          { name: 'canary', size: StageSize.pods(3) },
          { name: 'widen', size: StageSize.pods(4) },
        ]),
        activeStage,
      },
    });
  }
}
