import { k8s } from 'cdk8s-plus-27';
import { ImagePullPolicy, Protocol } from './types';
import {
  checkBoolean, checkDnsLabel, checkInteger, checkKnownProps, checkOneOf, checkPortName, checkQuantity, show,
} from '../../core/validation';

/** A port a container listens on. */
export interface ContainerPortOptions {
  /** The port number (1..65535). */
  readonly containerPort: number;
  /**
   * The port name (an IANA service name). Named ports become the Service's ports by default.
   * @default - unnamed
   */
  readonly name?: string;
  /**
   * The protocol.
   * @default Protocol.TCP
   */
  readonly protocol?: Protocol;
  /**
   * The port on the node that forwards to this port (1..65535). A pod with a host port is not "baseline"
   * under the Pod Security Standards, and two pods with the same host port cannot share a node.
   * @default - none
   * @see https://kubernetes.io/docs/concepts/configuration/overview/#services
   */
  readonly hostPort?: number;
}

/** Where a container mounts a volume or a claim template. */
export interface VolumeMount {
  /** A `volumeClaimTemplates` name or a `volumes` name. */
  readonly name: string;
  /** The absolute path in the container. */
  readonly mountPath: string;
  /**
   * A sub-path of the volume: relative, without `..`.
   * @default - the volume's root
   */
  readonly subPath?: string;
  /**
   * A sub-path with `$(VAR)` references to the container's environment variables expanded, such as
   * `$(POD_NAME)`: relative, without `..`. Exclusive with `subPath`.
   * @default - the volume's root
   * @see https://kubernetes.io/docs/concepts/storage/volumes/#using-subpath-expanded-environment
   */
  readonly subPathExpr?: string;
  /**
   * Mount read-only.
   * @default false
   */
  readonly readOnly?: boolean;
}

/** Compute resources of a container. Nothing is injected: no key means no request or limit. */
export interface ContainerResources {
  /**
   * Requests, such as `{ cpu: '250m', memory: '256Mi' }`.
   * @default - none
   */
  readonly requests?: { [resource: string]: string };
  /**
   * Limits, such as `{ memory: '512Mi' }`.
   * @default - none
   */
  readonly limits?: { [resource: string]: string };
}

