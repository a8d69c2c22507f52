import * as path from 'path';
import * as fc from 'fast-check';
import { resolvePath } from '../../../src/io/paths';

/** The writer's `resolvePath` skips `path.resolve` only where it would return the path unchanged. */
describe('resolvePath', () => {
  test('equals path.resolve on tricky paths', () => {
    for (const p of ['/', '/a', '/a/', '/a//b', '/a/./b', '/a/../b', '/a/.b', '/a/..b', '/a/...', '/..', '/.', 'a/b', '', '.', '/a/b/.', '/a/b/..', '//a', '/a\\b', '/ä/ö', '/a/b c/d']) {
      expect({ p, resolved: resolvePath(p) }).toEqual({ p, resolved: path.resolve(p) });
    }
  });

  test('equals path.resolve on random paths of segments, dots and slashes', () => {
    const segment = fc.constantFrom('a', 'bc', '.', '..', '...', '.x', 'x.', '', 'é');
    fc.assert(fc.property(fc.boolean(), fc.array(segment, { maxLength: 6 }), fc.boolean(), (absolute, parts, trailing) => {
      const p = `${absolute ? '/' : ''}${parts.join('/')}${trailing ? '/' : ''}`;
      expect(resolvePath(p)).toBe(path.resolve(p));
    }), { seed: 17, numRuns: 2000 });
  });
});
