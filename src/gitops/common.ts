import { checkDnsSubdomain, show } from '../core/validation';

/** A Go duration as Flux and Argo CD parse it: `30s`, `5m`, `1h30m`. */
export function checkDuration(field: string, value: string): void {
  if (typeof value !== 'string' || !/^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/.test(value)) {
    throw new Error(`${field} (${show(value)}) must be a Go duration such as "30s", "5m" or "1h30m"`);
  }
}

/** A path in the Git repository: relative, no `..`. */
export function checkRepoPath(field: string, value: string): void {
  const parts = typeof value === 'string' ? value.replace(/^\.\//, '').split('/') : [];
  if (parts.length === 0 || parts.some(p => p === '' || p === '..' || p === '.')) {
    throw new Error(`${field} (${show(value)}) must be a relative path inside the repository, such as "dist/web", with no ".." and no leading "/"`);
  }
}

/** A non-empty string. */
export function checkNonEmpty(field: string, value: string): void {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new Error(`${field} (${show(value)}) must be a non-empty string`);
  }
}

export { checkDnsSubdomain };
