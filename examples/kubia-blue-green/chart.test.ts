import { Testing } from 'cdk8s';
import { KubiaBlueGreenChart } from './chart';
import { schemaProblems } from '../../test/support/k8s-schema';

describe('examples/kubia-blue-green (seed 003, blue/green)', () => {
  const chart = new KubiaBlueGreenChart(Testing.app(), 'kubia-blue-green');
  const objects = Testing.synth(chart);

  test('Deployments kubia-bg-blue and kubia-bg-green, Service kubia-bg and the preview Service', () => {
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual(['Service/kubia-bg', 'Service/kubia-bg-preview', 'Deployment/kubia-bg-blue', 'Deployment/kubia-bg-green']);
    expect(objects[0].spec).toEqual({ type: 'LoadBalancer', selector: { app: 'kubia-bg', color: 'blue' }, ports: [{ port: 8000, targetPort: 8080 }] });
    expect(objects[1].spec).toEqual({ selector: { app: 'kubia-bg', color: 'green' }, ports: [{ port: 8000, targetPort: 8080 }] });
    expect(objects[2].spec.selector).toEqual({ matchLabels: { app: 'kubia-bg', color: 'blue' } });
    expect(objects[3].spec.selector).toEqual({ matchLabels: { app: 'kubia-bg', color: 'green' } });
    expect(schemaProblems(objects)).toEqual([]);
  });

  test('stages hold, preview, switch, cleanup', () => {
    expect(chart.app.stageNames).toEqual(['hold', 'preview', 'switch', 'cleanup']);
  });
});
