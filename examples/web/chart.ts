import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
// In your own app: import { ... } from 'cdk8s-staged-rollout';
import { AccessMode, RolloutPlan, StatefulApp } from '../../src';

/**
 * Seed 001, the StatefulSet tutorial: headless Service `nginx` and StatefulSet `web` with two replicas,
 * each with its own 1Gi volume `www`. Rolled out as a canary: hold, 1 pod, complete.
 */
export class WebChart extends Chart {
  public readonly app: StatefulApp;

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    this.app = new StatefulApp(this, 'web', {
      replicas: 2,
      selectorLabels: { app: 'nginx' },
      service: { name: 'nginx', ports: [{ name: 'web', port: 80 }] },
      containers: [{
        name: 'nginx',
        image: 'registry.k8s.io/nginx-slim:0.8',
        ports: [{ name: 'web', containerPort: 80 }],
        volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }],
      }],
      volumeClaimTemplates: [{ name: 'www', storage: '1Gi', accessModes: [AccessMode.READ_WRITE_ONCE] }],
      rollout: { plan: RolloutPlan.canary() },
    });
  }
}
