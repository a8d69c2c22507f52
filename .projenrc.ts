import { cdk8s, javascript, release } from 'projen';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-staged-rollout',
  description: 'Staged StatefulSet rollouts for GitOps: one Kustomize overlay per canary stage, synthesized by cdk8s',
  author: 'cdk8s-staged-rollout developers',
  authorAddress: 'cdk8s-staged-rollout@users.noreply.github.com',
  repositoryUrl: 'https://github.com/cdk8s-staged-rollout/cdk8s-staged-rollout.git',
  license: 'Apache-2.0',
  keywords: [
    'cdk8s', 'kubernetes', 'gitops', 'argocd', 'flux', 'statefulset', 'deployment', 'canary', 'blue-green',
    'progressive-delivery', 'kustomize', 'openkruise',
  ],
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
    // parses the Mermaid flowcharts of PLAN.md in tests (mermaid.parse needs a DOM for its sanitizer: jsdom)
    'mermaid@^11',
    'jsdom@^29',
  ],

  // the other jsii languages, named the way the cdk8s-team libraries name theirs (cdk8s-plus: distName = the npm
  // name, snake_case module, Java package and .NET namespace from the owner's reversed domain, a -go repository).
  // Java: JLS 6.1 turns the hyphens of cdk8s-staged-rollout.github.io into underscores.
  publishToPypi: { distName: 'cdk8s-staged-rollout', module: 'cdk8s_staged_rollout' },
  publishToMaven: {
    javaPackage: 'io.github.cdk8s_staged_rollout',
    mavenGroupId: 'io.github.cdk8s-staged-rollout',
    mavenArtifactId: 'cdk8s-staged-rollout',
  },
  publishToNuget: { dotNetNamespace: 'Cdk8sStagedRollout', packageId: 'Cdk8sStagedRollout' },
  publishToGo: { moduleName: 'github.com/cdk8s-staged-rollout/cdk8s-staged-rollout-go' },

  // no GitHub workflows or lint machinery: CI is .ci/run
  github: false,
  eslint: false,
  // releases are cut locally: `npx projen release` bumps the version from the Conventional Commits since the
  // last v* tag (feat: minor, fix: patch, BREAKING CHANGE: major; 0.x while majorVersion is unset), builds and
  // tests, packages every language into dist-packages/, prepends the release notes to CHANGELOG.md and
  // commits and tags the release (no push: publishing is `npm publish dist-packages/js/*.tgz` and publib)
  release: true,
  releaseTrigger: release.ReleaseTrigger.manual({ changelogPath: 'CHANGELOG.md', gitPushCommand: '' }),
  // the first release (no v* tag yet) is 0.1.0 rather than projen's 0.0.0; after it the commits decide
  nextVersionCommand: 'test -n "$LATEST_TAG" || echo 0.1.0',
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
// offline on a file), reduced to the fields the constructs set (projenrc/import-crds.ts lists them; a full
// ApplicationSet import alone is 11 MB compiled). They stay internal: the constructs in src/gitops expose
// their own props. test/imports.test.ts fails when src/imports/ differs from a fresh run.
project.addTask('import', {
  description: 'Regenerate src/imports/ from the CRDs in crds/, reduced to the fields used (cdk8s import)',
  env: { CDK8S_CHECK_UPGRADE: 'false' },
  exec: 'ts-node --project projenrc/tsconfig.json projenrc/import-crds.ts',
});

// the package holds lib/, .jsii, README, LICENSE, NOTICE, CHANGELOG and the bundled yaml: nothing else is needed
// at run time (API.md: Construct Hub renders its own from .jsii). `dist-packages` as jsii-pacmak spells it, so
// that packaging does not append it to .npmignore and leaves the work tree clean.
for (const pattern of [
  'dist-packages', '/dist/', '/crds/', '/examples/', '/bench/', '/.ci/', '/rollout-state/', '/cdk8s.yaml',
  '/tsconfig.dev.json', '/API.md', '/.github/', '/SECURITY.md', '/CONTRIBUTING.md', '/RELEASING.md', '/.compatignore',
  '.staged-tmp-*',
]) {
  project.npmignore!.exclude(pattern);
}

// `npx projen compat`: jsii-diff of the compiled .jsii against the latest release on npm (before the first publish
// it says the package does not exist and passes), or against COMPAT_BASELINE, a release tarball such as the
// dist-packages/js/*.jsii.tgz of the last `npx projen release` (RELEASING.md). The tarball is unpacked under
// node_modules/ so that jsii-diff finds the baseline's dependencies (cdk8s, constructs) there.
const compatBaseline = 'node_modules/.cache/cdk8s-staged-compat-baseline';
project.tasks.tryFind('compat')!.reset([
  "sh -c 'set -e; if [ -z \"${COMPAT_BASELINE:-}\" ]; then",
  `exec jsii-diff npm:${project.package.packageName} -k --ignore-file .compatignore; fi;`,
  `rm -rf ${compatBaseline}; mkdir -p ${compatBaseline}; tar xzf \"$COMPAT_BASELINE\" -C ${compatBaseline};`,
  `exec jsii-diff ${compatBaseline}/package -k --ignore-file .compatignore'`,
].join(' '));

// a test run that finds no test fails
// `npm test` first compiles with jsii, so an API that other languages cannot use fails the tests
project.testTask.reset();
project.testTask.spawn(project.compileTask);
project.testTask.exec('jest --ci', { receiveArgs: true });

project.synth();
