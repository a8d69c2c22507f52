import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { checkDnsSubdomain, checkDuration, checkNonEmpty, checkRepoPath } from './common';
import { IStagedWorkload } from '../constructs/shared/staged-workload';
import { checkDnsLabel, checkInteger, checkLabelKey, checkLabels, show } from '../core/validation';
import * as app from '../imports/argocd-application-argoproj.io';
import * as appset from '../imports/argocd-applicationset-argoproj.io';

/** What Argo CD applications built here have in common. */
export interface ArgoCdSyncOptions {
  /**
   * The Argo CD namespace the Application lives in.
   * @default 'argocd'
   */
  readonly namespace?: string;
  /**
   * The Argo CD project.
   * @default 'default'
   */
  readonly project?: string;
  /** The Git repository URL. */
  readonly repoUrl: string;
  /**
   * The branch, tag or commit to follow.
   * @default 'HEAD'
   */
  readonly targetRevision?: string;
  /** The rollout directory in the repository, such as `dist/web`: Argo CD builds its root kustomization. */
  readonly path: string;
  /**
   * The namespace objects without one are applied to.
   * @default - none: the objects' own namespace
   */
  readonly destinationNamespace?: string;
  /**
   * Sync automatically on every commit (so a promotion commit is a release).
   * @default true
   */
  readonly automated?: boolean;
  /**
   * With automated sync, delete objects removed from Git.
   * @default true
   */
  readonly prune?: boolean;
  /**
   * With automated sync, revert changes made in the cluster (a `kubectl patch` of the partition).
   * @default true
   */
  readonly selfHeal?: boolean;
  /**
   * Sync options such as `CreateNamespace=true` or `ServerSideApply=true`.
   * @default - none
   */
  readonly syncOptions?: string[];
  /**
   * Add Argo CD's `resources-finalizer.argocd.argoproj.io` finalizer: deleting the Application then
   * deletes the objects it applied (without it they are left in the cluster).
   * @default false - deleting the Application leaves its objects
   */
  readonly resourcesFinalizer?: boolean;
  /**
   * Retry a failed sync (`syncPolicy.retry`).
   * @default - no retry: a failed sync waits for the next commit or refresh
   */
  readonly retry?: ArgoCdRetry;
  /**
   * Differences Argo CD ignores (`ignoreDifferences`), such as `/spec/replicas` of a workload whose
   * replicas an HPA owns (then also set `replicasManagedByHpa` on the construct).
   * @default - none
   */
  readonly ignoreDifferences?: ArgoCdIgnoreDifference[];
  /**
   * Apps whose `spec.replicas` a HorizontalPodAutoscaler owns (`replicasManagedByHpa: true` on a
   * StatefulApp, AdoptedStatefulSet or DeploymentApp): for each of their workloads an `ignoreDifferences`
   * entry `{ group, kind, name, namespace, jsonPointers: ['/spec/replicas'] }` is added after
   * `ignoreDifferences`, and `RespectIgnoreDifferences=true` to `syncOptions`.
   *
   * Both are needed (argo-cd docs/user-guide/sync-options.md, "Respect ignore differences configs"):
   * `ignoreDifferences` alone only hides the field from the diff, and the sync still applies the manifest
   * as-is, by a three-way merge with the `last-applied-configuration` annotation; a workload whose
   * annotation still holds `replicas` (from a synth before the HPA) would have them removed, and the API
   * server would default them to 1. With `RespectIgnoreDifferences=true` Argo CD copies the live value of
   * the ignored field into what it applies (once the object exists).
   * @default - none
   */
  readonly ignoreReplicasOf?: IStagedWorkload[];
  /**
   * The sync wave of the Application itself (`argocd.argoproj.io/sync-wave`), for app-of-apps ordering.
   * @default - none (wave 0)
   */
  readonly syncWave?: number;
  /**
   * Argo CD notifications subscriptions (`notifications.argoproj.io/subscribe.<trigger>.<service>`).
   * @default - none
   */
  readonly notifications?: ArgoCdNotification[];
}

/** `syncPolicy.retry` of an Argo CD Application. */
export interface ArgoCdRetry {
  /** How many times to retry; a negative number retries forever. */
  readonly limit: number;
  /**
   * The first wait (a duration such as `5s`).
   * @default '5s'
   */
  readonly backoffDuration?: string;
  /**
   * The factor each wait is multiplied by.
   * @default 2
   */
  readonly backoffFactor?: number;
  /**
   * The longest wait.
   * @default '3m'
   */
  readonly backoffMaxDuration?: string;
}

