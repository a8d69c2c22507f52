import { checkDisjoint } from '../../../src/io/atomic-write';

/** The check that no two rollout directories overlap, by sorting (issue 17: it compared every pair). */
describe('checkDisjoint', () => {
  const many = Array.from({ length: 5000 }, (_, i) => `team-${i % 7}/app-${i}`);

  test('thousands of disjoint directories pass, prefixes that are not parents included', () => {
    expect(() => checkDisjoint([...many, 'web', 'web-b', 'webb/x', 'Web-c'])).not.toThrow();
  });

  test.each([
    [['a', 'web', 'b', 'web'], 'rollout directory ("web") overlaps rollout directory ("web"): each rollout needs its own directory'],
    [['web/b', 'x', 'web'], 'rollout directory ("web/b") overlaps rollout directory ("web"): each rollout needs its own directory'],
    [['web', 'web-a', 'web/b/c'], 'rollout directory ("web") overlaps rollout directory ("web/b/c"): each rollout needs its own directory'],
    [['Web', 'web'], 'rollout directory ("Web") overlaps rollout directory ("web") on a case-insensitive file system (macOS, Windows): each rollout needs its own directory'],
    [['web/B', 'WEB'], 'rollout directory ("web/B") overlaps rollout directory ("WEB") on a case-insensitive file system (macOS, Windows): each rollout needs its own directory'],
  ])('%j is refused, naming the pair in the order given', (dirs, message) => {
    expect(() => checkDisjoint(dirs)).toThrow(new Error(message));
  });

  test('one overlap among thousands is found, whichever side comes first', () => {
    expect(() => checkDisjoint([...many, 'team-3/app-10/inner'])).toThrow(new Error('rollout directory ("team-3/app-10") overlaps rollout directory ("team-3/app-10/inner"): each rollout needs its own directory'));
    expect(() => checkDisjoint(['team-3/app-10/inner', ...many])).toThrow(new Error('rollout directory ("team-3/app-10/inner") overlaps rollout directory ("team-3/app-10"): each rollout needs its own directory'));
  });
});
