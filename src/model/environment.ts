/**
 * The environment variables through which `cdk8s-staged` (the code check of `promote`) talks to the
 * cdk8s app it runs, all in one place. A person never needs to set them; the README lists them.
 */
export const ENVIRONMENT = {
  /** cdk8s's own: the output directory `cdk8s synth` passes to the app (a `StagedApp` without `outdir` uses it). */
  outdir: 'CDK8S_OUTDIR',
  /** `1`: read the rollout state files but do not write them (the code check renders, it does not commit). */
  readOnlyState: 'CDK8S_STAGED_READ_ONLY_STATE',
  /** The output directory the trees are committed in, when the check renders them elsewhere (plan.json names the state file relative to it). */
  committedOutdir: 'CDK8S_STAGED_COMMITTED_OUTDIR',
  /** The check's own output directory: a `StagedApp` writes there whatever `outdir` the code gives, and reads the state only. */
  checkOutdir: 'CDK8S_STAGED_CHECK_OUTDIR',
  /** cdk8s-cli's own: `false` stops its online upgrade check (it prints a stack trace offline). */
  checkUpgrade: 'CDK8S_CHECK_UPGRADE',
} as const;