/** An `ignoreDifferences` entry of an Argo CD Application. */
export interface ArgoCdIgnoreDifference {
  /**
   * The API group, such as `apps` (empty for the core group).
   * @default - the core group
   */
  readonly group?: string;
  /** The kind, such as `StatefulSet`. */
  readonly kind: string;
  /**
   * The object's name.
   * @default - every object of the kind
   */
  readonly name?: string;
  /** JSON pointers of the fields to ignore, such as `/spec/replicas`. */
  readonly jsonPointers: string[];
}

/** An Argo CD notifications subscription. */
export interface ArgoCdNotification {
  /** The trigger, such as `on-sync-failed` or `on-health-degraded`. */
  readonly trigger: string;
  /** The notification service, such as `slack`. */
  readonly service: string;
  /** The recipients, such as a Slack channel. */
  readonly recipients: string[];
}

const TRIGGER = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** The label that carries a wave: on the generated Applications, and on the Argo CD cluster Secrets. */
export const WAVE_LABEL = 'cdk8s-staged-rollout/wave';

/** The directory, inside a rollout directory, that holds one root per wave: `clusters/<wave>`. */
function wavePath(path: string, wave: string): string {
  return `${path}/clusters/${wave}`;
}

/** The metadata the production options add: the finalizer, the sync wave, the notifications. */
function productionMetadata(o: ArgoCdSyncOptions): { finalizers?: string[]; annotations?: { [key: string]: string } } {
  const annotations: { [key: string]: string } = {};
  if (o.syncWave !== undefined) {
    if (!Number.isInteger(o.syncWave)) {
      throw new Error(`syncWave (${show(o.syncWave)}) must be an integer`);
    }
    annotations['argocd.argoproj.io/sync-wave'] = String(o.syncWave);
  }
  (o.notifications ?? []).forEach((n, i) => {
    if (!TRIGGER.test(n.trigger)) throw new Error(`notifications[${i}].trigger (${show(n.trigger)}) must be lowercase letters, digits and '-', such as "on-sync-failed"`);
    if (!TRIGGER.test(n.service)) throw new Error(`notifications[${i}].service (${show(n.service)}) must be lowercase letters, digits and '-', such as "slack"`);
    if (n.recipients.length === 0 || n.recipients.some(r => r.trim() === '' || r.includes(';'))) {
      throw new Error(`notifications[${i}].recipients (${show(n.recipients)}) must list at least one recipient, none empty or with ';'`);
    }
    annotations[`notifications.argoproj.io/subscribe.${n.trigger}.${n.service}`] = n.recipients.join(';');
  });
  return {
    finalizers: o.resourcesFinalizer ? ['resources-finalizer.argocd.argoproj.io'] : undefined,
    annotations: Object.keys(annotations).length > 0 ? annotations : undefined,
  };
}

function retryOf(r: ArgoCdRetry | undefined): app.ApplicationSpecSyncPolicyRetry | undefined {
  if (r === undefined) return undefined;
  if (!Number.isInteger(r.limit)) throw new Error(`retry.limit (${show(r.limit)}) must be an integer (a negative one retries forever)`);
  const duration = r.backoffDuration ?? '5s';
  const maxDuration = r.backoffMaxDuration ?? '3m';
  checkDuration('retry.backoffDuration', duration);
  checkDuration('retry.backoffMaxDuration', maxDuration);
  const factor = r.backoffFactor ?? 2;
  if (!Number.isInteger(factor) || factor < 1) throw new Error(`retry.backoffFactor (${show(factor)}) must be an integer of at least 1`);
  return { limit: r.limit, backoff: { duration, factor, maxDuration } };
}

function ignoreDifferencesOf(o: ArgoCdSyncOptions): app.ApplicationSpecIgnoreDifferences[] | undefined {
  const given = (o.ignoreDifferences ?? []).map((d, i) => {
    checkNonEmpty(`ignoreDifferences[${i}].kind`, d.kind);
    if (d.jsonPointers.length === 0 || d.jsonPointers.some(p => !p.startsWith('/'))) {
      throw new Error(`ignoreDifferences[${i}].jsonPointers (${show(d.jsonPointers)}) must list JSON pointers, each starting with '/', such as "/spec/replicas"`);
    }
    return { group: d.group, kind: d.kind, name: d.name, jsonPointers: d.jsonPointers };
  });
  const replicas = replicasEntries(o.ignoreReplicasOf);
  if (o.ignoreDifferences === undefined && replicas.length === 0) return undefined;
  return [...given, ...replicas];
}

