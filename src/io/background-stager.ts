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
port.on('message', ([meta, bytes]) => {
  // meta: JSON of the items (a tree ['T', tmp, dirs, names], a file ['F', tmp]) and the byte length of
  // each content; bytes: the contents, UTF-8, one after the other, in the order of the items and names
  const [items, lengths] = JSON.parse(meta);
  const buffer = Buffer.from(bytes);
  let at = 0;
  let next = 0;
  const take = () => buffer.subarray(at, at += lengths[next++]);
  for (const item of items) {
    if (!failed) {
      try {
        if (item[0] === 'F') {
          write(item[1], take());
        } else {
          const [, tmp, dirs, names] = item;
          fs.mkdirSync(tmp);
          for (const d of dirs) fs.mkdirSync(path.join(tmp, d));
          for (const name of names) write(path.join(tmp, name), take());
        }
        if (crashAt === 'background-staged') process.kill(process.pid, 'SIGKILL');
      } catch (e) {
        failed = true;
        port.postMessage({ message: String(e && e.message), code: e && e.code, syscall: e && e.syscall, path: e && e.path });
      }
    } else {
      for (let n = item[0] === 'F' ? 1 : item[3].length; n > 0; n--) at += lengths[next++];
    }
    Atomics.add(done, 0, 1);
    Atomics.notify(done, 0);
  }
});
`;

/** How long the worker may make no progress while trees wait for it (a slow disk still writes a file in that time). */
const STALL_MS = 120_000;
/** At most this many trees posted to the worker and not yet written. */
const MAX_BACKLOG = 256;
/** Trees go to the worker in messages of about this many files. */
const BATCH_FILES = 64;

/** One tree for the worker: the temporary directory, its subdirectories (parents first), its files. */
export interface StagedTree {
  readonly tmp: string;
  readonly dirs: string[];
  readonly files: Map<string, string>;
}

/** A worker thread writing temporary trees in the order given. */
export class BackgroundStager {
  /** @param stallMs how long the worker may write nothing while trees wait, before `drain` gives up */
  public static start(stallMs = STALL_MS): BackgroundStager {
    return new BackgroundStager(stallMs);
  }

  private readonly worker: WorkerThreads.Worker;
  private readonly port: WorkerThreads.MessagePort;
  private readonly done = new Int32Array(new SharedArrayBuffer(4));
  /** Trees posted to the worker, and those queued for the next message. */
  private posted = 0;
  /**
   * The items queued for the next message, as the worker reads them: a tree `['T', tmp, dirs, names]`, a
   * file `['F', tmp]`; and their contents, in order. A message carries the items as JSON and the contents
   * encoded once (UTF-8) into one buffer that is moved to the worker, not copied: the worker writes the
   * bytes as they are.
   */
  private batch: Array<['T', string, string[], string[]] | ['F', string]> = [];
  private contents: string[] = [];
  /** The UTF-16 length of the contents: three bytes each at most in UTF-8. */
  private contentUnits = 0;
  private batchFiles = 0;
  private closed = false;
  /** Set when a wait gave up: close() then waits no more. */
  private stalled = false;

  private constructor(private readonly stallMs: number) {
    const { MessageChannel, Worker: WorkerThread } = workerThreads();
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new WorkerThread(WORKER_SOURCE, { eval: true, workerData: { done: this.done.buffer, port: port2 }, transferList: [port2] });
    // neither keeps the process alive: drain() waits for the work, close() ends the thread
    this.worker.unref();
    this.port.unref();
  }

  /**
   * Queue one tree; its content is copied to the worker, so the caller may drop it. Trees are posted in
   * messages of about `BATCH_FILES` files; with `MAX_BACKLOG` trees posted and not written, posting waits
   * for the worker first: the copies in flight stay bounded when the disk is slower than the rendering.
   */
  public stage(tree: StagedTree): void {
    if (this.closed) throw new Error('the background stager is closed');
    const names: string[] = [];
    for (const [name, content] of tree.files) {
      names.push(name);
      this.contents.push(content);
      this.contentUnits += content.length;
    }
    this.batch.push(['T', tree.tmp, tree.dirs, names]);
    this.batchFiles += tree.files.size;
    if (this.batchFiles >= BATCH_FILES) this.flush();
  }

  /** Queue one file (`tmp`, its temporary copy, with `content`), as `stage` queues a tree. */
  public stageFile(tmp: string, content: string): void {
    if (this.closed) throw new Error('the background stager is closed');
    this.batch.push(['F', tmp]);
    this.contents.push(content);
    this.contentUnits += content.length;
    this.batchFiles += 1;
    if (this.batchFiles >= BATCH_FILES) this.flush();
  }

  /** Post the trees queued since the last message (a message costs as much as writing a few files). */
  private flush(): void {
    if (this.batch.length === 0) return;
    this.waitUntil(this.posted + this.batch.length - MAX_BACKLOG);
    const bytes = Buffer.allocUnsafeSlow(this.contentUnits * 3);
    const lengths: number[] = [];
    let at = 0;
    for (const content of this.contents) {
      const n = bytes.write(content, at);
      lengths.push(n);
      at += n;
    }
    this.port.postMessage([JSON.stringify([this.batch, lengths]), bytes.buffer], [bytes.buffer]);
    this.posted += this.batch.length;
    this.batch = [];
    this.contents = [];
    this.contentUnits = 0;
    this.batchFiles = 0;
  }

  /** Block until every queued tree is written; throw the worker's first error. */
  public drain(): void {
    this.flush();
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

  /**
   * Block until the worker has taken `count` trees (written, or skipped after a failure). A worker that
   * died (its thread cannot tell the blocked main thread) or a disk that hangs makes no progress: after
   * `stallMs` without one, this throws instead of waiting forever.
   */
  private waitUntil(count: number): void {
    let last = Date.now();
    for (let seen = Atomics.load(this.done, 0); seen < count;) {
      Atomics.wait(this.done, 0, seen, Math.min(1000, this.stallMs));
      const now = Atomics.load(this.done, 0);
      if (now !== seen) {
        seen = now;
        last = Date.now();
      } else if (Date.now() - last >= this.stallMs) {
        this.stalled = true;
        throw new Error(`the thread writing the temporary trees wrote nothing for ${this.stallMs / 1000} s (${seen} of ${count} trees written): it stopped, or the disk does not answer; nothing was replaced`);
      }
    }
  }

  /**
   * End the thread once it has written what was posted (its errors ignored: the caller has its error
   * already, or rolls back anyway). Trees queued and not yet posted are dropped: after `drain` there are
   * none; without it the caller is aborting and removes every temporary tree.
   */
  public close(): void {
    if (this.closed) return;
    this.closed = true;
    this.batch = [];
    this.contents = [];
    this.contentUnits = 0;
    try {
      if (this.stalled) throw new Error('stalled');
      this.waitUntil(this.posted);
    } catch {
      // stalled: stop it, so it writes no more while the caller removes the temporary trees
      void this.worker.terminate();
    } finally {
      // the worker's end of the channel closes with it, and the worker ends
      this.port.close();
    }
  }
}
