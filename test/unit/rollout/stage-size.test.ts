import { StageSize } from '../../../src';

describe('StageSize', () => {
  test('pods resolve to themselves', () => {
    expect(StageSize.pods(3).resolve(5)).toBe(3);
    expect(StageSize.pods(1).toString()).toBe('1 pod');
    expect(StageSize.pods(3).toString()).toBe('3 pods');
    expect(StageSize.pods(3).toStageName()).toBe('pods-3');
  });

  // percent -> pods: ceil(p * replicas / 100), kept in [1, replicas - 1] below 100%
  test.each([
    // replicas 5
    [5, 1, 1], [5, 10, 1], [5, 20, 1], [5, 21, 2], [5, 25, 2], [5, 40, 2], [5, 50, 3], [5, 60, 3], [5, 61, 4],
    [5, 80, 4], [5, 81, 4], [5, 99, 4], [5, 99.99, 4], [5, 100, 5],
    // replicas 7
    [7, 1, 1], [7, 10, 1], [7, 14.28, 1], [7, 14.29, 2], [7, 25, 2], [7, 50, 4], [7, 57.14, 4], [7, 57.15, 5],
    [7, 75, 6], [7, 85.71, 6], [7, 85.72, 6], [7, 90, 6], [7, 100, 7],
    // small and large
    [2, 50, 1], [2, 99, 1], [3, 50, 2], [10, 12.5, 2], [10, 10, 1], [100, 33.33, 34], [1000, 0.01, 1],
  ])('%d replicas at %d%% -> %d pods', (replicas, percent, pods) => {
    expect(StageSize.percent(percent).resolve(replicas)).toBe(pods);
  });

  test('parse reads pods and percentages', () => {
    expect(StageSize.parse('3').resolve(10)).toBe(3);
    expect(StageSize.parse(' 25% ').resolve(10)).toBe(3);
    expect(StageSize.parse('12.5%').toString()).toBe('12.5%');
    expect(StageSize.parse('12.5%').toStageName()).toBe('percent-12-5');
  });

  test.each([
    ['fails a malformed percentage "25 %"', () => StageSize.parse('25 %'), 'stage size ("25 %") must be a whole number of pods such as "2" or a percentage such as "25%"'],
    ['fails "abc"', () => StageSize.parse('abc'), 'stage size ("abc") must be a whole number of pods such as "2" or a percentage such as "25%"'],
    ['fails "-3"', () => StageSize.parse('-3'), 'stage size ("-3") must be a whole number of pods such as "2" or a percentage such as "25%"'],
    ['fails "0%"', () => StageSize.parse('0%'), 'stage size (0%) must be a percentage greater than 0 and at most 100, with at most two decimals'],
    ['fails "150%"', () => StageSize.parse('150%'), 'stage size (150%) must be a percentage greater than 0 and at most 100, with at most two decimals'],
    ['fails "1.234%"', () => StageSize.parse('1.234%'), 'stage size ("1.234%") must be a whole number of pods such as "2" or a percentage such as "25%"'],
    ['fails percent(12.345)', () => StageSize.percent(12.345), 'stage size (12.345%) must be a percentage greater than 0 and at most 100, with at most two decimals'],
    ['fails percent(NaN)', () => StageSize.percent(NaN), 'stage size (NaN%) must be a percentage greater than 0 and at most 100, with at most two decimals'],
    ['fails pods(0)', () => StageSize.pods(0), 'stage size (0) must be a whole number of pods >= 1'],
    ['fails pods(1.5)', () => StageSize.pods(1.5), 'stage size (1.5) must be a whole number of pods >= 1'],
  ])('%s', (_name, fn, message) => {
    expect(fn).toThrow(new Error(message));
  });
});
