/** The header of every kustomization.yaml this library writes. */
export const KUSTOMIZATION_HEADER = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' };

/** The comment above the root kustomization's one line. */
export const ROOT_COMMENT = '# The active stage of this rollout. Promote by changing the line below to the next stage\n' +
  '# directory listed in PLAN.md, in a reviewed commit.\n';

/** The comment above the one line of a wave's root. */
export function waveRootComment(wave: string): string {
  return `# The stage wave ${wave} applies. Promote this wave by changing the line below to the next stage\n` +
    '# directory listed in ../../PLAN.md, in a reviewed commit, once the wave before it is far enough.\n';
}

/**
 * The directory the root kustomization selects, or undefined when it is not one this tool writes.
 * @param prefix what comes before `stages/`: nothing for the root, `../../` for a wave's root
 */
export function parseActiveDirectory(text: string, prefix: '' | '../../' = ''): string | undefined {
  const match = (prefix === '' ? /^resources:\n *- (stages\/[^\s]+)\n(?![ -])/m : /^resources:\n *- (\.\.\/\.\.\/stages\/[^\s]+)\n(?![ -])/m).exec(text);
  return match?.[1];
}
