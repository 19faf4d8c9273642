/*
 * The sorted map every in-memory structure in state/ uses: sorted-btree's B+ tree keyed by
 * "binary strings" — the key bytes as a latin1 string, one char per byte (0–255). JavaScript
 * compares strings by UTF-16 code unit, so latin1 strings compare exactly as their bytes do
 * (unsigned, lexicographic, a prefix before its extensions) — the order Kafka Streams and LevelDB
 * use for byte keys. Strings also hash and compare far faster than Buffers in the tree.
 *
 * sorted-btree ships CommonJS with `exports.default`; this module does the interop once.
 */
import sortedBtree from 'sorted-btree';

type BTreeClass = typeof sortedBtree.default;
// Native ESM sees `module.exports` (class under `.default`); CJS-transpiling loaders that apply
// esModuleInterop hand over the class itself. Accept both.
const moduleValue = sortedBtree as unknown as { default?: BTreeClass };
export const BTree: BTreeClass = moduleValue.default ?? (sortedBtree as unknown as BTreeClass);
export type BTree<K, V> = InstanceType<typeof sortedBtree.default<K, V>>;

/** The binary-string form of key bytes (see header). */
export function toBinaryKey(key: Buffer): string {
  return key.toString('latin1');
}

/** Back from the binary-string form to bytes. */
export function fromBinaryKey(key: string): Buffer {
  return Buffer.from(key, 'latin1');
}
