/*
 * KGroupedStream.windowedBy(...) dispatch: TimeWindows, SlidingWindows and UnlimitedWindows give a
 * TimeWindowedKStream, SessionWindows a SessionWindowedKStream (as in Kafka Streams, where
 * sliding windows also yield a TimeWindowedKStream).
 */
import { SessionWindows } from '../../windows/session-windows.ts';
import { SlidingWindows } from '../../windows/sliding-windows.ts';
import { TimeWindows } from '../../windows/time-windows.ts';
import { UnlimitedWindows } from '../../windows/unlimited-windows.ts';
import { SessionWindowedKStream } from './session-windowed-kstream.ts';
import { TimeWindowedKStream } from './time-windowed-kstream.ts';
import type { GroupedStreamHandle } from './windowed-graph.ts';

export function windowedBy<K, V>(grouped: GroupedStreamHandle<K, V>, windows: TimeWindows | SlidingWindows | UnlimitedWindows | SessionWindows): TimeWindowedKStream<K, V> | SessionWindowedKStream<K, V> {
  if (windows instanceof SessionWindows) return new SessionWindowedKStream<K, V>(grouped, windows);
  if (windows instanceof TimeWindows || windows instanceof SlidingWindows || windows instanceof UnlimitedWindows) return new TimeWindowedKStream<K, V>(grouped, windows);
  throw new TypeError('windowedBy needs TimeWindows, SlidingWindows, UnlimitedWindows or SessionWindows');
}
