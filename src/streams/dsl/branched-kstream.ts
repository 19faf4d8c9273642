/*
 * split(): routes each record to the first branch whose predicate holds (Kafka Streams'
 * BranchedKStreamImpl). The splitter is KSTREAM-BRANCH-<n> (or the split's Named); each branch
 * is a pass-through child named "<splitter><branch name>" or "<splitter><index>" (1-based;
 * the default branch is index 0), and that name is also its key in the returned map. Each
 * branch burns a name index, as in Kafka.
 */
import { Prefix } from '../graph/naming.ts';
import { ProcessorGraphNode } from '../graph/processor-nodes.ts';
import type { AnyProcessorSupplier } from '../processor/processor.ts';
import { KStream } from './kstream.ts';
import type { Branched } from './options/branched.ts';
import { branchSupplier, passThroughSupplier, type Predicate } from './ops/stateless.ts';

export class BranchedKStream<K, V> {
  readonly #source: KStream<K, V>;
  readonly #splitterName: string;
  readonly #splitter: ProcessorGraphNode;
  readonly #predicates: Array<Predicate<K, V>> = [];
  readonly #childNames: string[] = [];
  readonly #outputs = new Map<string, KStream<K, V>>();
  #closed = false;

  /** @internal */
  constructor(source: KStream<K, V>, name: string | undefined) {
    this.#source = source;
    this.#splitterName = source.builder.names.orElseGenerate(name, Prefix.KSTREAM_BRANCH);
    this.#splitter = source.builder.add(
      source.graphNode,
      new ProcessorGraphNode(this.#splitterName, branchSupplier(this.#predicates, this.#childNames) as unknown as AnyProcessorSupplier),
    );
  }

  branch(predicate: Predicate<K, V>, branched?: Branched<K, V>): this {
    this.#checkOpen();
    this.#predicates.push(predicate);
    this.#createBranch(branched, this.#predicates.length);
    return this;
  }

  /** Adds the branch for records no predicate matched, and returns the branches by name. */
  defaultBranch(branched?: Branched<K, V>): Map<string, KStream<K, V>> {
    this.#checkOpen();
    this.#createBranch(branched, 0);
    this.#closed = true;
    return this.#outputs;
  }

  /** Returns the branches by name; records no predicate matched are dropped. */
  noDefaultBranch(): Map<string, KStream<K, V>> {
    this.#checkOpen();
    this.#closed = true;
    return this.#outputs;
  }

  #checkOpen(): void {
    if (this.#closed) throw new Error(`split "${this.#splitterName}" is already finished by defaultBranch()/noDefaultBranch().`);
  }

  #createBranch(branched: Branched<K, V> | undefined, index: number): void {
    const s = this.#source;
    const childName = this.#splitterName + (branched?.name ?? String(index));
    this.#childNames.push(childName);
    s.builder.names.newProcessorName(childName);
    const node = s.builder.add(this.#splitter, new ProcessorGraphNode(childName, passThroughSupplier() as AnyProcessorSupplier));
    const branch = new KStream<K, V>(s.builder, node, s.keySerde, s.valueSerde, s.repartitionRequired);
    if (branched?.chain !== undefined) {
      const result = branched.chain(branch);
      if (result !== undefined) this.#outputs.set(childName, result);
    } else {
      this.#outputs.set(childName, branch);
    }
  }
}
