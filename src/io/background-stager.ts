import type * as WorkerThreads from 'worker_threads';

/** `worker_threads`, loaded on first use: a command that writes a few files never starts a thread. */
function workerThreads(): typeof WorkerThreads {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('worker_threads');
}

/**
 * The thread that writes a commit's temporary copies while the main thread renders the next trees
 * (issue 17): on two cores the file writes of a large synth overlap its rendering instead of adding to
 * it. It only creates directories and files inside temporary siblings the main thread named; every check,
 * the journal, the commit point and the renames stay on the main thread. A failure stops it: it writes
 * nothing more and reports the first error, which the main thread throws at `drain`.
 *
 * The worker's source is plain JavaScript in a string, run with `eval`: the same code from `src/` under
 * ts-jest and from `lib/` in the package, nothing for a bundler or coverage tool to rewrite.
 */
const WORKER_SOURCE = `
const fs = require('fs');
const path = require('path');
const { workerData } = require('worker_threads');
const done = new Int32Array(workerData.done);
const port = workerData.port;
const crashAt = process.env.CDK8S_STAGED_TEST_CRASH_AT || undefined;
let failed = false;
function write(file, content) {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeFileSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
port.on('message', batch => {
  if (!failed) {
    try {
      fs.mkdirSync(batch.tmp);
      for (const d of batch.dirs) fs.mkdirSync(path.join(batch.tmp, d));
      const files = batch.files;
      for (let i = 0; i < files.length; i += 2) write(path.join(batch.tmp, files[i]), files[i + 1]);
      if (crashAt === 'background-staged') process.kill(process.pid, 'SIGKILL');
    } catch (e) {
      failed = true;
      port.postMessage({ message: String(e && e.message), code: e && e.code, syscall: e && e.syscall, path: e && e.path });
    }
  }
  Atomics.add(done, 0, 1);
  Atomics.notify(done, 0);
});
`;

/** At most this many trees queued for the worker. */
const MAX_BACKLOG = 256;

/** One tree for the worker: the temporary directory, its subdirectories (parents first), its files. */
export interface StagedTree {
  readonly tmp: string;
  readonly dirs: string[];
  readonly files: Map<string, string>;
}

/** A worker thread writing temporary trees in the order given. */
export class BackgroundStager {
  public static start(): BackgroundStager {
    return new BackgroundStager();
  }

  private readonly worker: WorkerThreads.Worker;
  private readonly port: WorkerThreads.MessagePort;
  private readonly done = new Int32Array(new SharedArrayBuffer(4));
  private posted = 0;
  private closed = false;

  private constructor() {
    const { MessageChannel, Worker: WorkerThread } = workerThreads();
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new WorkerThread(WORKER_SOURCE, { eval: true, workerData: { done: this.done.buffer, port: port2 }, transferList: [port2] });
    // neither keeps the process alive: drain() waits for the work, close() ends the thread
    this.worker.unref();
    this.port.unref();
  }

  /**
   * Queue one tree; its content is copied to the worker, so the caller may drop it. With `MAX_BACKLOG`
   * trees queued, waits for the worker first: the copies in flight stay bounded when the disk is slower
   * than the rendering.
   */
  public stage(tree: StagedTree): void {
    if (this.closed) throw new Error('the background stager is closed');
    this.waitUntil(this.posted - MAX_BACKLOG + 1);
    const files: string[] = [];
    for (const [name, content] of tree.files) files.push(name, content);
    this.port.postMessage({ tmp: tree.tmp, dirs: tree.dirs, files });
    this.posted++;
  }

  /** Block until every queued tree is written; throw the worker's first error. */
  public drain(): void {
    this.waitUntil(this.posted);
    const failure = workerThreads().receiveMessageOnPort(this.port)?.message as { message: string; code?: string; syscall?: string; path?: string } | undefined;
    if (failure) {
      const err = new Error(failure.message) as NodeJS.ErrnoException;
      if (failure.code) err.code = failure.code;
      if (failure.syscall) err.syscall = failure.syscall;
      if (failure.path) err.path = failure.path;
      throw err;
    }
  }

  /** Block until the worker has taken `count` trees (written, or skipped after a failure). */
  private waitUntil(count: number): void {
    for (let seen = Atomics.load(this.done, 0); seen < count; seen = Atomics.load(this.done, 0)) {
      Atomics.wait(this.done, 0, seen);
    }
  }

  /** Wait for the queued work (ignoring its errors), then end the thread. */
  public close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.drain();
    } catch {
      // the caller has its error already, or rolls back anyway
    } finally {
      // the worker's end of the channel closes with it, and the worker ends
      this.port.close();
    }
  }
}
