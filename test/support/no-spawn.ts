import * as path from 'path';

/**
 * Run by jest before every test file (setupFilesAfterEnv). In a file under test/unit/ a started process
 * (kubectl, git, the cdk8s CLI, node) fails the test: such a test belongs in test/integration/.
 * Plain property replacement, not jest spies, so that a test's `jest.restoreAllMocks()` keeps the guard.
 */
const unitDir = path.join(__dirname, '..', 'unit') + path.sep;
const testPath: string = expect.getState().testPath ?? '';

if (testPath.startsWith(unitDir)) {
  // the module object itself (an `import * as` namespace is a copy): the code under test calls through it
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const childProcess: { [name: string]: unknown } = require('child_process');
  const names = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'];
  const originals = names.map(name => childProcess[name]);
  for (const name of names) {
    childProcess[name] = (...args: unknown[]) => {
      throw new Error(`a unit test started a process (child_process.${name} ${JSON.stringify(args[0])}): move the test to test/integration/`);
    };
  }
  // the module is shared by every test file of this jest worker: put it back for the next one
  afterAll(() => names.forEach((name, i) => { childProcess[name] = originals[i]; }));
}
