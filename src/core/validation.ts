/**
 * Input checks shared by the constructs. Each throws a plain `Error` whose message names the field,
 * shows the value and says what is allowed: `replicas (-1) must be an integer between 0 and 10000`.
 *
 * The rules mirror the Kubernetes API server's (k8s.io/apimachinery/pkg/util/validation) so that a bad
 * value fails at synth, not when Argo CD or Flux applies the manifest.
 */

import { MAX_SHOWN_CHARACTERS } from './limits';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const IANA_SVC_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** resource.Quantity: a signed decimal number with an optional binary, decimal or exponent suffix */
const QUANTITY = /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;

/**
 * Show a value in an error message the way a reader expects it: strings quoted, `Infinity`, `NaN` and
 * `undefined` as such (JSON would say null), and a long value cut, with its length told.
 */
export function show(value: unknown): string {
  let text: string;
  if (typeof value === 'number' && !Number.isFinite(value)) {
    text = String(value);
  } else if (value === undefined || typeof value === 'bigint' || typeof value === 'function' || typeof value === 'symbol') {
    text = typeof value === 'function' ? 'a function' : String(value);
  } else {
    try {
      text = JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > MAX_SHOWN_CHARACTERS ? `${text.slice(0, MAX_SHOWN_CHARACTERS)}... (${text.length} characters)` : text;
}

/** True when `key` is the object's own property: never an inherited one such as `constructor`. */
export function hasOwn(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

/** The object's own value at `key`, or undefined (never an inherited `constructor` or `toString`). */
export function own<T>(obj: { readonly [key: string]: T }, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

/** True for a DNS-1123 label: lowercase alphanumerics and '-', at most 63 characters. */
export function isDnsLabel(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 63 && DNS1123_LABEL.test(value);
}

/** A DNS-1123 label: lowercase alphanumerics and '-', at most 63 characters. */
export function checkDnsLabel(field: string, value: string): void {
  if (!isDnsLabel(value)) {
    throw new Error(`${field} (${show(value)}) must be a DNS-1123 label: at most 63 lowercase alphanumeric characters or '-', starting and ending with an alphanumeric character`);
  }
}

/** A DNS-1123 subdomain: labels separated by '.', at most 253 characters. */
export function checkDnsSubdomain(field: string, value: string): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > 253 || !DNS1123_SUBDOMAIN.test(value)) {
    throw new Error(`${field} (${show(value)}) must be a DNS-1123 subdomain: at most 253 lowercase alphanumeric characters, '-' or '.', starting and ending with an alphanumeric character`);
  }
}

/** A DNS-1035 label (Service names): like a DNS-1123 label but starting with a letter. */
export function checkDns1035Label(field: string, value: string): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > 63 || !DNS1035_LABEL.test(value)) {
    throw new Error(`${field} (${show(value)}) must be a DNS-1035 label: at most 63 lowercase alphanumeric characters or '-', starting with a letter and ending with an alphanumeric character`);
  }
}

/** An IANA service name (port names): at most 15 characters, at least one letter, no '--'. */
export function checkPortName(field: string, value: string): void {
  const ok = typeof value === 'string' && value.length > 0 && value.length <= 15 &&
    IANA_SVC_NAME.test(value) && /[a-z]/.test(value) && !value.includes('--');
  if (!ok) {
    throw new Error(`${field} (${show(value)}) must be an IANA service name: 1 to 15 lowercase alphanumeric characters or '-', with at least one letter, no '--', starting and ending with an alphanumeric character`);
  }
}

/** A label key: an optional DNS subdomain prefix and '/', then a name of at most 63 characters. */
export function checkLabelKey(field: string, key: string): void {
  if (key === 'constructor') {
    throw new Error(`${field} key ("constructor") is a valid label key that cdk8s cannot render: its resolver takes a plain object's "constructor" for its type and fails; choose another key, such as "app.kubernetes.io/constructor"`);
  }
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const prefixOk = prefix === undefined || (prefix.length <= 253 && DNS1123_SUBDOMAIN.test(prefix));
  if (!prefixOk || name.length === 0 || name.length > 63 || !LABEL_NAME.test(name)) {
    throw new Error(`${field} key (${show(key)}) must be a label key: an optional DNS subdomain prefix and '/', then at most 63 alphanumeric characters, '-', '_' or '.', starting and ending with an alphanumeric character`);
  }
}

