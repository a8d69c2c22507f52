/** One JSON 6902 patch of a stage over `base/`: its target and its operations. Data only. */
export interface StagePatch {
  readonly target: { readonly group?: string; readonly version: string; readonly kind: string; readonly name: string; readonly namespace?: string };
  /** Only `replace`: it fails the build if the field is missing from the base, so a stage never adds a field. */
  readonly ops: Array<{ op: 'replace'; path: string; value: unknown }>;
}

/** A JSON pointer segment: `~` and `/` escaped (RFC 6901), for label keys such as `example.com/color`. */
export function pointerSegment(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
