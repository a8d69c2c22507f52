import { NginxCanaryChart } from './chart';
import { StagedApp } from '../../src';

// synthesizes this example alone into ./dist/nginx-statefulset/
const app = new StagedApp();
new NginxCanaryChart(app, 'nginx-canary');
app.synthOrExit();
