import { expandReserved, integerSuffix, kruisePodOrdinals, kruiseUpdatedOrdinals, kruiseUpdateOrder, KruisePreviewInput, PrioritySpec } from '../../../src/core/kruise-preview';

/**
 * Cases worked out by hand from OpenKruise's controller: getStatefulSetReplicasRange (which ordinals
 * exist), sortPodsToUpdate (partition = pods kept; without unorderedUpdate only slots >= partition from the
 * top; with it every pod, updated ones first, the rest priority-sorted) and updatesort's prioritySort
 * (SliceStable; weight sum desc; orderPriority level asc with -1 for pods lacking every key, then suffix
 * desc; ties by descending ordinal).
 */
function input(over: Partial<KruisePreviewInput> & { labels?: { [o: number]: { [k: string]: string } } }): KruisePreviewInput {
  const labels = over.labels ?? {};
  return {
    replicas: 5,
    ordinalsStart: 0,
    reserved: [],
    partition: 0,
    unordered: false,
    labelsOf: (o: number) => labels[o] ?? {},
    ...over,
  };
}

const seed004: PrioritySpec = { weight: [{ weight: 30, selector: { matchLabels: { working: 'true' } } }, { weight: 50, selector: { matchLabels: { working: 'false' } } }] };
const seedLabels = { 0: { working: 'true' }, 1: { working: 'false' }, 2: { working: 'true' }, 3: { working: 'false' }, 4: { working: 'true' } };

describe('the Kruise update preview', () => {
  test.each<[string, Partial<KruisePreviewInput> & { labels?: any }, number[]]>([
    ['1. ordered, partition 3 of 5: the two top slots', { partition: 3 }, [3, 4]],
    ['2. partition = replicas: nothing', { partition: 5 }, []],
    ['3. partition > replicas: nothing', { partition: 7 }, []],
    ['4. the hold partition: nothing', { partition: 2147483647, unordered: true, priority: seed004, labels: seedLabels }, []],
    ['5. ordered, reserved 1, partition 3: 5 and 4', { reserved: [1], partition: 3 }, [4, 5]],
    ['6. ordered, reserved 1, partition 1: four from the top, slot 1 skipped', { reserved: [1], partition: 1 }, [2, 3, 4, 5]],
    ['7. ordered, reserved 1, partition 0: every pod', { reserved: [1], partition: 0 }, [0, 2, 3, 4, 5]],
    ['8. unordered without priority: descending ordinal', { unordered: true, partition: 3 }, [3, 4]],
    ['9. seed 004: the idle pods 1 and 3 first', { unordered: true, priority: seed004, labels: seedLabels, partition: 3 }, [1, 3]],
    ['10. seed 004, partition 2: then the highest working pod', { unordered: true, priority: seed004, labels: seedLabels, partition: 2 }, [1, 3, 4]],
    ['11. equal weights: descending ordinal', { unordered: true, priority: seed004, labels: { 0: { working: 'true' }, 1: { working: 'true' }, 2: { working: 'true' }, 3: { working: 'true' }, 4: { working: 'true' } }, partition: 3 }, [3, 4]],
    ['12. weights add up across terms', {
      unordered: true,
      partition: 3,
      priority: { weight: [{ weight: 10, selector: { matchLabels: { a: '1' } } }, { weight: 20, selector: { matchLabels: { b: '1' } } }] },
      labels: { 0: { a: '1', b: '1' }, 1: { b: '1' }, 2: { a: '1' }, 4: { a: '1', b: '1' } },
    }, [0, 4]],
    ['13. weight 0 counts as no match', {
      unordered: true,
      partition: 4,
      priority: { weight: [{ weight: 0, selector: { matchLabels: { a: '1' } } }] },
      labels: { 0: { a: '1' } },
    }, [4]],
    ['14. orderPriority: pods without the key first, then the higher suffix', {
      unordered: true,
      partition: 3,
      priority: { order: ['tier'] },
      labels: { 0: { tier: 't-3' }, 1: { tier: 't-10' }, 3: { tier: 't-1' }, 4: { tier: 'x' } },
    }, [1, 2]],
    ['15. orderPriority with two keys: the earlier key wins over the suffix', {
      unordered: true,
      partition: 2,
      priority: { order: ['a', 'b'] },
      labels: { 0: { b: '2' }, 1: { a: '1' }, 3: { a: '5' }, 4: { b: '9' } },
    }, [1, 2, 3]],
    ['16. ordinals.start 1 with reserved 2-3, ordered, partition 3 of 7', { replicas: 7, ordinalsStart: 1, reserved: [2, 3], partition: 3 }, [6, 7, 8, 9]],
    ['17. seed 004 with reserved 2: pods 0,1,3,4,5', { reserved: [2], unordered: true, priority: seed004, labels: { 0: { working: 'true' }, 1: { working: 'false' }, 3: { working: 'false' }, 4: { working: 'true' }, 5: { working: 'false' } }, partition: 3 }, [3, 5]],
    ['18. matchExpressions In / DoesNotExist', {
      unordered: true,
      partition: 3,
      priority: { weight: [{ weight: 40, selector: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] } }, { weight: 5, selector: { matchExpressions: [{ key: 'busy', operator: 'DoesNotExist' }] } }] },
      labels: { 0: { zone: 'a', busy: '1' }, 1: { zone: 'c' }, 2: { zone: 'b' }, 3: { busy: 'y' }, 4: { zone: 'c', busy: '1' } },
    }, [0, 2]],
  ])('%s', (_name, over, expected) => {
    expect(kruiseUpdatedOrdinals(input(over))).toEqual(expected);
  });

  test('the update order of seed 004', () => {
    expect(kruiseUpdateOrder(input({ unordered: true, priority: seed004, labels: seedLabels }))).toEqual([3, 1, 4, 2, 0]);
  });

  test('pods, reserved ranges and label suffixes', () => {
    expect(kruisePodOrdinals(4, 2, [1, 3])).toEqual([2, 4, 5, 6]);
    expect(expandReserved(['1', '5-7', '6'])).toEqual([1, 5, 6, 7]);
    expect(integerSuffix('pod-12')).toBe(12);
    expect(integerSuffix('abc')).toBe(0);
    expect(integerSuffix('7')).toBe(7);
  });
});
