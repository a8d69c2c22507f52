export * from './rollout/stage-size';
export * from './rollout/plan';
export * from './stateful/types';
export * from './stateful/update-strategy';
export * from './stateful/container';
export * from './stateful/stateful-app';
export * from './output/staged-app';
export * from './cli/rollout-directory';
