import { show } from './validation';

/**
 * How many pods a stage moves to the new revision: a pod count or a percentage of replicas.
 *
 * A percentage resolves to pods by rounding UP (`ceil(percent * replicas / 100)`), then a non-zero
 * percentage below 100 is kept between 1 and `replicas - 1`: it updates at least one pod and never all
 * of them (the rule of Kruise's CloneSet partition). 100% is every pod. The arithmetic is exact: a
 * percentage has at most two decimals.
 */
export class StageSize {
  /**
   * A number of pods.
   * @param count at least 1
   */
  public static pods(count: number): StageSize {
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) {
      throw new Error(`stage size (${show(count)}) must be a whole number of pods >= 1`);
    }
    return new StageSize(count, undefined);
  }

  /**
   * A percentage of replicas.
   * @param value greater than 0 and at most 100, with at most two decimals
   */
  public static percent(value: number): StageSize {
    const hundredths = Math.round(value * 100);
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 100 || Math.abs(hundredths - value * 100) > 1e-6) {
      throw new Error(`stage size (${show(value)}%) must be a percentage greater than 0 and at most 100, with at most two decimals`);
    }
    return new StageSize(undefined, hundredths);
  }

  /**
   * Parse `"3"` (pods) or `"25%"` (percent of replicas).
   */
  public static parse(text: string): StageSize {
    const trimmed = typeof text === 'string' ? text.trim() : '';
    const percent = /^([0-9]+(\.[0-9]{1,2})?)%$/.exec(trimmed);
    if (percent) {
      return StageSize.percent(Number(percent[1]));
    }
    if (/^[0-9]+$/.test(trimmed)) {
      return StageSize.pods(Number(trimmed));
    }
    throw new Error(`stage size (${show(text)}) must be a whole number of pods such as "2" or a percentage such as "25%"`);
  }

  private constructor(private readonly count: number | undefined, private readonly hundredths: number | undefined) {}

  /** True when the size is a percentage of replicas. */
  public get isPercent(): boolean {
    return this.hundredths !== undefined;
  }

  /** The pod count, or the percentage, as a number. */
  public get value(): number {
    return this.count ?? this.hundredths! / 100;
  }

  /**
   * The number of pods this size moves to the new revision out of `replicas`, before the plan's checks.
   */
  public resolve(replicas: number): number {
    if (this.count !== undefined) {
      return this.count;
    }
    const hundredths = this.hundredths!;
    if (hundredths === 10000) {
      return replicas;
    }
    const up = Math.floor((hundredths * replicas + 9999) / 10000);
    return Math.min(Math.max(up, 1), replicas - 1);
  }

  /** `3 pods`, `1 pod` or `25%`. */
  public toString(): string {
    if (this.count !== undefined) {
      return this.count === 1 ? '1 pod' : `${this.count} pods`;
    }
    return `${this.value}%`;
  }

  /** A stage name for generated plans: `pods-3` or `percent-25` (`percent-12-5` for 12.5%). */
  public toStageName(): string {
    if (this.count !== undefined) {
      return `pods-${this.count}`;
    }
    return `percent-${String(this.value).replace('.', '-')}`;
  }
}
