/*
 * Branched: options for one branch of `split()` — the branch's name suffix, and optionally a
 * function applied to the branch stream (its result, if any, is what the returned map holds).
 */
import type { KStream } from '../kstream.ts';
import { validateName } from './named.ts';

export class Branched<K, V> {
  private constructor(
    readonly name: string | undefined,
    readonly chain: ((branch: KStream<K, V>) => KStream<K, V> | void) | undefined,
  ) {}

  static as<K = never, V = never>(name: string): Branched<K, V> {
    return new Branched<K, V>(validateName(name), undefined);
  }

  /** Applies `fn` to the branch; if it returns a stream, the result map holds that stream. */
  static withFunction<K, V>(fn: (branch: KStream<K, V>) => KStream<K, V>, name?: string): Branched<K, V> {
    return new Branched<K, V>(name === undefined ? undefined : validateName(name), fn);
  }

  /** Hands the branch to `fn`; the result map holds no entry for this branch. */
  static withConsumer<K, V>(fn: (branch: KStream<K, V>) => void, name?: string): Branched<K, V> {
    return new Branched<K, V>(name === undefined ? undefined : validateName(name), (b) => {
      fn(b);
    });
  }
}
