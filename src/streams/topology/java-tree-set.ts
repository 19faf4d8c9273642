/*
 * The iteration order of a java.util.TreeSet whose comparator changes its mind: Kafka Streams'
 * describe() keeps each node's neighbours in a TreeSet ordered by sub-topology "size", and the
 * sizes grow while edges are still being added. A TreeSet never re-sorts, so the order is the
 * one its red-black tree had at each insertion: only a replay of java.util.TreeMap's own
 * insertion (walk from the root comparing with the CURRENT comparator, attach a leaf, then
 * fixAfterInsertion's recolouring and rotations, which decide the next walks) gives the same
 * sequence. This is that replay; `values()` is the in-order walk (TreeSet iteration).
 *
 * Invariants (red-black, as TreeMap): the root is black; a red node has no red child; rotations
 * keep the in-order sequence. A comparator result of 0 means "already present" (not added).
 */

const RED = false;
const BLACK = true;

interface Entry<T> {
  readonly key: T;
  left: Entry<T> | null;
  right: Entry<T> | null;
  parent: Entry<T> | null;
  color: boolean;
}

export class JavaTreeSet<T> {
  #root: Entry<T> | null = null;

  constructor(private readonly compare: (a: T, b: T) => number) {}

  /** TreeMap.put: false when an element comparing 0 is already there. */
  add(key: T): boolean {
    let t = this.#root;
    if (t === null) {
      this.#root = { key, left: null, right: null, parent: null, color: BLACK };
      return true;
    }
    let parent: Entry<T>;
    let cmp: number;
    do {
      parent = t;
      cmp = this.compare(key, t.key);
      if (cmp < 0) t = t.left;
      else if (cmp > 0) t = t.right;
      else return false;
    } while (t !== null);
    const e: Entry<T> = { key, left: null, right: null, parent, color: BLACK };
    if (cmp < 0) parent.left = e;
    else parent.right = e;
    this.#fixAfterInsertion(e);
    return true;
  }

  /** In-order: TreeSet's iteration order. */
  values(): T[] {
    const out: T[] = [];
    const walk = (e: Entry<T> | null): void => {
      if (e === null) return;
      walk(e.left);
      out.push(e.key);
      walk(e.right);
    };
    walk(this.#root);
    return out;
  }

  /**
   * TreeMap.fixAfterInsertion. Its two mirrored branches are one here: `side` is the side of the
   * grandparent the parent hangs on (TreeMap's "parentOf(x) == leftOf(parentOf(parentOf(x)))"
   * branch is side = left), and `rotate(n, side)` is rotateLeft for left, rotateRight for right.
   */
  #fixAfterInsertion(start: Entry<T>): void {
    let x: Entry<T> | null = start;
    x.color = RED;
    while (x !== null && x !== this.#root && colorOf(x.parent) === RED) {
      const p: Entry<T> = x.parent!;
      const g: Entry<T> | null = p.parent;
      const side: Side = g !== null && g.left === p ? 'left' : 'right';
      const other: Side = side === 'left' ? 'right' : 'left';
      const uncle = g === null ? null : g[other];
      if (colorOf(uncle) === RED) {
        setColor(p, BLACK);
        setColor(uncle, BLACK);
        setColor(g, RED);
        x = g;
      } else {
        if (x === p[other]) {
          x = p;
          this.#rotate(x, side);
        }
        setColor(parentOf(x), BLACK);
        setColor(parentOf(parentOf(x)), RED);
        this.#rotate(parentOf(parentOf(x)), other);
      }
    }
    this.#root!.color = BLACK;
  }

  /** rotateLeft (dir = left: the right child comes up) or rotateRight, as TreeMap's. */
  #rotate(p: Entry<T> | null, dir: Side): void {
    if (p === null) return;
    const opp: Side = dir === 'left' ? 'right' : 'left';
    const c = p[opp]!;
    p[opp] = c[dir];
    if (c[dir] !== null) c[dir]!.parent = p;
    c.parent = p.parent;
    if (p.parent === null) this.#root = c;
    else if (p.parent[dir] === p) p.parent[dir] = c;
    else p.parent[opp] = c;
    c[dir] = p;
    p.parent = c;
  }
}

type Side = 'left' | 'right';

// TreeMap's null-tolerant helpers: a missing node is black and has no relatives.
function colorOf<T>(e: Entry<T> | null): boolean {
  return e === null ? BLACK : e.color;
}
function parentOf<T>(e: Entry<T> | null): Entry<T> | null {
  return e === null ? null : e.parent;
}
function setColor<T>(e: Entry<T> | null, c: boolean): void {
  if (e !== null) e.color = c;
}
