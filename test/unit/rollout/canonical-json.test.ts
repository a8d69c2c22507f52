import * as fc from 'fast-check';
import { canonicalJson, templateRevision } from '../../../src/core/revision';

/** The definition canonicalJson had before it wrote the text directly (issue 17): a sorted copy, stringified. */
function reference(value: unknown): string {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.keys(v as object).sort().map(k => [k, sortKeys((v as any)[k])]));
    return v;
  };
  return JSON.stringify(sortKeys(value));
}

describe('canonicalJson', () => {
  test('the same text as the sorted copy for random JSON values, keys that are array indices and undefined included', () => {
    const key = fc.oneof(fc.string(), fc.constantFrom('0', '1', '10', '9', '007', '4294967295', '__proto__', 'a', 'B'));
    const value = fc.letrec(tie => ({
      node: fc.oneof({ depthSize: 'small' }, fc.jsonValue(), fc.constant(undefined), fc.array(tie('node')), fc.dictionary(key, tie('node'))),
    })).node;
    for (const seed of [1, 2, 3]) {
      fc.assert(fc.property(value, v => canonicalJson(v) === reference(v)), { seed, numRuns: 400 });
    }
  });

  test('exact texts: sorted keys at every level, index keys first as an object lists them, undefined dropped or null in arrays', () => {
    expect(canonicalJson({ b: 1, a: [{ d: undefined, c: 'x' }, undefined], 10: true, 9: false })).toBe('{"9":false,"10":true,"a":[{"c":"x"},null],"b":1}');
    expect(templateRevision({ spec: { containers: [{ name: 'c', image: 'nginx:1' }] }, metadata: { labels: { app: 'web' } } })).toBe(templateRevision({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ image: 'nginx:1', name: 'c' }] } }));
  });
});
