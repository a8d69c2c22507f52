/**
 * The bounds of every input that sizes work, in one place, each documented in the README ("Limits").
 * Every algorithm is linear in pods times stages within them.
 */

/** The most replicas a StatefulApp or a DeploymentApp takes. */
export const MAX_REPLICAS = 10000;

/** The most stages of a plan between hold and complete. */
export const MAX_STAGES = 100;

/** The most waves of a fleet (`rollout.waves`). */
export const MAX_WAVES = 100;

/** The most steps a generated plan (linear, exponential) may take before every pod is updated. */
export const MAX_PLAN_STEPS = 10000;

/** The most ordinals Kruise's `reserveOrdinals` may reserve, ranges expanded. */
export const MAX_RESERVED_ORDINALS = 10000;

/** The most bytes of live status the gate reads. */
export const MAX_LIVE_BYTES = 16 * 1024 * 1024;

/** The longest value an error message shows whole; longer ones are cut and their length told. */
export const MAX_SHOWN_CHARACTERS = 200;
