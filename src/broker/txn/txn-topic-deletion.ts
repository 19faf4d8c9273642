/*
 * DeleteTopics and transactions: no marker of a transaction may ever land in a topic created
 * after the partition joined the transaction (a namesake re-created by another client).
 *
 * The guarantee rests on three steps, each closing one window:
 *   1 synchronous removal: TopicManager runs onTopicDeleted in the same synchronous step that
 *     removes the topic from the registry, so no request — no CreateTopics, no EndTxn — runs in
 *     between. The coordinator drops the topic's partitions from every transaction in memory at
 *     once (TransactionCoordinator.forgetTopic), and the topic's producer state goes too;
 *   2 in-flight writes: a coordinator write computed before the delete (an AddPartitionsToTxn, an
 *     EndTxn's Prepare step) and stored after it would bring the partition back. Each write notes
 *     the topic id of every partition's topic before its durable append (topicIdsOf) and keeps,
 *     after it, only the partitions whose topic has the same id (sameTopics): a deleted topic has
 *     none, a namesake another one;
 *   3 durability: the removal is written to __transaction_state under each id's lock, and the
 *     delete waits for it (TopicManager.onDelete) — so does a CreateTopics of the same name, which
 *     waits for the delete. A crash before that write is durable leaves a partition of a topic
 *     that no longer exists in a loaded transaction; load drops it (liveTopics).
 */
import type { TopicRegistry } from '../topic-registry.ts';
import type { ProducerStateManager } from './producer-state.ts';
import type { TxnPartition } from './txn-log.ts';

/** What the delete listener needs from the coordinator. */
export interface TopicForgetter {
  forgetTopic(topic: string): Promise<void>;
}

/** Step 1: the listener TopicManager.onDelete runs synchronously inside the delete. */
export function onTopicDeleted(topic: string, coordinator: TopicForgetter, producers: ProducerStateManager): Promise<void> {
  producers.forgetTopic(topic);
  return coordinator.forgetTopic(topic);
}

/** Step 2, before the await: each partition's topic id now ('' when the topic does not exist). */
export function topicIdsOf(topics: TopicRegistry, parts: readonly TxnPartition[]): string[] {
  return parts.map((tp) => topics.get(tp.topic)?.topicId ?? '');
}

/** Step 2, after the await: the partitions whose topic is still the one noted by topicIdsOf. */
export function sameTopics(topics: TopicRegistry, parts: readonly TxnPartition[], before: readonly string[]): TxnPartition[] {
  return parts.filter((tp, i) => (topics.get(tp.topic)?.topicId ?? '') === before[i]);
}

/** Step 3, at load: the partitions whose topic exists. */
export function liveTopics(topics: TopicRegistry, parts: readonly TxnPartition[]): TxnPartition[] {
  return parts.filter((tp) => topics.has(tp.topic));
}
