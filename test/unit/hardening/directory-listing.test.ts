import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DirectoryListing } from '../../../src/io/files';

/** The one listing per directory that tells a first synth which trees and state files are missing (issue 17). */
describe('DirectoryListing', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'listing-'));
  fs.writeFileSync(path.join(dir, 'web.json'), '{}');
  fs.mkdirSync(path.join(dir, 'web'));

  test('a name the directory held may exist; one it did not hold surely does not', () => {
    const listing = new DirectoryListing();
    expect([listing.mayExist(path.join(dir, 'web.json')), listing.mayExist(path.join(dir, 'web')), listing.mayExist(path.join(dir, 'zk.json'))]).toEqual([true, true, false]);
    expect([...listing.names(dir)!].sort()).toEqual(['web', 'web.json']);
  });

  test('a missing directory holds nothing; a path below a file cannot be listed, so its lookups are left to the caller', () => {
    const listing = new DirectoryListing();
    expect(listing.mayExist(path.join(dir, 'missing', 'web.json'))).toBe(false);
    expect([...listing.names(path.join(dir, 'missing'))!]).toEqual([]);
    expect(listing.names(path.join(dir, 'web.json'))).toBeNull();
    expect(listing.mayExist(path.join(dir, 'web.json', 'x'))).toBe(true);
  });

  test('each directory is listed once: a file created after the listing is not seen (one listing per operation, under the lock)', () => {
    const listing = new DirectoryListing();
    expect(listing.mayExist(path.join(dir, 'late.json'))).toBe(false);
    fs.writeFileSync(path.join(dir, 'late.json'), '{}');
    expect(listing.mayExist(path.join(dir, 'late.json'))).toBe(false);
    expect(new DirectoryListing().mayExist(path.join(dir, 'late.json'))).toBe(true);
  });
});
