// The public API, named one by one: internal helpers stay out of it (and out of API.md).

// plans and stage sizes (core)
export { StageSize } from './core/stage-size';
export { RolloutPlan, StageDefinition, CanaryPlanOptions, LinearPlanOptions, ExponentialPlanOptions, ResolvedStage } from './core/plan';
export { Fenceposts } from './core/fenceposts';
export { RevisionSummary } from './core/state';

// the constructs
export { PodManagementPolicy, PvcRetention, Protocol, ImagePullPolicy, DnsPolicy, VolumeMode, IpFamilyPolicy, AccessMode, PvcRetentionPolicy, ServicePort, HeadlessServiceOptions, VolumeClaimTemplate } from './constructs/shared/types';
export { PercentOrAbsolute } from './constructs/shared/percent-or-absolute';
export { ContainerPortOptions, VolumeMount, ContainerResources, ContainerProps, RESTRICTED_SECURITY_CONTEXT, ROOT_SECURITY_CONTEXT } from './constructs/shared/container';
export { WorkloadPodProps } from './constructs/shared/pod';
export { RolloutOptionsBase, RolloutWave } from './constructs/shared/rollout-options';
export { IStagedWorkload, WorkloadReference } from './constructs/shared/staged-workload';
export { StatefulSetRollingUpdateOptions, StatefulSetUpdateStrategy } from './constructs/stateful/update-strategy';
export { KruisePodUpdatePolicy, WeightPriorityTerm, UpdatePriority, PodLabelsPreview, KruiseOptions, StatefulSetBackend } from './constructs/stateful/backend';
export { ServiceType, UnhealthyPodEvictionPolicy, PodDisruptionBudgetOptions, ServiceAccountOptions, ClientServiceOptions } from './constructs/shared/companions';
export { AdoptedStatefulSetProps, AdoptedStatefulSet } from './constructs/stateful/adopted-statefulset';
export { MAX_STATEFULSET_NAME, StatefulAppRolloutOptions, StatefulAppProps, StatefulApp } from './constructs/stateful/stateful-app';
export { DeploymentRollingUpdateOptions, DeploymentStrategy } from './constructs/stateless/deployment-strategy';
export { DeploymentServicePort, DeploymentServiceOptions, CanaryRolloutOptions, BlueGreenRolloutOptions, DeploymentRolloutStrategy, DeploymentRolloutOptions, DeploymentAppProps, DeploymentApp } from './constructs/stateless/deployment-app';

// the App, and the committed rollout directories (the operations of the cdk8s-staged command)
export { StagedAppProps, StagedApp } from './app/staged-app';
export { RolloutStatus, PromoteOptions, ChangeResult, GateResult, OpenOptions, RootEdit, RolloutDirectory, WaveOptions, WaveStatus } from './app/rollout-directory';
export { VerifyOptions, VerifyCheck, TreeVerdict, VerifyReport, verifyChange, verifySummary } from './app/verify';

// GitOps agents
export { ArgoCdSyncOptions, ArgoCdApplicationProps, ArgoCdApplication, ArgoCdCluster, ArgoCdWaves, ArgoCdApplicationSetProps, ArgoCdApplicationSet, ArgoCdRetry, ArgoCdIgnoreDifference, ArgoCdNotification } from './gitops/argocd';
export { FluxSourceKind, FluxHealthCheck, FluxKustomizationProps, FluxKustomization, FluxDependency, FluxGitRepositoryProps, FluxGitRepository } from './gitops/flux';

// analysis gates: metric queries with thresholds and bake times, per stage
export { AnalysisDuration, ComparisonOperator, SuccessCondition, SamplingType, ConsecutiveSamplingOptions, WindowSamplingOptions, Sampling, NanPolicy, QueryVariables, PrometheusAnalysisOptions, StageAnalysis, StageGateOptions, StageGate } from './core/analysis';
