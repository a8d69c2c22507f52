import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
// In your own app: import { ... } from 'cdk8s-staged-rollout';
import { RolloutPlan, StatefulApp } from '../../src';

/** The image every pod runs (released before). */
export const OLD_IMAGE = 'ikubernetes/myapp:v1';
/** The image staged at hold. */
export const NEW_IMAGE = 'ikubernetes/myapp:v2';

/**
 * Seed 000, a staged ("hold") update: the new template of `myapp` is committed at the hold stage, so no
 * pod moves, and released later by `cdk8s-staged promote` to `complete`. The committed rollout state
 * (rollout-state/myapp.json) records v1 as stable; `history.ts` replays how.
 */
export class StagedHoldChart extends Chart {
  public readonly app: StatefulApp;

  public constructor(scope: Construct, id: string, image: string = NEW_IMAGE) {
    super(scope, id);
    this.app = new StatefulApp(this, 'myapp', {
      replicas: 3,
      selectorLabels: { 'app.kubernetes.io/name': 'myapp' },
      containers: [{
        name: 'myapp',
        image,
        ports: [{ name: 'http', containerPort: 80 }],
      }],
      rollout: { plan: RolloutPlan.staged() },
    });
  }
}