/** A container of the pod template. Only the fields given are emitted. */
export interface ContainerProps {
  /** The container name (a DNS-1123 label). */
  readonly name: string;
  /** The image reference, such as `registry.k8s.io/nginx-slim:0.8`. */
  readonly image: string;
  /**
   * When the kubelet pulls the image.
   * @default - the Kubernetes default (Always for `:latest` or no tag, else IfNotPresent)
   */
  readonly imagePullPolicy?: ImagePullPolicy;
  /**
   * The entrypoint.
   * @default - the image's ENTRYPOINT
   */
  readonly command?: string[];
  /**
   * The arguments.
   * @default - the image's CMD
   */
  readonly args?: string[];
  /**
   * The working directory.
   * @default - the image's
   */
  readonly workingDir?: string;
  /**
   * Ports the container listens on.
   * @default - none
   */
  readonly ports?: ContainerPortOptions[];
  /**
   * Environment variables. Reference secrets with `valueFrom.secretKeyRef`.
   * @default - none
   */
  readonly env?: k8s.EnvVar[];
  /**
   * Environment from ConfigMaps or Secrets.
   * @default - none
   */
  readonly envFrom?: k8s.EnvFromSource[];
  /**
   * Compute resources.
   * @default - none (no requests or limits are injected)
   */
  readonly resources?: ContainerResources;
  /**
   * The readiness probe.
   * @default - none
   */
  readonly readinessProbe?: k8s.Probe;
  /**
   * The liveness probe.
   * @default - none
   */
  readonly livenessProbe?: k8s.Probe;
  /**
   * The startup probe.
   * @default - none
   */
  readonly startupProbe?: k8s.Probe;
  /**
   * Hooks run after the container starts (`postStart`) and before it is stopped (`preStop`), such as a
   * `nodetool drain` before a Cassandra pod goes. Not allowed on init containers.
   * @default - none
   * @see https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/
   */
  readonly lifecycle?: k8s.Lifecycle;
  /**
   * The container security context, merged into the restricted defaults field by field, deeply for
   * `capabilities` and `seccompProfile`: `capabilities: { add: ['NET_BIND_SERVICE'] }` keeps `drop: [ALL]`,
   * `seccompProfile: { localhostProfile }` gets `type: Localhost`, a field given as `undefined` keeps its
   * default, a list given replaces the default list. Contradictions the kubelet or the API server would
   * refuse fail the synth: `runAsUser: 0` with `runAsNonRoot: true` (use `runsAsRoot`), `privileged: true` or
   * `capabilities.add: [SYS_ADMIN]` with `allowPrivilegeEscalation: false`, `capabilities.add: [ALL]` with
   * `drop: [ALL]`, a capability both added and dropped, `localhostProfile` without `type: Localhost`.
   * @default - the restricted defaults (see `restrictedDefaults`), nothing else
   */
  readonly securityContext?: k8s.SecurityContext;
  /**
   * Apply the Pod Security Standards "restricted" defaults to this container: `runAsNonRoot: true`,
   * `allowPrivilegeEscalation: false`, `capabilities.drop: [ALL]` and `seccompProfile.type: RuntimeDefault`.
   * Set to false to opt this container out entirely; then only `securityContext` is emitted.
   * @default true
   * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
   */
  readonly restrictedDefaults?: boolean;
  /**
   * The image runs as root (its USER is root or unset, like `nginx`, `alpine` or most language images):
   * the defaults then leave out `runAsNonRoot: true`, with which the kubelet refuses to start such an image
   * ("container has runAsNonRoot and image will run as root"), and allow `runAsUser: 0`. The rest of the
   * restricted defaults stay: root without capabilities can still not bind ports below 1024, change file
   * owners or switch users, so add what the image needs (nginx: `capabilities.add: [CHOWN, SETUID, SETGID,
   * NET_BIND_SERVICE]`). The pod is then not "restricted" but "baseline". Prefer an image that runs as
   * non-root (`nginxinc/nginx-unprivileged`) or `securityContext.runAsUser` with a non-zero uid.
   * @default false
   * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/
   */
  readonly runsAsRoot?: boolean;
  /**
   * Volumes and claim templates mounted in the container.
   * @default - none
   */
  readonly volumeMounts?: VolumeMount[];
}

/** The fields of `ContainerProps`, in declaration order. */
export const CONTAINER_PROPS = [
  'name', 'image', 'imagePullPolicy', 'command', 'args', 'workingDir', 'ports', 'env', 'envFrom', 'resources',
  'readinessProbe', 'livenessProbe', 'startupProbe', 'lifecycle', 'securityContext', 'restrictedDefaults',
  'runsAsRoot', 'volumeMounts',
] as const;
/** The fields of `ContainerPortOptions`. */
export const CONTAINER_PORT_OPTIONS = ['containerPort', 'name', 'protocol', 'hostPort'] as const;
/** The fields of `VolumeMount`. */
export const VOLUME_MOUNT = ['name', 'mountPath', 'subPath', 'subPathExpr', 'readOnly'] as const;
/** The fields of `ContainerResources`. */
export const CONTAINER_RESOURCES = ['requests', 'limits'] as const;
/** The fields of `k8s.SecurityContext` (cdk8s-plus-27), which the L1 mapper would drop silently otherwise. */
export const SECURITY_CONTEXT = [
  'allowPrivilegeEscalation', 'capabilities', 'privileged', 'procMount', 'readOnlyRootFilesystem', 'runAsGroup',
  'runAsNonRoot', 'runAsUser', 'seLinuxOptions', 'seccompProfile', 'windowsOptions',
] as const;
/** The fields of `k8s.Capabilities`. */
export const CAPABILITIES = ['add', 'drop'] as const;
/** The fields of `k8s.SeccompProfile`. */
export const SECCOMP_PROFILE = ['type', 'localhostProfile'] as const;
/** The fields of `k8s.Lifecycle` and of its `k8s.LifecycleHandler`s. */
export const LIFECYCLE = ['postStart', 'preStop'] as const;
export const LIFECYCLE_HANDLER = ['exec', 'httpGet', 'tcpSocket'] as const;