/** The `ignoreDifferences` entries of `ignoreReplicasOf`: `/spec/replicas` of each workload. */
function replicasEntries(workloads: IStagedWorkload[] | undefined): app.ApplicationSpecIgnoreDifferences[] {
  if (workloads === undefined) return [];
  if (workloads.length === 0) throw new Error('ignoreReplicasOf ([]) must list at least one app, or be left out');
  return workloads.flatMap((w, i) => {
    const refs = w?.workloads;
    if (!Array.isArray(refs)) throw new Error(`ignoreReplicasOf[${i}] (${show(w)}) must be a StatefulApp, an AdoptedStatefulSet or a DeploymentApp`);
    return refs.map(r => {
      if (r.replicasManagedByHpa !== true) {
        throw new Error(`ignoreReplicasOf[${i}] (${r.kind} ${JSON.stringify(r.name)}) must have replicasManagedByHpa: true: the library writes its spec.replicas (a rollout's stages may change them), and ignoring them would leave that change unapplied`);
      }
      const slash = r.apiVersion.indexOf('/');
      return { group: slash < 0 ? '' : r.apiVersion.slice(0, slash), kind: r.kind, name: r.name, namespace: r.namespace, jsonPointers: ['/spec/replicas'] };
    });
  });
}

/** `syncOptions`, with `RespectIgnoreDifferences=true` when `ignoreReplicasOf` needs it. */
function syncOptionsOf(o: ArgoCdSyncOptions): string[] | undefined {
  const respect = 'RespectIgnoreDifferences=true';
  if (o.ignoreReplicasOf === undefined || (o.syncOptions ?? []).includes(respect)) return o.syncOptions;
  if ((o.syncOptions ?? []).some(x => /^RespectIgnoreDifferences=/.test(x))) {
    throw new Error(`syncOptions (${show(o.syncOptions)}) must not turn RespectIgnoreDifferences off with ignoreReplicasOf: the sync would apply the manifest without the ignored replicas and remove them`);
  }
  return [...(o.syncOptions ?? []), respect];
}

/** Props of `ArgoCdApplication`. */
export interface ArgoCdApplicationProps extends ArgoCdSyncOptions {
  /**
   * The Application name.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The destination cluster's API server URL.
   * @default 'https://kubernetes.default.svc' (the cluster Argo CD runs in), unless destinationName is set
   */
  readonly destinationServer?: string;
  /**
   * The destination cluster's name in Argo CD, instead of `destinationServer`.
   * @default - use destinationServer
   */
  readonly destinationName?: string;
  /**
   * The wave of a rollout with `rollout.waves` that this cluster belongs to: the Application applies that
   * wave's root, `<path>/clusters/<wave>` (a rollout with waves has no root at `<path>`), and carries the
   * label `cdk8s-staged-rollout/wave: <wave>`. A prop rather than a longer `path`, so that the layout of
   * the tree stays the library's to name.
   * @default - no waves: the root at `path`
   */
  readonly wave?: string;
}

function syncPolicy(o: ArgoCdSyncOptions): app.ApplicationSpecSyncPolicy | undefined {
  const automated = o.automated ?? true;
  if (!automated && (o.prune !== undefined || o.selfHeal !== undefined)) {
    throw new Error(`prune (${show(o.prune)}) and selfHeal (${show(o.selfHeal)}) need automated sync: set automated to true or leave them out`);
  }
  const retry = retryOf(o.retry);
  const syncOptions = syncOptionsOf(o);
  if (!automated && syncOptions === undefined && retry === undefined) {
    return undefined;
  }
  return {
    automated: automated ? { prune: o.prune ?? true, selfHeal: o.selfHeal ?? true } : undefined,
    syncOptions,
    retry,
  };
}

