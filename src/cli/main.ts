#!/usr/bin/env node
import { runCli } from './cli';
import { MAX_LIVE_BYTES } from '../core/limits';
import { readLimited } from '../io/read-limited';

void Promise.resolve(runCli(process.argv.slice(2), {
  stdout: text => process.stdout.write(text),
  stderr: text => process.stderr.write(text),
  readStdin: () => readLimited(0, MAX_LIVE_BYTES, '--live ("-")'),
})).then(code => {
  process.exitCode = code;
});