/** Every key and value of a label map. */
export function checkLabels(field: string, labels: { [key: string]: string }): void {
  for (const [key, value] of Object.entries(labels)) {
    checkLabelKey(field, key);
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
      throw new Error(`${field}[${show(key)}] (${show(value)}) must be a label value: at most 63 alphanumeric characters, '-', '_' or '.', starting and ending with an alphanumeric character, or empty`);
    }
  }
}

/** An integer within [min, max] (the message always states both bounds). */
export function checkInteger(field: string, value: number, min: number, max: number = 2147483647): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${field} (${show(value)}) must be an integer between ${min} and ${max}`);
  }
}

/** A Kubernetes resource quantity such as `1Gi`, `500m` or `2`. */
export function checkQuantity(field: string, value: string): void {
  if (typeof value !== 'string' || !QUANTITY.test(value)) {
    throw new Error(`${field} (${show(value)}) must be a Kubernetes quantity such as "1Gi", "500Mi", "250m" or "2"`);
  }
}

/** One of a closed set of strings. */
export function checkOneOf(field: string, value: string, allowed: readonly string[]): void {
  if (!allowed.includes(value)) {
    throw new Error(`${field} (${show(value)}) must be one of ${allowed.map(a => JSON.stringify(a)).join(', ')}`);
  }
}

/** A path below the output directory: relative, no `..`, no empty segment. */
export function checkRelativeDirectory(field: string, value: string): void {
  const parts = typeof value === 'string' ? value.split('/') : [];
  if (parts.length === 0 || parts.some(p => p === '' || p === '.' || p === '..' || !/^[A-Za-z0-9._-]+$/.test(p))) {
    throw new Error(`${field} (${show(value)}) must be a relative path below the output directory: segments of letters, digits, '.', '_' or '-', no '..' and no leading '/'`);
  }
}

/**
 * Refuse the keys of an object that are not in `allowed`. Props passed from JavaScript, or from a TypeScript
 * object that is not a literal, are not checked for excess properties by the compiler; a key the library
 * does not know would be dropped silently. `field` names the object (`''` for the top level).
 */
export function checkKnownProps(field: string, value: unknown, allowed: readonly string[]): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${field || 'props'} (${show(value)}) must be an object`);
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      const path = field === '' ? key : `${field}.${key}`;
      throw new Error(`${path} (${show((value as any)[key])}) is not a known field: allowed are ${allowed.join(', ')}`);
    }
  }
}

/** A boolean, when given. */
export function checkBoolean(field: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new Error(`${field} (${show(value)}) must be true or false`);
  }
}

/** An IPv4 or IPv6 address, as Go's `net.ParseIP` takes it (no zone, no prefix length). */
export function checkIp(field: string, value: string): void {
  if (typeof value !== 'string' || !(isIpv4(value) || isIpv6(value))) {
    throw new Error(`${field} (${show(value)}) must be an IPv4 or IPv6 address such as "10.0.0.1" or "fd00::1"`);
  }
}

function isIpv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every(p => /^[0-9]{1,3}$/.test(p) && Number(p) <= 255);
}

function isIpv6(s: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(s) || s.split('::').length > 2 || s.includes(':::')) {
    return false;
  }
  let groups = s.split(':');
  const last = groups[groups.length - 1];
  let width = 8;
  if (last.includes('.')) {
    if (!isIpv4(last)) return false;
    groups = groups.slice(0, -1);
    width = 6;
  }
  const compressed = s.includes('::');
  const filled = groups.filter(g => g !== '');
  if (!filled.every(g => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  return compressed ? filled.length < width : groups.length === width && filled.length === width;
}
