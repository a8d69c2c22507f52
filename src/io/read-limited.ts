import * as fs from 'fs';

/**
 * Read a file (or a file descriptor such as 0, standard input) whole, but never more than `max` bytes:
 * `/dev/zero`, a pipe that never ends or a huge file is refused instead of read without end.
 * @param what how messages name the input, such as `--live ("/dev/zero")`
 */
export function readLimited(file: string | number, max: number, what: string): Buffer {
  const fd = typeof file === 'number' ? file : fs.openSync(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    const chunk = Buffer.alloc(64 * 1024);
    for (;;) {
      let n: number;
      try {
        n = fs.readSync(fd, chunk, 0, chunk.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
        if ((e as NodeJS.ErrnoException).code === 'EOF') break;
        throw e;
      }
      if (n === 0) break;
      total += n;
      if (total > max) {
        throw new Error(`${what} has more than ${max} bytes: pass the output of one \`kubectl get ... -o json\``);
      }
      chunks.push(Buffer.from(chunk.subarray(0, n)));
    }
    return Buffer.concat(chunks, total);
  } finally {
    if (typeof file !== 'number') fs.closeSync(fd);
  }
}
