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

  test('a value already in canonical order (the JSON cdk8s renders) and one nearly so give the sorted copy\'s text', () => {
    const key = fc.oneof(fc.string(), fc.constantFrom('0', '1', '10', '9', '007', '4294967294', '4294967295', '4294967296', '9999999999', 'toJSON', '__proto__', 'a', 'B'));
    const value = fc.letrec(tie => ({
      node: fc.oneof({ depthSize: 'small' }, fc.jsonValue(), fc.constant(undefined), fc.array(tie('node')), fc.dictionary(key, tie('node'))),
    })).node;
    // the sorted copy of a random value, then one key of some object moved to the end
    const sorted = (v: unknown): any => JSON.parse(JSON.stringify(v, (_k, x) => (x !== null && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.keys(x).sort().map(k => [k, x[k]])) : x)) ?? 'null');
    const moved = (v: any): any => {
      if (Array.isArray(v)) return v.map(moved);
      if (v === null || typeof v !== 'object') return v;
      const keys = Object.keys(v);
      return Object.fromEntries([...keys.slice(1), ...keys.slice(0, 1)].map(k => [k, moved(v[k])]));
    };
    for (const seed of [4, 5]) {
      fc.assert(fc.property(value, v => {
        const s = sorted(v);
        return canonicalJson(s) === reference(s) && canonicalJson(moved(s)) === reference(moved(s));
      }), { seed, numRuns: 400 });
    }
    expect(canonicalJson({ 4294967296: 1, 4294967295: 2 })).toBe('{"4294967295":2,"4294967296":1}');
    expect(canonicalJson({ 5: 1, 4294967295: 2, a: 3 })).toBe('{"5":1,"4294967295":2,"a":3}');
    // no toJSON is called on this path either: the walk's own text (rendered JSON has neither)
    expect(canonicalJson({ a: new Date(0), b: { toJSON: () => 'x' } })).toBe('{"a":{},"b":{}}');
  });

  test('exact texts: sorted keys at every level, index keys first as an object lists them, undefined dropped or null in arrays', () => {
    expect(canonicalJson({ b: 1, a: [{ d: undefined, c: 'x' }, undefined], 10: true, 9: false })).toBe('{"9":false,"10":true,"a":[{"c":"x"},null],"b":1}');
    expect(templateRevision({ spec: { containers: [{ name: 'c', image: 'nginx:1' }] }, metadata: { labels: { app: 'web' } } })).toBe(templateRevision({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ image: 'nginx:1', name: 'c' }] } }));
  });
});
