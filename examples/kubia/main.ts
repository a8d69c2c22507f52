import { KubiaChart } from './chart';
import { StagedApp } from '../../src';

// synthesizes this example alone into ./dist/kubia/
const app = new StagedApp();
new KubiaChart(app, 'kubia');
app.synthOrExit();
