import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
// In your own app: import { ... } from 'cdk8s-staged-rollout';
import { RolloutPlan, StageSize, StatefulApp } from '../../src';

export const OLD_IMAGE = 'nginxinc/nginx-unprivileged:1.26.1';
export const NEW_IMAGE = 'nginxinc/nginx-unprivileged:1.27.0';

/** The waves of the fleet, in order: staging first, then prod-eu, then prod-us. */
export const WAVES = ['staging', 'prod-eu', 'prod-us'];

/**
 * A fleet in waves: the StatefulSet `shop` (4 replicas) runs in three clusters, staging, prod-eu and
 * prod-us, each applying its own root `dist/shop/clusters/<wave>/kustomization.yaml`. A new version goes
 * through every stage in staging, then prod-eu starts; once prod-eu runs the canary, prod-us may start
 * too (prod-eu's `nextWaveAfter`).
 */
export class FleetChart extends Chart {
  public readonly app: StatefulApp;

  public constructor(scope: Construct, id: string, image = NEW_IMAGE) {
    super(scope, id);
    this.app = new StatefulApp(this, 'shop', {
      replicas: 4,
      selectorLabels: { app: 'shop' },
      service: { name: 'shop', ports: [{ name: 'http', port: 80, targetPortName: 'http' }] },
      containers: [{ name: 'nginx', image, ports: [{ name: 'http', containerPort: 8080 }] }],
      rollout: {
        plan: RolloutPlan.canary({ canary: StageSize.pods(1), steps: [StageSize.percent(50)] }),
        waves: [{ name: 'staging' }, { name: 'prod-eu', nextWaveAfter: 'canary' }, { name: 'prod-us' }],
      },
    });
  }
}
