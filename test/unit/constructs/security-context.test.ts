import { Testing } from 'cdk8s';
import { ContainerProps, StatefulApp, StatefulAppProps } from '../../../src';
import { schemaProblems } from '../../support/k8s-schema';
import { podSecurityViolations } from '../../support/pod-security';

function synth(props: Partial<StatefulAppProps> & { containers: ContainerProps[] }): any[] {
  const chart = Testing.chart();
  new StatefulApp(chart, 'app', props);
  return Testing.synth(chart);
}
function sc(c: Partial<ContainerProps>, pod: Partial<StatefulAppProps> = {}): any {
  const objects = synth({ ...pod, containers: [{ name: 'main', image: 'busybox:1.36', ...c }] });
  expect(schemaProblems(objects)).toEqual([]);
  return objects.find(o => o.kind === 'StatefulSet').spec.template.spec.containers[0].securityContext;
}
const RESTRICTED = { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };

describe('the restricted defaults merged field by field', () => {
  test('capabilities.add NET_BIND_SERVICE keeps drop ALL, and the pod stays restricted', () => {
    expect(sc({ securityContext: { capabilities: { add: ['NET_BIND_SERVICE'] } } })).toEqual({ ...RESTRICTED, capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] } });
    const objects = synth({ containers: [{ name: 'main', image: 'busybox', securityContext: { capabilities: { add: ['NET_BIND_SERVICE'] } } }] });
    expect(podSecurityViolations(objects[1].spec.template)).toEqual([]);
  });

  test('an explicit drop list replaces the default list', () => {
    expect(sc({ securityContext: { capabilities: { drop: ['NET_RAW'] } } })).toEqual({ ...RESTRICTED, capabilities: { drop: ['NET_RAW'] } });
  });

  test('seccompProfile { localhostProfile } gets type Localhost', () => {
    expect(sc({ securityContext: { seccompProfile: { localhostProfile: 'profiles/audit.json' } as any } }))
      .toEqual({ ...RESTRICTED, seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/audit.json' } });
  });

  test('seccompProfile { type: Unconfined } replaces the type', () => {
    expect(sc({ securityContext: { seccompProfile: { type: 'Unconfined' } } })).toEqual({ ...RESTRICTED, seccompProfile: { type: 'Unconfined' } });
  });

  test('a field given as undefined keeps its default, at any depth', () => {
    expect(sc({ securityContext: { runAsNonRoot: undefined, allowPrivilegeEscalation: undefined, capabilities: { add: ['NET_BIND_SERVICE'], drop: undefined }, seccompProfile: undefined } }))
      .toEqual({ ...RESTRICTED, capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] } });
  });

  test('other fields are added beside the defaults', () => {
    expect(sc({ securityContext: { runAsUser: 101, runAsGroup: 101, readOnlyRootFilesystem: true } }))
      .toEqual({ ...RESTRICTED, runAsUser: 101, runAsGroup: 101, readOnlyRootFilesystem: true });
  });

  test('runsAsRoot: the restricted set without runAsNonRoot, runAsUser 0 allowed; baseline holds', () => {
    expect(sc({ runsAsRoot: true })).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
    expect(sc({ runsAsRoot: true, securityContext: { runAsUser: 0, capabilities: { add: ['CHOWN'] } } }))
      .toEqual({ allowPrivilegeEscalation: false, capabilities: { add: ['CHOWN'], drop: ['ALL'] }, runAsUser: 0, seccompProfile: { type: 'RuntimeDefault' } });
    const objects = synth({ containers: [{ name: 'main', image: 'nginx:1.27', runsAsRoot: true }] });
    expect(podSecurityViolations(objects[1].spec.template)).toEqual(['restricted: main runAsNonRoot is not true']);
  });

  test('restrictedDefaults false: only what is given (undefined fields dropped), nothing without securityContext', () => {
    expect(sc({ restrictedDefaults: false })).toBeUndefined();
    expect(sc({ restrictedDefaults: false, securityContext: { runAsUser: 0, capabilities: { add: ['NET_ADMIN'] }, privileged: undefined } }))
      .toEqual({ runAsUser: 0, capabilities: { add: ['NET_ADMIN'] } });
  });

  test('privileged with allowPrivilegeEscalation true is allowed when both are explicit', () => {
    expect(sc({ securityContext: { privileged: true, allowPrivilegeEscalation: true } })).toEqual({ ...RESTRICTED, privileged: true, allowPrivilegeEscalation: true });
  });

  test('runAsUser 0 with an explicit runAsNonRoot false is the user\'s choice', () => {
    expect(sc({ securityContext: { runAsUser: 0, runAsNonRoot: false } })).toEqual({ ...RESTRICTED, runAsUser: 0, runAsNonRoot: false });
  });
});

