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
 *
 * `ikubernetes/myapp` is nginx 1.12 running as root, and has no non-root build: the container opts out of
 * `runAsNonRoot` with `runsAsRoot: true` and adds back only what an nginx master needs (bind port 80,
 * chown its cache directories, switch its workers to the nginx user). The rest of the restricted
 * defaults stay; the pod is "baseline" under the Pod Security Standards, not "restricted".
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
        runsAsRoot: true,
        securityContext: { capabilities: { add: ['CHOWN', 'SETGID', 'SETUID', 'NET_BIND_SERVICE'] } },
      }],
      rollout: { plan: RolloutPlan.staged() },
    });
  }
}
