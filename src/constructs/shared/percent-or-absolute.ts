import { show } from '../../core/validation';

/**
 * A whole number of pods or a percentage of replicas (an `IntOrString` field such as `maxUnavailable`).
 */
export class PercentOrAbsolute {
  /**
   * A number of pods.
   * @param count a whole number >= 0 (fields may require more)
   */
  public static absolute(count: number): PercentOrAbsolute {
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
      throw new Error(`count (${show(count)}) must be a whole number >= 0`);
    }
    return new PercentOrAbsolute(count, false);
  }

  /**
   * A percentage of replicas, written `"N%"`.
   * @param value a whole number >= 0 (the API parses only whole percentages)
   */
  public static percent(value: number): PercentOrAbsolute {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw new Error(`percent (${show(value)}) must be a whole number >= 0`);
    }
    return new PercentOrAbsolute(value, true);
  }

  private constructor(
    /** The count or the percentage. */
    public readonly value: number,
    /** True for a percentage. */
    public readonly isPercent: boolean) {}

  /** The value as the API writes it: `2` or `"25%"`. */
  public toJson(): any {
    return this.isPercent ? `${this.value}%` : this.value;
  }

  /** `2` or `25%`. */
  public toString(): string {
    return this.isPercent ? `${this.value}%` : String(this.value);
  }
}