/** Check a container's props and turn them into the typed L1 container. */
export function renderContainer(field: string, c: ContainerProps): k8s.Container {
  checkKnownProps(field, c, CONTAINER_PROPS);
  checkDnsLabel(`${field}.name`, c.name);
  if (typeof c.image !== 'string' || c.image.trim() === '' || /[\s\x00-\x1f\x7f]/.test(c.image)) {
    throw new Error(`${field}.image (${show(c.image)}) must be a non-empty image reference with no spaces or control characters`);
  }
  if (c.imagePullPolicy !== undefined) {
    checkOneOf(`${field}.imagePullPolicy`, c.imagePullPolicy, Object.values(ImagePullPolicy));
  }
  const portNames = new Set<string>();
  const ports = c.ports?.map((p, i) => {
    const at = `${field}.ports[${i}]`;
    checkKnownProps(at, p, CONTAINER_PORT_OPTIONS);
    checkInteger(`${at}.containerPort`, p.containerPort, 1, 65535);
    if (p.name !== undefined) {
      checkPortName(`${at}.name`, p.name);
      if (portNames.has(p.name)) {
        throw new Error(`${at}.name (${show(p.name)}) is used twice: port names must be unique in a container`);
      }
      portNames.add(p.name);
    }
    if (p.protocol !== undefined) {
      checkOneOf(`${at}.protocol`, p.protocol, Object.values(Protocol));
    }
    if (p.hostPort !== undefined) checkInteger(`${at}.hostPort`, p.hostPort, 1, 65535);
    return { containerPort: p.containerPort, hostPort: p.hostPort, name: p.name, protocol: p.protocol };
  });
  const envNames = new Set<string>();
  c.env?.forEach((e, i) => {
    if (typeof e.name !== 'string' || !/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(e.name)) {
      throw new Error(`${field}.env[${i}].name (${show(e.name)}) must be a valid environment variable name: letters, digits, '_', '-' or '.', not starting with a digit (the API server refuses '=' and spaces)`);
    }
    if (envNames.has(e.name)) {
      throw new Error(`${field}.env[${i}].name (${show(e.name)}) is used twice: variable names must be unique in a container`);
    }
    envNames.add(e.name);
    if (e.value !== undefined && e.valueFrom !== undefined) {
      throw new Error(`${field}.env[${i}] (${show(e.name)}) must set value or valueFrom, not both`);
    }
  });
  if (c.resources !== undefined) checkKnownProps(`${field}.resources`, c.resources, CONTAINER_RESOURCES);
  if (c.lifecycle !== undefined) checkLifecycle(`${field}.lifecycle`, c.lifecycle);
  const mountPaths = new Set<string>();
  const volumeMounts = c.volumeMounts?.map((m, i): k8s.VolumeMount => {
    const at = `${field}.volumeMounts[${i}]`;
    checkKnownProps(at, m, VOLUME_MOUNT);
    if (typeof m.mountPath !== 'string' || !m.mountPath.startsWith('/')) {
      throw new Error(`${at}.mountPath (${show(m.mountPath)}) must be an absolute path`);
    }
    if (mountPaths.has(m.mountPath)) {
      throw new Error(`${at}.mountPath (${show(m.mountPath)}) is used twice: mount paths must be unique in a container`);
    }
    mountPaths.add(m.mountPath);
    if (m.subPath !== undefined && m.subPathExpr !== undefined) {
      throw new Error(`${at} (${show(m.name)}) must set subPath or subPathExpr, not both`);
    }
    if (m.subPath !== undefined) checkDescendingPath(`${at}.subPath`, m.subPath);
    if (m.subPathExpr !== undefined) checkDescendingPath(`${at}.subPathExpr`, m.subPathExpr);
    checkBoolean(`${at}.readOnly`, m.readOnly);
    return { name: m.name, mountPath: m.mountPath, subPath: m.subPath, subPathExpr: m.subPathExpr, readOnly: m.readOnly };
  });
  return {
    name: c.name,
    image: c.image,
    imagePullPolicy: c.imagePullPolicy,
    command: c.command,
    args: c.args,
    workingDir: c.workingDir,
    ports,
    env: c.env,
    envFrom: c.envFrom,
    resources: c.resources && {
      requests: quantities(`${field}.resources.requests`, c.resources.requests),
      limits: quantities(`${field}.resources.limits`, c.resources.limits),
    },
    readinessProbe: c.readinessProbe,
    livenessProbe: c.livenessProbe,
    startupProbe: c.startupProbe,
    lifecycle: c.lifecycle,
    securityContext: securityContextOf(field, c),
    volumeMounts,
  };
}

