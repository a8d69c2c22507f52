import { AdoptHelmChart } from './chart';
import { StagedApp } from '../../src';

// synthesizes this example alone into ./dist/pg-keyvalue/
const app = new StagedApp();
new AdoptHelmChart(app, 'adopt-helm');
app.synthOrExit();
