import { StagedHoldChart } from './chart';
import { StagedApp } from '../../src';

// synthesizes this example alone into ./dist/myapp/
const app = new StagedApp();
new StagedHoldChart(app, 'staged-hold');
app.synthOrExit();
