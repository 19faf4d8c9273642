/*
 * Joined: options of a KStream–KTable join — Kafka Streams' Joined. The serdes are used for the
 * repartition topic the join inserts when the stream's key was changed upstream (key serde and
 * the stream's value serde; `otherValueSerde` is the table's, kept for API parity) and for the
 * grace-period buffer. The name names the join processor ("<name>"), the repartition topic
 * ("<name>-repartition") and the buffer store ("<name>-Buffer").
 *
 * withGracePeriod(ms) (KIP-923): the join holds each stream record until stream time is `ms`
 * past it, then joins it with the table as of its timestamp. The table must be versioned, with a
 * history retention ≥ the grace period (checked when the topology is built).
 */
import type { Serde } from '../../serde/serde.ts';
import { validateName } from './named.ts';

function checkGrace(ms: number): number {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`Joined.withGracePeriod needs a non-negative whole number of ms, got ${String(ms)}`);
  return ms;
}

export class Joined<K, V, VO> {
  private constructor(
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    readonly otherValueSerde: Serde<VO> | undefined,
    readonly name: string | undefined,
    /** The grace period in ms, or undefined for none (join at once with the current row). */
    readonly gracePeriodMs: number | undefined = undefined,
  ) {}

  static with<K, V, VO>(keySerde: Serde<K> | undefined, valueSerde: Serde<V> | undefined, otherValueSerde?: Serde<VO>, name?: string, gracePeriodMs?: number): Joined<K, V, VO> {
    return new Joined(keySerde, valueSerde, otherValueSerde, name === undefined ? undefined : validateName(name), gracePeriodMs === undefined ? undefined : checkGrace(gracePeriodMs));
  }

  static as<K = never, V = never, VO = never>(name: string): Joined<K, V, VO> {
    return new Joined<K, V, VO>(undefined, undefined, undefined, validateName(name));
  }

  static keySerde<K>(keySerde: Serde<K>): Joined<K, never, never> {
    return new Joined<K, never, never>(keySerde, undefined, undefined, undefined);
  }

  static valueSerde<V>(valueSerde: Serde<V>): Joined<never, V, never> {
    return new Joined<never, V, never>(undefined, valueSerde, undefined, undefined);
  }

  withKeySerde<K2>(keySerde: Serde<K2>): Joined<K2, V, VO> {
    return new Joined(keySerde, this.valueSerde, this.otherValueSerde, this.name, this.gracePeriodMs);
  }

  withValueSerde<V2>(valueSerde: Serde<V2>): Joined<K, V2, VO> {
    return new Joined(this.keySerde, valueSerde, this.otherValueSerde, this.name, this.gracePeriodMs);
  }

  withOtherValueSerde<VO2>(otherValueSerde: Serde<VO2>): Joined<K, V, VO2> {
    return new Joined(this.keySerde, this.valueSerde, otherValueSerde, this.name, this.gracePeriodMs);
  }

  withName(name: string): Joined<K, V, VO> {
    return new Joined(this.keySerde, this.valueSerde, this.otherValueSerde, validateName(name), this.gracePeriodMs);
  }

  withGracePeriod(gracePeriodMs: number): Joined<K, V, VO> {
    return new Joined(this.keySerde, this.valueSerde, this.otherValueSerde, this.name, checkGrace(gracePeriodMs));
  }
}
