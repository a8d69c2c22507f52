// @ts-check
/**
 * The app that `cdk8s synth` runs (cdk8s.yaml): examples/main.ts under ts-node (transpile only), against
 * the compiled library in lib/ when it is up to date, as a project that installs the package would.
 * `npm run synth` compiles lib/ just before; transpiling the library's sources again would take most of
 * the run. When a file in src/ is newer than lib/ (src edited, lib not rebuilt), or lib/ is missing, the
 * examples run against src/ itself, so a synth never shows a stale library.
 */
const fs = require('fs');
const path = require('path');
const Module = require('module');

const root = path.join(__dirname, '..');
const src = path.join(root, 'src');
const lib = path.join(root, 'lib');

/** @param {string} dir @returns {number} the newest mtime of a .ts file below dir */
function newestSource(dir) {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

const built = fs.statSync(path.join(lib, 'index.js'), { throwIfNoEntry: false });
if (built !== undefined && newestSource(src) <= built.mtimeMs) {
  // every module of src/ is taken from lib/: src/x/y.ts -> lib/x/y.js
  const resolve = /** @type {any} */ (Module)._resolveFilename;
  /** @type {any} */ (Module)._resolveFilename = function (/** @type {any[]} */ ...args) {
    const file = resolve.apply(this, args);
    if (typeof file === 'string' && file.startsWith(src + path.sep) && file.endsWith('.ts')) {
      const compiled = path.join(lib, path.relative(src, file)).replace(/\.ts$/, '.js');
      if (fs.existsSync(compiled)) return compiled;
    }
    return file;
  };
} else {
  process.stderr.write('examples/run.js: lib/ is missing or older than src/, running the examples against src/ (npx projen compile builds lib/)\n');
}

require('ts-node').register({ transpileOnly: true, project: path.join(root, 'tsconfig.dev.json') });
require('./main.ts').buildExamples().synthOrExit();
