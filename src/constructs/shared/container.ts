import { k8s } from 'cdk8s-plus-27';
import { ImagePullPolicy, Protocol } from './types';
import { checkDnsLabel, checkInteger, checkOneOf, checkPortName, checkQuantity, show } from '../../core/validation';

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
}

/** Where a container mounts a volume or a claim template. */
export interface VolumeMount {
  /** A `volumeClaimTemplates` name or a `volumes` name. */
  readonly name: string;
  /** The absolute path in the container. */
  readonly mountPath: string;
  /**
   * A sub-path of the volume.
   * @default - the volume's root
   */
  readonly subPath?: string;
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
   * The container security context. Its fields override the restricted defaults field by field.
   * @default - the restricted defaults (see `restrictedDefaults`), nothing else
   */
  readonly securityContext?: k8s.SecurityContext;
  /**
   * Apply the Pod Security Standards "restricted" defaults to this container: `runAsNonRoot: true`,
   * `allowPrivilegeEscalation: false`, `capabilities.drop: [ALL]` and `seccompProfile.type: RuntimeDefault`.
   * Set to false to opt this container out (for an image that must run as root); then only
   * `securityContext` is emitted.
   * @default true
   * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
   */
  readonly restrictedDefaults?: boolean;
  /**
   * Volumes and claim templates mounted in the container.
   * @default - none
   */
  readonly volumeMounts?: VolumeMount[];
}

/** Check a container's props and turn them into the typed L1 container. */
export function renderContainer(field: string, c: ContainerProps): k8s.Container {
  checkDnsLabel(`${field}.name`, c.name);
  if (typeof c.image !== 'string' || c.image.trim() === '' || /\s/.test(c.image)) {
    throw new Error(`${field}.image (${show(c.image)}) must be a non-empty image reference with no spaces`);
  }
  if (c.imagePullPolicy !== undefined) {
    checkOneOf(`${field}.imagePullPolicy`, c.imagePullPolicy, Object.values(ImagePullPolicy));
  }
  const portNames = new Set<string>();
  const ports = c.ports?.map((p, i) => {
    checkInteger(`${field}.ports[${i}].containerPort`, p.containerPort, 1, 65535);
    if (p.name !== undefined) {
      checkPortName(`${field}.ports[${i}].name`, p.name);
      if (portNames.has(p.name)) {
        throw new Error(`${field}.ports[${i}].name (${show(p.name)}) is used twice: port names must be unique in a container`);
      }
      portNames.add(p.name);
    }
    if (p.protocol !== undefined) {
      checkOneOf(`${field}.ports[${i}].protocol`, p.protocol, Object.values(Protocol));
    }
    return { containerPort: p.containerPort, name: p.name, protocol: p.protocol };
  });
  const envNames = new Set<string>();
  c.env?.forEach((e, i) => {
    if (typeof e.name !== 'string' || e.name.length === 0) {
      throw new Error(`${field}.env[${i}].name (${show(e.name)}) must be a non-empty variable name`);
    }
    if (envNames.has(e.name)) {
      throw new Error(`${field}.env[${i}].name (${show(e.name)}) is used twice: variable names must be unique in a container`);
    }
    envNames.add(e.name);
    if (e.value !== undefined && e.valueFrom !== undefined) {
      throw new Error(`${field}.env[${i}] (${show(e.name)}) must set value or valueFrom, not both`);
    }
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
    securityContext: securityContextOf(field, c),
    volumeMounts: c.volumeMounts?.map((m, i) => {
      if (typeof m.mountPath !== 'string' || !m.mountPath.startsWith('/')) {
        throw new Error(`${field}.volumeMounts[${i}].mountPath (${show(m.mountPath)}) must be an absolute path`);
      }
      return { name: m.name, mountPath: m.mountPath, subPath: m.subPath, readOnly: m.readOnly };
    }),
  };
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

function securityContextOf(field: string, c: ContainerProps): k8s.SecurityContext | undefined {
  if (c.restrictedDefaults !== undefined && typeof c.restrictedDefaults !== 'boolean') {
    throw new Error(`${field}.restrictedDefaults (${show(c.restrictedDefaults)}) must be true or false`);
  }
  if (c.restrictedDefaults === false) {
    return c.securityContext;
  }
  return { ...RESTRICTED_SECURITY_CONTEXT, ...(c.securityContext ?? {}) };
}
