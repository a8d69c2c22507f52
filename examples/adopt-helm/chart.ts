import * as path from 'path';
import { ApiObject, Chart, Include } from 'cdk8s';
import { Construct } from 'constructs';
// In your own app: import { ... } from 'cdk8s-staged-rollout';
import { AdoptedStatefulSet, RolloutPlan, StageSize } from '../../src';

/** The committed `helm template` rendering this example adopts. */
export const RENDERED = path.join(__dirname, 'rendered.yaml');

/**
 * An existing StatefulSet put under a staged rollout as it is: the objects of a committed `helm template`
 * rendering are read with cdk8s `Include`, the StatefulSet `pg-keyvalue` becomes an `AdoptedStatefulSet`
 * (3 replicas, one pod per stage) and every object of the rendering goes into `dist/pg-keyvalue/base/`,
 * which is what Argo CD or Flux applies. To upgrade, render the chart again into `rendered.yaml` and
 * synth: the new template starts at hold.
 */
export class AdoptHelmChart extends Chart {
  public readonly app: AdoptedStatefulSet;
  public readonly rendered: Include;

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    this.rendered = new Include(this, 'rendered', { url: RENDERED });
    const statefulSet = this.rendered.apiObjects.find(o => o.kind === 'StatefulSet') as ApiObject;
    this.app = new AdoptedStatefulSet(this, 'pg-keyvalue', {
      statefulSet,
      objects: this.rendered.apiObjects,
      plan: RolloutPlan.linear({ step: StageSize.pods(1) }),
    });
  }
}
