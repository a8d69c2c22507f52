import { cdk8s, javascript } from 'projen';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-staged-rollout',
  description: 'Staged StatefulSet rollouts for GitOps: one Kustomize overlay per canary stage, synthesized by cdk8s',
  author: 'cdk8s-staged-rollout developers',
  authorAddress: 'cdk8s-staged-rollout@users.noreply.github.com',
  repositoryUrl: 'https://github.com/cdk8s-staged-rollout/cdk8s-staged-rollout.git',
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  projenrcTs: true,
  minNodeVersion: '20.0.0',
  packageManager: javascript.NodePackageManager.NPM,

  // FACTS.md: the registry lacks cdk8s 2.68.11, the lowest version cdk8s-plus-27 accepts.
  cdk8sVersion: '2.68.12',
  constructsVersion: '10.3.0',
  jsiiVersion: '~5.9.0',
  typescriptVersion: '~5.9.0',
  peerDeps: ['cdk8s-plus-27@^2.9.5'],
  bundledDeps: ['yaml@^2.8.0'],
  devDeps: [
    'cdk8s-cli@2.207.60',
    'kubernetes-models@^4.5.1',
    'fast-check@^3.23.0',
    // a peer of ts-jest that npm does not hoist on its own
    'jest-util@^29',
    // validates objects against the CRDs' openAPIV3Schema in tests
    'ajv@^8',
  ],

  // no GitHub workflows, release or lint machinery: CI is .ci/run
  github: false,
  release: false,
  eslint: false,
  sampleCode: false,
  docgen: true,
  // `dist/` holds the committed synth output of the examples; packages go elsewhere
  artifactsDirectory: 'dist-packages',

  jest: true,
  jestOptions: {
    // jest 30 needs unrs-resolver's platform binaries, which this registry lacks for other platforms, so
    // `npm ci` would refuse the lock file; jest 29 is what ts-jest 29 is made for
    jestVersion: '^29',
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testMatch: [
        '<rootDir>/test/**/*.test.ts',
        '<rootDir>/examples/**/*.test.ts',
      ],
      testTimeout: 60000,
    },
  },
  tsconfigDev: {
    include: ['examples/**/*.ts', 'bench/**/*.ts'],
    compilerOptions: {},
  },
  gitignore: ['/dist-packages/', '.staged-tmp-*'],
  // the command line, compiled by jsii into lib/ (no ts-node at run time)
  bin: { 'cdk8s-staged': 'lib/cli/main.js' },
});

// the synthesized examples in dist/ are committed: a test fails when a fresh synth differs
project.gitignore.removePatterns('/dist/');

// `npm run synth`: synthesize every example into dist/ with the top-level cdk8s.yaml.
// cdk8s-cli checks for upgrades online and prints a stack trace offline: switch that off.
// It compiles first, so that lib/ (and the cdk8s-staged command in lib/cli/main.js) is there afterwards.
const synthTask = project.addTask('synth', {
  description: 'Compile, then synthesize the examples into dist/ (cdk8s synth)',
  env: { CDK8S_CHECK_UPGRADE: 'false' },
});
synthTask.spawn(project.compileTask);
synthTask.exec('cdk8s synth');

// `npm run bench [-- --sizes 1000,5000,8000 --runs R --quick ...]`: the benchmark (not a test), on the
// compiled lib/; bench/run.js compiles first when lib/ is missing or older than src/ (a quick run stays
// under a minute when nothing changed)
const benchTask = project.addTask('bench', {
  description: 'Benchmark synth against cdk8s-plus-27 (one chart, one chart per app), typed L1 objects and the file-write floor (bench/run.js)',
});
benchTask.exec('node bench/run.js', { receiveArgs: true });

// `npx projen import`: regenerate the typed CRD classes in src/imports/ (committed; cdk8s import works
// offline on a file). They stay internal: the constructs in src/gitops expose their own props.
const crds = 'crds';
const importTask = project.addTask('import', {
  description: 'Regenerate src/imports/ from the CRDs in crds/ (cdk8s import)',
  env: { CDK8S_CHECK_UPGRADE: 'false' },
});
for (const [name, file] of [
  ['argocd-application', 'argoproj.io_applications.yaml'],
  ['argocd-applicationset', 'argoproj.io_applicationsets.yaml'],
  ['flux-kustomization', 'kustomize.toolkit.fluxcd.io_kustomizations.yaml'],
  ['kruise-statefulset', 'apps.kruise.io_statefulsets.yaml'],
]) {
  importTask.exec(`cdk8s import ${name}:=${crds}/${file} --language typescript --output src/imports`);
}

// a test run that finds no test fails
// `npm test` first compiles with jsii, so an API that other languages cannot use fails the tests
project.testTask.reset();
project.testTask.spawn(project.compileTask);
project.testTask.exec('jest --ci', { receiveArgs: true });

project.synth();
