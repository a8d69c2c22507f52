import * as path from 'path';
import { Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { StatefulApp, StatefulAppProps, StatefulSetBackend } from '../../../src';
import { podSecurityViolations } from '../../support/pod-security';
import { readTree } from '../../support/synth';

function template(props: StatefulAppProps): any {
  const chart = Testing.chart();
  new StatefulApp(chart, 'app', props);
  return Testing.synth(chart).find(o => o.kind === 'StatefulSet').spec.template;
}

describe('secure defaults: the Pod Security Standards "restricted" profile', () => {
  test('a default app meets it, with the settings on each container', () => {
    const t = template({ containers: [{ name: 'main', image: 'busybox' }], initContainers: [{ name: 'init', image: 'busybox' }] });
    expect(podSecurityViolations(t)).toEqual([]);
    expect(t.spec.containers[0].securityContext).toEqual({ runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
    expect(t.spec.initContainers[0].securityContext).toEqual({ runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
    expect(t.spec.securityContext).toBeUndefined();
  });

  test('the Kruise backend too', () => {
    const t = template({ containers: [{ name: 'main', image: 'busybox' }], backend: StatefulSetBackend.kruise() });
    expect(podSecurityViolations(t)).toEqual([]);
  });

  test('a container opts out explicitly, and only that container loses the defaults', () => {
    const t = template({ containers: [{ name: 'root', image: 'nginx:1', restrictedDefaults: false }, { name: 'sidecar', image: 'busybox' }] });
    expect(t.spec.containers[0].securityContext).toBeUndefined();
    expect(podSecurityViolations(t)).toEqual([
      'restricted: root allowPrivilegeEscalation is not false',
      'restricted: root runAsNonRoot is not true',
      'restricted: root seccompProfile is not RuntimeDefault or Localhost',
      'restricted: root does not drop ALL capabilities',
    ]);
  });

  test('a field the user sets wins over the default, field by field', () => {
    const t = template({ containers: [{ name: 'main', image: 'busybox', securityContext: { runAsUser: 1000, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } }] });
    expect(t.spec.containers[0].securityContext).toEqual({ runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] }, seccompProfile: { type: 'RuntimeDefault' } });
    expect(podSecurityViolations(t)).toEqual([]);
  });

  test('fails a restrictedDefaults that is not a boolean', () => {
    expect(() => template({ containers: [{ name: 'main', image: 'busybox', restrictedDefaults: 'no' as any }] }))
      .toThrow(new Error('containers[0].restrictedDefaults ("no") must be true or false'));
  });

  test('the checker finds baseline and restricted violations', () => {
    expect(podSecurityViolations({
      spec: {
        hostNetwork: true,
        volumes: [{ name: 'h', hostPath: { path: '/' } }],
        containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80, hostPort: 80 }], securityContext: { privileged: true, runAsUser: 0, allowPrivilegeEscalation: false, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } } }],
      },
    })).toEqual([
      'baseline: spec.hostNetwork is true',
      'baseline: volume h is a hostPath',
      'baseline: c is privileged',
      'baseline: c adds SYS_ADMIN',
      'baseline: c uses hostPort 80',
      'restricted: volume h is a hostPath',
      'restricted: c runAsUser 0',
      'restricted: c adds SYS_ADMIN',
    ]);
  });

  // examples/staged-hold's ikubernetes/myapp runs as root and says so (runsAsRoot, the capabilities nginx needs)
  const rootOptOut = ['restricted: myapp runAsNonRoot is not true', 'restricted: myapp adds CHOWN', 'restricted: myapp adds SETGID', 'restricted: myapp adds SETUID'];

  test('every example meets the profile (but the one that opts out as root, which meets baseline), and no example inlines a secret', () => {
    const dist = path.join(__dirname, '..', '..', '..', 'dist');
    const files = readTree(dist);
    let templates = 0;
    for (const [file, content] of Object.entries(files)) {
      if (!file.endsWith('.yaml')) continue;
      for (const doc of parseAllDocuments(content).map(d => d.toJS())) {
        expect(doc?.kind).not.toBe('Secret');
        if (doc?.spec?.template?.spec?.containers) {
          templates++;
          expect([file, podSecurityViolations(doc.spec.template)]).toEqual([file, file.startsWith('myapp/') ? rootOptOut : []]);
        }
      }
    }
    expect(templates).toBe(11);
  });

  test('secrets stay references: secretKeyRef and envFrom pass through, no Secret object is emitted', () => {
    const chart = Testing.chart();
    new StatefulApp(chart, 'db', {
      containers: [{
        name: 'pg',
        image: 'postgres:16',
        env: [{ name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'pg-auth', key: 'password' } } }],
        envFrom: [{ secretRef: { name: 'pg-env' } }],
      }],
    });
    const objects = Testing.synth(chart);
    expect(objects.map(o => o.kind)).toEqual(['Service', 'StatefulSet']);
    const c = objects[1].spec.template.spec.containers[0];
    expect(c.env).toEqual([{ name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'pg-auth', key: 'password' } } }]);
    expect(c.envFrom).toEqual([{ secretRef: { name: 'pg-env' } }]);
  });
});
