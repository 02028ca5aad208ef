/**
 * A bounded cache keyed by long texts (a request member's JSON: the tools list, ~1–60 KB) that
 * never hashes them. A Map with string keys hashes each lookup's key, and a key sliced from a
 * new request body has no hash yet: V8 reads every character of it (~1.5 µs per request for the
 * bench's 1.1 KB tools, the most costly string operation of request validation). Here the key's
 * length picks a small bucket and `===` finds the entry: V8 compares equal-length strings with
 * memcmp, and different texts of one length differ early. Oldest entries go first when either
 * bound is reached; a bucket holds at most BUCKET_MAX texts (so a flood of equal-length texts
 * costs each lookup a few compares at most).
 */
interface Entry<V> {
  text: string;
  value: V;
  chars: number;
}

const BUCKET_MAX = 8;

export interface TextCacheOptions {
  maxEntries: number;
  /** Sum of the entries' `chars` (the text's length unless `set` is told more) kept at most. */
  maxChars?: number;
}

export class TextCache<V> {
  private readonly byLength = new Map<number, Entry<V>[]>();
  /** Insertion order, oldest first. */
  private readonly order: Entry<V>[] = [];
  private chars = 0;

  constructor(private readonly opts: TextCacheOptions) {}

  get size(): number {
    return this.order.length;
  }

  get(text: string): V | undefined {
    const bucket = this.byLength.get(text.length);
    if (bucket === undefined) return undefined;
    for (let i = 0; i < bucket.length; i++) if (bucket[i]!.text === text) return bucket[i]!.value;
    return undefined;
  }

  /**
   * Adds or replaces the value for `text`. The cache keeps `text`: a caller holding a slice of a
   * larger string passes a copy (raw-json.ts `detachedCopy`), or the whole string stays alive.
   * `chars` counts against `maxChars` (e.g. the text plus a string value).
   */
  set(text: string, value: V, chars = text.length): void {
    let bucket = this.byLength.get(text.length);
    if (bucket !== undefined) {
      for (const e of bucket) {
        if (e.text !== text) continue;
        this.chars += chars - e.chars;
        e.value = value;
        e.chars = chars;
        this.trim();
        return;
      }
      if (bucket.length >= BUCKET_MAX) this.remove(bucket[0]!);
    }
    bucket = this.byLength.get(text.length);
    const entry = { text, value, chars };
    if (bucket === undefined) this.byLength.set(text.length, [entry]);
    else bucket.push(entry);
    this.order.push(entry);
    this.chars += chars;
    this.trim();
  }

  /** Drops the oldest entries past either bound; the newest one stays even when it alone is over maxChars. */
  private trim(): void {
    const maxChars = this.opts.maxChars ?? Infinity;
    while (this.order.length > 1 && (this.order.length > this.opts.maxEntries || this.chars > maxChars)) this.remove(this.order[0]!);
  }

  private remove(e: Entry<V>): void {
    const bucket = this.byLength.get(e.text.length)!;
    bucket.splice(bucket.indexOf(e), 1);
    if (bucket.length === 0) this.byLength.delete(e.text.length);
    this.order.splice(this.order.indexOf(e), 1);
    this.chars -= e.chars;
  }
}