/** A relative path without `..` (the API server's rule for subPath and subPathExpr). */
function checkDescendingPath(field: string, value: string): void {
  if (typeof value !== 'string' || value.startsWith('/') || value.split('/').includes('..')) {
    throw new Error(`${field} (${show(value)}) must be a relative path without '..'`);
  }
}

function checkLifecycle(field: string, lifecycle: k8s.Lifecycle): void {
  checkKnownProps(field, lifecycle, LIFECYCLE);
  for (const hook of LIFECYCLE) {
    const handler = lifecycle[hook];
    if (handler === undefined) continue;
    checkKnownProps(`${field}.${hook}`, handler, LIFECYCLE_HANDLER);
    const kinds = LIFECYCLE_HANDLER.filter(k => handler[k] !== undefined);
    if (kinds.length !== 1) {
      throw new Error(`${field}.${hook} (${show(handler)}) must set exactly one handler: exec, httpGet or tcpSocket`);
    }
    if (handler.exec !== undefined && (!Array.isArray(handler.exec.command) || handler.exec.command.length === 0)) {
      throw new Error(`${field}.${hook}.exec.command (${show(handler.exec.command)}) must list the command to run`);
    }
  }
}

function quantities(field: string, map?: { [key: string]: string }): { [key: string]: k8s.Quantity } | undefined {
  if (map === undefined) {
    return undefined;
  }
  const out: { [key: string]: k8s.Quantity } = {};
  for (const [key, value] of Object.entries(map)) {
    checkQuantity(`${field}.${key}`, value);
    out[key] = k8s.Quantity.fromString(value);
  }
  return out;
}

/** The restricted profile's container settings, the defaults of every container. */
export const RESTRICTED_SECURITY_CONTEXT: k8s.SecurityContext = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/** The defaults of a container whose image runs as root (`runsAsRoot`): the restricted ones without `runAsNonRoot`. */
export const ROOT_SECURITY_CONTEXT: k8s.SecurityContext = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

const SECCOMP_TYPES = ['RuntimeDefault', 'Localhost', 'Unconfined'];

/** Drop the keys whose value is `undefined`, so that they do not override a default. */
function defined<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * The container's security context: the defaults (restricted, or restricted without runAsNonRoot for
 * `runsAsRoot`) merged with `securityContext` field by field, deeply for capabilities and seccompProfile;
 * then the contradictions the kubelet or the API server refuse are refused here.
 */
