import { KubiaBlueGreenChart } from './chart';
import { StagedApp } from '../../src';

// synthesizes this example alone into ./dist/kubia-bg/
const app = new StagedApp();
new KubiaBlueGreenChart(app, 'kubia-blue-green');
app.synthOrExit();