describe('contradictions refused at synth, with the way out', () => {
  const c = (extra: Partial<ContainerProps>): ContainerProps => ({ name: 'main', image: 'busybox', ...extra });
  test.each<[string, Partial<StatefulAppProps> & { containers: ContainerProps[] }, string]>([
    ['fails runAsUser 0 with the default runAsNonRoot', { containers: [c({ securityContext: { runAsUser: 0 } })] },
      'containers[0].securityContext.runAsUser (0) contradicts runAsNonRoot (true, a restricted default): the kubelet refuses to start the container; set runsAsRoot: true on the container for an image that must run as root, or restrictedDefaults: false to emit only securityContext'],
    ['fails runAsUser 0 with an explicit runAsNonRoot true', { containers: [c({ securityContext: { runAsUser: 0, runAsNonRoot: true } })] },
      'containers[0].securityContext.runAsUser (0) contradicts runAsNonRoot (true, set in securityContext): the kubelet refuses to start the container; set runsAsRoot: true on the container for an image that must run as root, or restrictedDefaults: false to emit only securityContext'],
    ['fails runsAsRoot with an explicit runAsNonRoot true', { containers: [c({ runsAsRoot: true, securityContext: { runAsNonRoot: true } })] },
      'containers[0].securityContext.runAsNonRoot (true) contradicts runsAsRoot (true): the kubelet refuses to start an image that runs as root with runAsNonRoot; drop one of them'],
    ['fails podSecurityContext.runAsUser 0 under the container default runAsNonRoot', { podSecurityContext: { runAsUser: 0 }, containers: [c({})] },
      'podSecurityContext.runAsUser (0) contradicts containers[0].securityContext.runAsNonRoot (true) for containers[0] ("main"): the kubelet refuses to start it; set runsAsRoot: true on the container for an image that must run as root'],
    ['fails podSecurityContext.runAsNonRoot true with runsAsRoot', { podSecurityContext: { runAsNonRoot: true }, containers: [c({ runsAsRoot: true })] },
      'podSecurityContext.runAsNonRoot (true) contradicts containers[0].runsAsRoot (true): the kubelet refuses to start an image that runs as root with runAsNonRoot; drop one of them'],
    ['fails privileged with the default allowPrivilegeEscalation false', { containers: [c({ securityContext: { privileged: true } })] },
      'containers[0].securityContext.privileged (true) contradicts allowPrivilegeEscalation (false, a restricted default): the API server refuses the pod; set allowPrivilegeEscalation: true with privileged, or restrictedDefaults: false'],
    ['fails privileged with allowPrivilegeEscalation false even without defaults', { containers: [c({ restrictedDefaults: false, securityContext: { privileged: true, allowPrivilegeEscalation: false } })] },
      'containers[0].securityContext.privileged (true) contradicts allowPrivilegeEscalation (false, set in securityContext): the API server refuses the pod; set allowPrivilegeEscalation: true with privileged, or restrictedDefaults: false'],
    ['fails CAP_SYS_ADMIN with allowPrivilegeEscalation false', { initContainers: [c({ name: 'init', securityContext: { capabilities: { add: ['CAP_SYS_ADMIN'] } } })], containers: [c({})] },
      'initContainers[0].securityContext.capabilities.add ("CAP_SYS_ADMIN") contradicts allowPrivilegeEscalation (false, a restricted default): SYS_ADMIN allows privilege escalation and the API server refuses CAP_SYS_ADMIN with it; set allowPrivilegeEscalation: true, or restrictedDefaults: false'],
    ['fails capabilities.add ALL with the default drop ALL', { containers: [c({ securityContext: { capabilities: { add: ['ALL'] } } })] },
      'containers[0].securityContext.capabilities.add (["ALL"]) contradicts capabilities.drop (["ALL"], a restricted default): list the capabilities the image needs, or set capabilities.drop explicitly'],
    ['fails a capability both added and dropped', { containers: [c({ securityContext: { capabilities: { add: ['net_raw'], drop: ['NET_RAW'] } } })] },
      'containers[0].securityContext.capabilities ({"drop":["NET_RAW"],"add":["net_raw"]}) both adds and drops NET_RAW: keep it in one list'],
    ['fails a localhostProfile with type RuntimeDefault', { containers: [c({ securityContext: { seccompProfile: { type: 'RuntimeDefault', localhostProfile: 'p.json' } } })] },
      'containers[0].securityContext.seccompProfile.localhostProfile ("p.json") needs type Localhost, not "RuntimeDefault": the API server refuses a localhostProfile with any other type'],
    ['fails type Localhost without a localhostProfile', { containers: [c({ securityContext: { seccompProfile: { type: 'Localhost' } } })] },
      'containers[0].securityContext.seccompProfile.type ("Localhost") needs a localhostProfile: the API server refuses type Localhost without one'],
    ['fails an absolute localhostProfile', { containers: [c({ securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: '/etc/p.json' } } })] },
      'containers[0].securityContext.seccompProfile.localhostProfile ("/etc/p.json") must be a relative path without \'..\', below the kubelet\'s seccomp directory'],
    ['fails an unknown seccomp type', { containers: [c({ securityContext: { seccompProfile: { type: 'runtime/default' } } })] },
      'containers[0].securityContext.seccompProfile.type ("runtime/default") must be one of "RuntimeDefault", "Localhost", "Unconfined"'],
    ['fails a runsAsRoot that is not a boolean', { containers: [c({ runsAsRoot: 'yes' as any })] },
      'containers[0].runsAsRoot ("yes") must be true or false'],
    ['fails a negative runAsUser', { containers: [c({ securityContext: { runAsUser: -1 } })] },
      'containers[0].securityContext.runAsUser (-1) must be an integer between 0 and 2147483647'],
    ['fails an unknown securityContext field (a typo the L1 mapper would drop)', { containers: [c({ securityContext: { runAsNonroot: true } as any })] },
      'containers[0].securityContext.runAsNonroot (true) is not a known field: allowed are allowPrivilegeEscalation, capabilities, privileged, procMount, readOnlyRootFilesystem, runAsGroup, runAsNonRoot, runAsUser, seLinuxOptions, seccompProfile, windowsOptions'],
    ['fails an unknown capabilities field', { containers: [c({ securityContext: { capabilities: { added: ['NET_ADMIN'] } as any } })] },
      'containers[0].securityContext.capabilities.added (["NET_ADMIN"]) is not a known field: allowed are add, drop'],
  ])('%s', (_name, props, message) => {
    expect(() => synth(props)).toThrow(new Error(message));
  });
});
