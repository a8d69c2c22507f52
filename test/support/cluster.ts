import { templateImages, templateRevision } from '../../src/core/revision';

/**
 * A StatefulSet controller in miniature, written from kube-controller-manager's rules
 * (pkg/controller/statefulset): it tracks which revision each pod runs as objects are applied.
 * - the update revision is the applied template; on first creation it is also the current revision;
 * - a pod with `ordinal >= ordinals.start + partition` is moved to the update revision;
 * - a pod below the partition keeps what it runs (raising the partition never rolls a pod back);
 * - new ordinals are created at the update revision if at or above the partition, else at the current;
 * - the current revision becomes the update revision once every pod runs it (the rollout completed).
 */
export class MiniCluster {
  /** ordinal -> revision */
  public readonly pods = new Map<number, string>();
  public readonly images = new Map<string, { [container: string]: string }>();
  public currentRevision?: string;
  public updateRevision?: string;

  /** Apply a rendered StatefulSet and let the controller converge. */
  public apply(sts: any): void {
    const template = sts.spec.template;
    const revision = templateRevision(template);
    this.images.set(revision, templateImages(template));
    this.updateRevision = revision;
    if (this.currentRevision === undefined) this.currentRevision = revision;
    const start = sts.spec.ordinals?.start ?? 0;
    const partition = sts.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
    const replicas = sts.spec.replicas ?? 1;
    for (const ordinal of [...this.pods.keys()]) {
      if (ordinal < start || ordinal >= start + replicas) this.pods.delete(ordinal);
    }
    for (let ordinal = start; ordinal < start + replicas; ordinal++) {
      const eligible = ordinal >= start + partition;
      if (eligible) this.pods.set(ordinal, revision);
      else if (!this.pods.has(ordinal)) this.pods.set(ordinal, this.currentRevision);
    }
    if ([...this.pods.values()].every(r => r === this.updateRevision)) this.currentRevision = this.updateRevision;
  }

  /** pod name -> first container image, for assertions. */
  public podImages(app: string): { [pod: string]: string } {
    const out: { [pod: string]: string } = {};
    for (const [ordinal, revision] of [...this.pods.entries()].sort(([a], [b]) => a - b)) {
      out[`${app}-${ordinal}`] = Object.values(this.images.get(revision)!)[0];
    }
    return out;
  }
}
