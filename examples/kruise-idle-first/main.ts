import { KruiseIdleFirstChart } from './chart';
import { StagedApp } from '../../src';

// synthesizes this example alone into ./dist/sample/
const app = new StagedApp();
new KruiseIdleFirstChart(app, 'kruise-idle-first');
app.synthOrExit();
