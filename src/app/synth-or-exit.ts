/**
 * Run a synth and turn a refusal into one line for a person: `error: <message>` on stderr, exit code 1,
 * no stack trace. A refusal is any Error the synth throws (a validation error, a `RefusedError` of the
 * state machine, a conflict on disk); anything else thrown is not an Error and is rethrown.
 * @returns 0 when the synth wrote its files, 1 when it was refused
 */
export function synthReporting(synth: () => void, stderr: (text: string) => void): number {
  try {
    synth();
    return 0;
  } catch (err) {
    if (!(err instanceof Error)) throw err;
    stderr(`error: ${err.message}\n`);
    return 1;
  }
}
