/**
 * A byte-bounded cache of inflated objects, so resolving a delta chain does
 * not re-inflate every base each time (git keeps the same kind of cache,
 * core.deltaBaseCacheLimit). Objects over a quarter of the budget are not
 * kept: one huge blob should not flush everything else.
 */

/** Values by key, least recently used evicted first, within a byte budget. */
export class ContentCache<K, V = Buffer> {
  private readonly items = new Map<K, { value: V; bytes: number }>();
  private bytes = 0;

  constructor(private readonly budget: number) {}

  get(key: K): V | undefined {
    const item = this.items.get(key);
    if (!item) return undefined;
    this.items.delete(key);
    this.items.set(key, item);
    return item.value;
  }

  set(key: K, value: V, bytes: number): void {
    if (bytes > this.budget / 4 || this.items.has(key)) return;
    this.items.set(key, { value, bytes });
    this.bytes += bytes;
    for (const [oldest, old] of this.items) {
      if (this.bytes <= this.budget) break;
      this.items.delete(oldest);
      this.bytes -= old.bytes;
    }
  }
}
