/*
 * Iteration order of a small java.util.HashSet<String>, so describe() prints store and topic
 * sets (`stores: [a, b]`, `topics: [x, y]`) in exactly the order Kafka Streams prints them.
 *
 * Java's HashMap puts a key in bucket `spread(h) & (capacity - 1)`, where h is
 * `String.hashCode()` (s[0]*31^(n-1) + … + s[n-1] over UTF-16 code units, 32-bit wrap-around)
 * and `spread(h) = h ^ (h >>> 16)`. Iteration walks buckets in index order and, inside a bucket,
 * keys in insertion order (resizes split buckets but keep relative order). `new HashSet<>(c)`
 * sizes the table to the next power of two ≥ max(|c|/0.75 + 1, 16); adding one by one to a
 * default set grows it at 0.75 load (a different capacity at 12, 24, 48, … keys).
 * Buckets that hold 8+ colliding keys turn into trees in Java; sets that large never appear in
 * a topology description, so that case is not modelled.
 */

export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) {
    h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  }
  return h;
}

/** Table size of `new HashSet<>(c)`: the next power of two >= max(|c| / 0.75 + 1, 16). */
function copiedCapacity(size: number): number {
  const wanted = Math.max(Math.floor(size / 0.75) + 1, 16);
  let cap = 1;
  while (cap < wanted) cap *= 2;
  return cap;
}

/** Table size of a default set after `size` add() calls: 16, doubled whenever size > 0.75 × capacity. */
function grownCapacity(size: number): number {
  let cap = 16;
  while (size > cap * 0.75) cap *= 2;
  return cap;
}

/**
 * The distinct strings of `items` in the order a Java HashSet iterates: built by
 * `new HashSet<>(items)` (default), or `grown` by add() calls in the order given (the two differ
 * in capacity at 12, 24, 48, … elements).
 */
export function javaHashSetOrder(items: Iterable<string>, grown = false): string[] {
  const unique = [...new Set(items)];
  const mask = (grown ? grownCapacity(unique.length) : copiedCapacity(unique.length)) - 1;
  const bucketOf = (s: string): number => {
    const h = javaStringHashCode(s);
    return (h ^ (h >>> 16)) & mask;
  };
  // Array.prototype.sort is stable, so keys in one bucket keep insertion order.
  return unique
    .map((s, i) => ({ s, i, b: bucketOf(s) }))
    .sort((x, y) => x.b - y.b || x.i - y.i)
    .map((e) => e.s);
}

/** `[a, b, c]` as java.util.AbstractCollection.toString prints a set in hash order. */
export function javaSetToString(items: Iterable<string>): string {
  return `[${javaHashSetOrder(items).join(', ')}]`;
}
