import { WebChart } from './chart';
import { StagedApp } from '../../src';

// synthesizes this example alone into ./dist/web/
const app = new StagedApp();
new WebChart(app, 'web');
app.synthOrExit();
