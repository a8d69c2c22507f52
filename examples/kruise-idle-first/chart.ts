import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
// In your own app: import { ... } from 'cdk8s-staged-rollout';
import {
  KruisePodUpdatePolicy, PodManagementPolicy, RolloutPlan, StageSize, StatefulApp, StatefulSetBackend, UpdatePriority,
} from '../../src';

/** The image every pod ran (seed 004). */
export const OLD_IMAGE = 'alpine:3.18.2';
/** The image released to the idle pods first. */
export const NEW_IMAGE = 'alpine:3.18.0';

/**
 * Seed 004: a voting cluster of five whose working members (pods 0, 2 and 4, labelled `working=true` at run
 * time by an arbiter) must keep running while the idle ones update. An OpenKruise Advanced StatefulSet with
 * weightPriority (`working=false` 50, `working=true` 30) and partition 3 updates the two idle pods, 1 and 3,
 * first; then `complete` updates the rest. Updates are in place when only the image changed.
 */
export class KruiseIdleFirstChart extends Chart {
  public readonly app: StatefulApp;

  public constructor(scope: Construct, id: string, image: string = NEW_IMAGE) {
    super(scope, id);
    this.app = new StatefulApp(this, 'sample', {
      replicas: 5,
      selectorLabels: { app: 'sample' },
      podLabels: { working: 'false' },
      service: { name: 'fake-service' },
      podManagementPolicy: PodManagementPolicy.PARALLEL,
      // alpine runs as root unless told otherwise: `sleep` needs no privilege, so run it as nobody (65534)
      containers: [{ name: 'main', image, command: ['sleep', '3600'], securityContext: { runAsUser: 65534 } }],
      backend: StatefulSetBackend.kruise({
        podUpdatePolicy: KruisePodUpdatePolicy.IN_PLACE_IF_POSSIBLE,
        priority: UpdatePriority.weight([
          { weight: 30, matchLabels: { working: 'true' } },
          { weight: 50, matchLabels: { working: 'false' } },
        ]),
        // what the arbiter labels at run time, for the preview in PLAN.md only
        previewPodLabels: [0, 2, 4].map(ordinal => ({ ordinal, labels: { working: 'true' } })),
      }),
      rollout: { plan: RolloutPlan.fromStages([{ name: 'idle', size: StageSize.pods(2) }]) },
    });
  }
}
