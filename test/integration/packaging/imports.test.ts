import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const repo = path.join(__dirname, '..', '..', '..');
const imports = path.join(repo, 'src', 'imports');

describe('src/imports', () => {
  let fresh: string;
  beforeAll(() => {
    fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-staged-imports-'));
    // the command of `npx projen import`, into another directory
    execFileSync(path.join(repo, 'node_modules', '.bin', 'ts-node'), ['--project', 'projenrc/tsconfig.json', 'projenrc/import-crds.ts', '--output', fresh], {
      cwd: repo, stdio: ['ignore', 'ignore', 'pipe'],
    });
  });
  afterAll(() => fs.rmSync(fresh, { recursive: true, force: true }));

  test('is what npx projen import writes, byte for byte (deterministic, nothing edited by hand)', () => {
    const files = fs.readdirSync(imports).sort();
    expect(files).toEqual([
      'argocd-application-argoproj.io.ts',
      'argocd-applicationset-argoproj.io.ts',
      'flux-kustomization-kustomize.toolkit.fluxcd.io.ts',
      'kruise-statefulset-apps.kruise.io.ts',
    ]);
    expect(fs.readdirSync(fresh).sort()).toEqual(files);
    for (const file of files) {
      expect({ file, same: fs.readFileSync(path.join(fresh, file), 'utf-8') === fs.readFileSync(path.join(imports, file), 'utf-8') }).toEqual({ file, same: true });
    }
  });

  test('keeps the Argo CD and Flux types small (a full ApplicationSet import is 3.2 MB)', () => {
    const appset = fs.readFileSync(path.join(imports, 'argocd-applicationset-argoproj.io.ts'), 'utf-8');
    expect(appset.length).toBeLessThan(30_000);
    // the object, and the int-or-string of RollingSync's maxUpdate
    expect(appset.match(/^export class \w+/gm)).toEqual(['export class ApplicationSet', 'export class ApplicationSetSpecStrategyRollingSyncStepsMaxUpdate']);
    for (const file of ['argocd-application-argoproj.io.ts', 'flux-kustomization-kustomize.toolkit.fluxcd.io.ts']) {
      expect({ file, small: fs.statSync(path.join(imports, file)).size < 30_000 }).toEqual({ file, small: true });
    }
    // the JSON keys the CRD spells differently from the TypeScript names are kept
    expect(appset).toContain("'repoURL': obj.repoUrl,");
  });

  test('a keep path the CRD does not have is refused, naming the path and the properties there', () => {
    const script = fs.readFileSync(path.join(repo, 'projenrc', 'import-crds.ts'), 'utf-8');
    const broken = path.join(repo, 'projenrc', `.staged-tmp-import-${process.pid}.ts`);
    fs.writeFileSync(broken, script.replace("'spec.destination.server', 'spec.destination.name'", "'spec.destination.server', 'spec.destination.cluster'"));
    try {
      expect(() => execFileSync(path.join(repo, 'node_modules', '.bin', 'ts-node'), ['--project', 'projenrc/tsconfig.json', broken, '--output', fresh], {
        cwd: repo, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf-8',
      })).toThrow('keep path v1alpha1.spec.destination.cluster is not a property of the CRD: the properties are name, namespace, server');
    } finally {
      fs.rmSync(broken, { force: true });
    }
  });
});