function sourceOf(o: ArgoCdSyncOptions): app.ApplicationSpecSource {
  return { repoUrl: o.repoUrl, targetRevision: o.targetRevision ?? 'HEAD', path: o.path.replace(/^\.\//, '') };
}

function checkCommon(o: ArgoCdSyncOptions): void {
  checkDnsLabel('namespace', o.namespace ?? 'argocd');
  checkNonEmpty('project', o.project ?? 'default');
  checkNonEmpty('repoUrl', o.repoUrl);
  checkNonEmpty('targetRevision', o.targetRevision ?? 'HEAD');
  checkRepoPath('path', o.path);
  if (o.destinationNamespace !== undefined) checkDnsLabel('destinationNamespace', o.destinationNamespace);
}

/**
 * An Argo CD `Application` that applies a rollout directory from Git. Argo CD builds the root
 * kustomization (the active stage), applies it, and reports the StatefulSet Healthy once
 * `observedGeneration` caught up, every pod is ready and `updatedReplicas >= replicas - partition`
 * (gitops-engine's StatefulSet health): a stage is done when the Application is Synced and Healthy.
 */
export class ArgoCdApplication extends Construct {
  /** The Application object (use `addJsonPatch` for fields these props do not cover). */
  public readonly resource: ApiObject;

  public constructor(scope: Construct, id: string, props: ArgoCdApplicationProps) {
    super(scope, id);
    const name = props.name ?? id;
    checkDnsSubdomain('name', name);
    checkCommon(props);
    if (props.destinationServer !== undefined && props.destinationName !== undefined) {
      throw new Error(`destinationServer (${show(props.destinationServer)}) and destinationName (${show(props.destinationName)}) cannot both be set: name the cluster one way`);
    }
    if (props.wave !== undefined) checkDnsLabel('wave', props.wave);
    const source = sourceOf(props);
    this.resource = new app.Application(this, 'Resource', {
      metadata: {
        name,
        namespace: props.namespace ?? 'argocd',
        labels: props.wave !== undefined ? { [WAVE_LABEL]: props.wave } : undefined,
        ...productionMetadata(props),
      },
      spec: {
        project: props.project ?? 'default',
        source: props.wave !== undefined ? { ...source, path: wavePath(source.path!, props.wave) } : source,
        destination: {
          server: props.destinationName === undefined ? props.destinationServer ?? 'https://kubernetes.default.svc' : undefined,
          name: props.destinationName,
          namespace: props.destinationNamespace,
        },
        syncPolicy: syncPolicy(props),
        ignoreDifferences: ignoreDifferencesOf(props),
      },
    });
  }
}

/** A cluster of an ApplicationSet's list generator. */
export interface ArgoCdCluster {
  /** The cluster's name (used in the Application name `<name>-<cluster>`). */
  readonly name: string;
  /** The cluster's API server URL. */
  readonly server: string;
  /**
   * The cluster's wave (one of `waves.names`; several clusters may share one): its Application applies
   * `<path>/clusters/<wave>`. Needs `waves`.
   * @default - with waves, the cluster's name
   */
  readonly wave?: string;
}

/**
 * The waves of a rollout (`rollout.waves`) that an ApplicationSet applies: each cluster's Application
 * points at its wave's root, `<path>/clusters/<wave>`, and carries the wave label.
 */
export interface ArgoCdWaves {
  /**
   * The waves this ApplicationSet applies, in the rollout's order (the names of `rollout.waves`, such as
   * `['staging', 'prod-eu', 'prod-us']`): each a DNS-1123 label, none twice. With a list generator every
   * wave needs at least one cluster; with a clusters generator only the clusters whose wave label names
   * one of them are selected.
   */
  readonly names: string[];
  /**
   * The label key that carries the wave: on each generated Application (which RollingSync's steps
   * match), and, with a clusters generator, on the Argo CD cluster Secrets, where it names each
   * cluster's wave. Placeholders: `{{metadata.labels.<key>}}` (fasttemplate) or
   * `{{index .metadata.labels "<key>"}}` (goTemplate: Argo CD passes the labels as a map there, and `.`
   * cannot reach a key with `/` or `.`).
   * @default 'cdk8s-staged-rollout/wave'
   */
  readonly label?: string;
  /**
   * Argo CD Progressive Syncs: `spec.strategy` RollingSync with one step per wave, in order, each step the
   * Applications whose wave label is that wave. The ApplicationSet controller then syncs a wave only once
   * every Application of the waves before it is Healthy, so a commit that moves several waves' roots
   * still reaches them one at a time.
   *
   * What Argo CD does with it (argoproj/argo-cd, docs/operator-manual/applicationset/Progressive-Syncs.md
   * and applicationset/utils/progressivesync): it is off unless the ApplicationSet controller runs with
   * `--enable-progressive-syncs` (or `ARGOCD_APPLICATIONSET_CONTROLLER_ENABLE_PROGRESSIVE_SYNCS=true`, or
   * `applicationsetcontroller.enable.progressive.syncs: "true"` in `argocd-cmd-params-cm`); without it the
   * strategy is ignored and every Application syncs by its own automated policy. With it, the controller
   * turns automated sync off on every generated Application and triggers each sync itself: `prune`
   * follows `automated.prune` of the template, `retry` and `syncOptions` are kept, `selfHeal` no longer
   * acts (a `kubectl patch` stays until the next triggered sync). An Application no step selects is
   * never synced by it (this construct gives every Application a wave, so every one is selected).
   * @default false - no strategy (AllAtOnce): the waves are ordered only by the promotion commits
   */
  readonly rollingSync?: boolean;
  /**
   * With `rollingSync`, how many Applications of one wave sync at a time (`maxUpdate` of every step).
   * @default - every Application of the wave at once
   */
  readonly maxUpdate?: number;
}

/** Props of `ArgoCdApplicationSet`. */
export interface ArgoCdApplicationSetProps extends ArgoCdSyncOptions {
  /**
   * The ApplicationSet name; each generated Application is `<name>-<cluster name>`.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The clusters, listed (a list generator).
   * @default - use clusterSelector
   */
  readonly clusters?: ArgoCdCluster[];
  /**
   * The clusters registered in Argo CD whose labels match (a clusters generator).
   * @default - use clusters
   */
  readonly clusterSelector?: { [label: string]: string };
  /**
   * Render the template with Go templates (`goTemplate: true`): the placeholders become `{{.name}}` and
   * `{{.server}}`.
   * @default false - the legacy fasttemplate placeholders `{{name}}`, `{{server}}`
   */
  readonly goTemplate?: boolean;
  /**
   * Go template options, such as `missingkey=error` (needs `goTemplate`).
   * @default - ["missingkey=error"] with goTemplate, else none
   */
  readonly goTemplateOptions?: string[];
  /**
   * The rollout's waves (`rollout.waves`): each cluster's Application applies its own wave's root
   * instead of `path`, optionally in order by Argo CD's RollingSync.
   * @default - no waves: every Application applies the root at `path`
   */
  readonly waves?: ArgoCdWaves;
}

/**
 * An Argo CD `ApplicationSet` that fans one rollout directory out to many clusters. Without waves every
 * cluster gets an Application for the same root, so a promotion commit moves every cluster to the next
 * stage. With `waves`, each cluster's Application applies its wave's root (`<path>/clusters/<wave>`),
 * which a promotion moves one wave at a time.
 */
export class ArgoCdApplicationSet extends Construct {
  /** The ApplicationSet object. */
  public readonly resource: ApiObject;

  public constructor(scope: Construct, id: string, props: ArgoCdApplicationSetProps) {
    super(scope, id);
    const name = props.name ?? id;
    checkDnsSubdomain('name', name);
    checkCommon(props);
    if ((props.clusters === undefined) === (props.clusterSelector === undefined)) {
      throw new Error(`clusters (${show(props.clusters)}) and clusterSelector (${show(props.clusterSelector)}): set exactly one of them`);
    }
    const waves = props.waves && checkWaves(props.waves);
    const generator: appset.ApplicationSetSpecGenerators = props.clusters !== undefined
      ? {
        list: {
          elements: props.clusters.map((c, i) => {
            checkDnsLabel(`clusters[${i}].name`, c.name);
            const first = props.clusters!.findIndex(o => o.name === c.name);
            if (first !== i) {
              throw new Error(`clusters[${i}].name (${show(c.name)}) is also clusters[${first}].name: each cluster needs its own name, which names its Application "${name}-${c.name}"`);
            }
            checkNonEmpty(`clusters[${i}].server`, c.server);
            if (waves === undefined) {
              if (c.wave !== undefined) throw new Error(`clusters[${i}].wave (${show(c.wave)}) needs waves: list the rollout's waves in waves.names`);
              return { name: c.name, server: c.server };
            }
            const wave = c.wave ?? c.name;
            if (!waves.names.includes(wave)) {
              const given = c.wave === undefined ? `${show(wave)}, the cluster's name` : show(wave);
              throw new Error(`clusters[${i}].wave (${given}) must be one of waves.names (${waves.names.map(w => JSON.stringify(w)).join(', ')}): set the wave of cluster "${c.name}"`);
            }
            return { name: c.name, server: c.server, wave };
          }),
        },
      }
      : {
        clusters: {
          selector: {
            matchLabels: (checkLabels('clusterSelector', props.clusterSelector!), props.clusterSelector),
            // only the clusters whose wave label names a wave: no Application without a root to apply
            matchExpressions: waves && [{ key: waves.label, operator: 'In', values: waves.names }],
          },
        },
      };
    if (props.clusters !== undefined && props.clusters.length === 0) {
      throw new Error('clusters ([]) must list at least one cluster');
    }
    if (waves !== undefined && props.clusters !== undefined) {
      const used = new Set(props.clusters.map(c => c.wave ?? c.name));
      const empty = waves.names.filter(w => !used.has(w));
      if (empty.length > 0) {
        throw new Error(`waves.names (${empty.map(w => JSON.stringify(w)).join(', ')}) must each have a cluster: no cluster of clusters is in ${empty.length === 1 ? 'that wave' : 'those waves'}; give a cluster that wave, or leave the wave out of this ApplicationSet`);
      }
    }
    const sync = syncPolicy(props);
    const go = props.goTemplate ?? false;
    if (!go && props.goTemplateOptions !== undefined) {
      throw new Error(`goTemplateOptions (${show(props.goTemplateOptions)}) need goTemplate: set goTemplate to true or leave them out`);
    }
    const field = (f: string) => (go ? `{{.${f}}}` : `{{${f}}}`);
    // the list generator's elements carry `wave`; a clusters generator reads the cluster Secret's label
    const wave = waves && (props.clusters !== undefined
      ? field('wave')
      : go ? `{{index .metadata.labels ${JSON.stringify(waves.label)}}}` : `{{metadata.labels.${waves.label}}}`);
    // the sync wave orders the ApplicationSet in its parent; the generated Applications get the rest
    const { finalizers, annotations } = productionMetadata({ ...props, syncWave: undefined });
    productionMetadata(props);
    const source = sourceOf(props);
    this.resource = new appset.ApplicationSet(this, 'Resource', {
      metadata: { name, namespace: props.namespace ?? 'argocd', annotations: props.syncWave !== undefined ? { 'argocd.argoproj.io/sync-wave': String(props.syncWave) } : undefined },
      spec: {
        goTemplate: go ? true : undefined,
        goTemplateOptions: go ? props.goTemplateOptions ?? ['missingkey=error'] : undefined,
        generators: [generator],
        strategy: waves?.rollingSync ? {
          type: 'RollingSync',
          rollingSync: {
            steps: waves.names.map(w => ({
              matchExpressions: [{ key: waves.label, operator: 'In', values: [w] }],
              maxUpdate: waves.maxUpdate !== undefined ? appset.ApplicationSetSpecStrategyRollingSyncStepsMaxUpdate.fromNumber(waves.maxUpdate) : undefined,
            })),
          },
        } : undefined,
        template: {
          metadata: { name: `${name}-${field('name')}`, labels: wave !== undefined ? { [waves!.label]: wave } : undefined, finalizers, annotations },
          spec: {
            project: props.project ?? 'default',
            source: wave !== undefined ? { ...source, path: wavePath(source.path!, wave) } : source,
            destination: { server: field('server'), namespace: props.destinationNamespace },
            syncPolicy: sync && { automated: sync.automated, syncOptions: sync.syncOptions, retry: sync.retry },
            ignoreDifferences: ignoreDifferencesOf(props),
          },
        },
      },
    });
  }
}

/** The waves, checked, with the label key resolved. */
function checkWaves(w: ArgoCdWaves): { names: string[]; label: string; rollingSync: boolean; maxUpdate?: number } {
  if (!Array.isArray(w.names) || w.names.length === 0) {
    throw new Error(`waves.names (${show(w.names)}) must list the rollout's waves in order, at least one`);
  }
  w.names.forEach((n, i) => {
    checkDnsLabel(`waves.names[${i}]`, n);
    const first = w.names.indexOf(n);
    if (first !== i) throw new Error(`waves.names[${i}] (${show(n)}) is also waves.names[${first}]: each wave is named once`);
  });
  const label = w.label ?? WAVE_LABEL;
  checkLabelKey('waves.label', label);
  const rollingSync = w.rollingSync ?? false;
  if (w.maxUpdate !== undefined) {
    if (!rollingSync) throw new Error(`waves.maxUpdate (${show(w.maxUpdate)}) needs waves.rollingSync: set rollingSync to true or leave maxUpdate out`);
    checkInteger('waves.maxUpdate', w.maxUpdate, 1);
  }
  return { names: w.names, label, rollingSync, maxUpdate: w.maxUpdate };
}
