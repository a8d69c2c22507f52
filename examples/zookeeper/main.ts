import { ZooKeeperChart } from './chart';
import { StagedApp } from '../../src';

// synthesizes this example alone into ./dist/zk/
const app = new StagedApp();
new ZooKeeperChart(app, 'zookeeper');
app.synthOrExit();