export function securityContextOf(field: string, c: ContainerProps): k8s.SecurityContext | undefined {
  checkBoolean(`${field}.restrictedDefaults`, c.restrictedDefaults);
  checkBoolean(`${field}.runsAsRoot`, c.runsAsRoot);
  const at = `${field}.securityContext`;
  const given = c.securityContext;
  if (given !== undefined) {
    checkKnownProps(at, given, SECURITY_CONTEXT);
    if (given.capabilities !== undefined) checkKnownProps(`${at}.capabilities`, given.capabilities, CAPABILITIES);
    if (given.seccompProfile !== undefined) checkKnownProps(`${at}.seccompProfile`, given.seccompProfile, SECCOMP_PROFILE);
    for (const f of ['allowPrivilegeEscalation', 'privileged', 'readOnlyRootFilesystem', 'runAsNonRoot'] as const) {
      checkBoolean(`${at}.${f}`, given[f]);
    }
    for (const f of ['runAsUser', 'runAsGroup'] as const) {
      if (given[f] !== undefined) checkInteger(`${at}.${f}`, given[f]!, 0);
    }
  }
  const useDefaults = c.restrictedDefaults !== false;
  if (!useDefaults && given === undefined) {
    return undefined;
  }
  const defaults = !useDefaults ? {} : c.runsAsRoot === true ? ROOT_SECURITY_CONTEXT : RESTRICTED_SECURITY_CONTEXT;
  const own = defined(given);
  const capabilities = mergeCapabilities(defaults.capabilities, given?.capabilities);
  const seccompProfile = mergeSeccomp(at, defaults.seccompProfile, given?.seccompProfile);
  const sc: k8s.SecurityContext = defined({ ...defaults, ...own, capabilities, seccompProfile });

  const optOut = 'set runsAsRoot: true on the container for an image that must run as root, or restrictedDefaults: false to emit only securityContext';
  if (c.runsAsRoot === true && useDefaults && given?.runAsNonRoot === true) {
    throw new Error(`${at}.runAsNonRoot (true) contradicts runsAsRoot (true): the kubelet refuses to start an image that runs as root with runAsNonRoot; drop one of them`);
  }
  if (sc.runAsUser === 0 && sc.runAsNonRoot === true) {
    const source = given?.runAsNonRoot === true ? 'set in securityContext' : 'a restricted default';
    throw new Error(`${at}.runAsUser (0) contradicts runAsNonRoot (true, ${source}): the kubelet refuses to start the container; ${optOut}`);
  }
  if (sc.allowPrivilegeEscalation === false) {
    const source = given?.allowPrivilegeEscalation === false ? 'set in securityContext' : 'a restricted default';
    if (sc.privileged === true) {
      throw new Error(`${at}.privileged (true) contradicts allowPrivilegeEscalation (false, ${source}): the API server refuses the pod; set allowPrivilegeEscalation: true with privileged, or restrictedDefaults: false`);
    }
    const sysAdmin = (sc.capabilities?.add ?? []).find(cap => normalCap(cap) === 'SYS_ADMIN');
    if (sysAdmin !== undefined) {
      throw new Error(`${at}.capabilities.add (${show(sysAdmin)}) contradicts allowPrivilegeEscalation (false, ${source}): SYS_ADMIN allows privilege escalation and the API server refuses CAP_SYS_ADMIN with it; set allowPrivilegeEscalation: true, or restrictedDefaults: false`);
    }
  }
  const added = (sc.capabilities?.add ?? []).map(normalCap);
  const dropped = (sc.capabilities?.drop ?? []).map(normalCap);
  if (added.includes('ALL') && dropped.includes('ALL')) {
    throw new Error(`${at}.capabilities.add (["ALL"]) contradicts capabilities.drop (["ALL"]${given?.capabilities?.drop === undefined ? ', a restricted default' : ''}): list the capabilities the image needs, or set capabilities.drop explicitly`);
  }
  const both = added.find(cap => cap !== 'ALL' && dropped.includes(cap));
  if (both !== undefined) {
    throw new Error(`${at}.capabilities (${show(sc.capabilities)}) both adds and drops ${both}: keep it in one list`);
  }
  return sc;
}

/** `CAP_NET_ADMIN` and `net_admin` name the same capability as `NET_ADMIN`. */
function normalCap(cap: string): string {
  return String(cap).toUpperCase().replace(/^CAP_/, '');
}

function mergeCapabilities(defaults: k8s.Capabilities | undefined, given: k8s.Capabilities | undefined): k8s.Capabilities | undefined {
  const merged = defined({ ...(defaults ?? {}), ...defined(given) });
  return Object.keys(merged).length > 0 ? merged : undefined;
}

function mergeSeccomp(at: string, defaults: k8s.SeccompProfile | undefined, given: k8s.SeccompProfile | undefined): k8s.SeccompProfile | undefined {
  const own = defined(given);
  if (own.type !== undefined) checkOneOf(`${at}.seccompProfile.type`, own.type, SECCOMP_TYPES);
  if (own.localhostProfile !== undefined) {
    // a localhost profile is only read with type Localhost: set it, or refuse another type given with it
    if (own.type !== undefined && own.type !== 'Localhost') {
      throw new Error(`${at}.seccompProfile.localhostProfile (${show(own.localhostProfile)}) needs type Localhost, not ${show(own.type)}: the API server refuses a localhostProfile with any other type`);
    }
    if (typeof own.localhostProfile !== 'string' || own.localhostProfile === '' || own.localhostProfile.startsWith('/') || own.localhostProfile.split('/').includes('..')) {
      throw new Error(`${at}.seccompProfile.localhostProfile (${show(own.localhostProfile)}) must be a relative path without '..', below the kubelet's seccomp directory`);
    }
    return { type: 'Localhost', localhostProfile: own.localhostProfile };
  }
  if (own.type === 'Localhost') {
    throw new Error(`${at}.seccompProfile.type ("Localhost") needs a localhostProfile: the API server refuses type Localhost without one`);
  }
  const merged = defined({ ...(defaults ?? {}), ...own });
  return merged.type !== undefined ? { type: merged.type } : undefined;
}
