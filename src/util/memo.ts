/**
 * A bounded memo for pure functions of short strings: at most `max` answers are kept, the
 * oldest dropped first, and keys longer than `maxKeyLength` are never kept, so input from
 * outside cannot make it hold more than max × maxKeyLength characters.
 */
export class BoundedMemo<V> {
  private readonly map = new Map<string, V>();

  constructor(
    private readonly max: number,
    private readonly maxKeyLength = 96,
  ) {}

  get size(): number {
    return this.map.size;
  }

  /** The kept answer for `key`, else `compute()`'s, kept when the key is short enough. */
  get(key: string, compute: () => V): V {
    const hit = this.map.get(key);
    if (hit !== undefined) return hit;
    const value = compute();
    if (key.length <= this.maxKeyLength) {
      if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value as string);
      this.map.set(key, value);
    }
    return value;
  }
}
