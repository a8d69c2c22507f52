import { Testing } from 'cdk8s';
import { OLD_IMAGE, StagedHoldChart } from './chart';
import { schemaProblems } from '../../test/support/k8s-schema';
import { podSecurityViolations } from '../../test/support/pod-security';

describe('examples/staged-hold (seed 000)', () => {
  const chart = new StagedHoldChart(Testing.app(), 'staged-hold');
  const objects = Testing.synth(chart);

  test('StatefulSet myapp, 3 replicas, the new template held', () => {
    const sts = objects.find(o => o.kind === 'StatefulSet');
    expect(sts.metadata.name).toBe('myapp');
    expect(sts.spec.replicas).toBe(3);
    expect(sts.spec.template.spec.containers[0].image).toBe('ikubernetes/myapp:v2');
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 2147483647 } });
    expect(schemaProblems(objects)).toEqual([]);
  });

  test('the root image opts out of runAsNonRoot only, with the capabilities an nginx master needs: baseline, not restricted', () => {
    const sts = objects.find(o => o.kind === 'StatefulSet');
    expect(sts.spec.template.spec.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { add: ['CHOWN', 'SETGID', 'SETUID', 'NET_BIND_SERVICE'], drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(podSecurityViolations(sts.spec.template).filter(v => v.startsWith('baseline'))).toEqual([]);
    expect(podSecurityViolations(sts.spec.template)).toEqual([
      'restricted: myapp runAsNonRoot is not true',
      'restricted: myapp adds CHOWN',
      'restricted: myapp adds SETGID',
      'restricted: myapp adds SETUID',
    ]);
  });

  test('hold, then complete releases every pod', () => {
    expect(chart.app.stages!.map(s => [s.directory, s.partition, s.updatedOrdinals])).toEqual([
      ['stages/00-hold', 2147483647, []],
      ['stages/01-complete', 0, [0, 1, 2]],
    ]);
    expect(chart.app.pinnedStage).toBeUndefined();
  });

  test('the release before ran ikubernetes/myapp:v1', () => {
    const before = Testing.synth(new StagedHoldChart(Testing.app(), 'staged-hold', OLD_IMAGE));
    expect(before.find(o => o.kind === 'StatefulSet').spec.template.spec.containers[0].image).toBe('ikubernetes/myapp:v1');
  });
});
