/** The header of every kustomization.yaml this library writes. */
export const KUSTOMIZATION_HEADER = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' };

/** The comment above the root kustomization's one line. */
export const ROOT_COMMENT = '# The active stage of this rollout. Promote by changing the line below to the next stage\n' +
  '# directory listed in PLAN.md, in a reviewed commit.\n';

/** The directory the root kustomization selects, or undefined when it is not one this tool writes. */
export function parseActiveDirectory(text: string): string | undefined {
  const match = /^resources:\n *- (stages\/[^\s]+)\n(?![ -])/m.exec(text);
  return match?.[1];
}
