import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
// In your own app: import { ... } from 'cdk8s-staged-rollout';
import { RolloutPlan, StatefulApp } from '../../src';

/**
 * Seed 000, a staged ("hold") update: the new template of `myapp` is committed at the hold stage, so no
 * pod moves, and released later by promoting to `complete`.
 */
export class StagedHoldChart extends Chart {
  public readonly app: StatefulApp;

  public constructor(scope: Construct, id: string, activeStage: string = 'hold') {
    super(scope, id);
    this.app = new StatefulApp(this, 'myapp', {
      replicas: 3,
      selectorLabels: { 'app.kubernetes.io/name': 'myapp' },
      containers: [{
        name: 'myapp',
        image: 'ikubernetes/myapp:v2',
        ports: [{ name: 'http', containerPort: 80 }],
      }],
      rollout: { plan: RolloutPlan.staged(), activeStage },
    });
  }
}
