import { WebHpaChart } from './chart';
import { StagedApp } from '../../src';

// synthesizes this example alone into ./dist/web-hpa/
const app = new StagedApp();
new WebHpaChart(app, 'web-hpa');
app.synthOrExit();
