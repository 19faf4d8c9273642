/*
 * Topic lifecycle: create (explicit or auto), delete, and the validation both need, with the
 * Kafka error code of every refusal. Used by CreateTopics, DeleteTopics, Metadata (auto-create)
 * and Produce (auto-create).
 *
 * Create, in one synchronous section: validate → registry.add → open the partition logs; then
 * await registry.persist(). So a topic is visible to every other request as soon as its creation
 * starts, and a create is acknowledged only once its registry entry is durable.
 * Add partitions (CreatePartitions), in one synchronous section: check (partition-increase.ts)
 * → registry.setPartitions → open the new partitions' logs; then await registry.persist(). A
 * crash before the registry write is durable leaves directories beyond the registered count,
 * which the next start removes (partition-store.ts); a crash after it leaves a count whose
 * missing logs the next start creates empty. Either way the topic is whole, and the reply is sent
 * only once the new count is durable.
 * Delete, in one synchronous section: registry.remove → drop the logs (directories renamed away)
 * → wake parked fetches (they re-read and report UNKNOWN_TOPIC_OR_PARTITION) → the delete
 * listeners (onDelete: the topic's partitions leave every open transaction, its producer state
 * goes); then persist, and wait for what the listeners persist. No request runs between removing
 * the topic and the listeners, and a create of the same name waits for all of it.
 *
 *   refusal                                         code
 *   bad name ([a-zA-Z0-9._-], 1–249, not . or ..)  INVALID_TOPIC_EXCEPTION 17
 *   name equal to an existing one up to '.'↔'_'     INVALID_TOPIC_EXCEPTION 17
 *   exists already                                  TOPIC_ALREADY_EXISTS 36
 *   partitions < 1 (and not -1 = broker default)    INVALID_PARTITIONS 37
 *   replication factor not 1 or -1                  INVALID_REPLICATION_FACTOR 38
 *   manual replica assignment not on this node      INVALID_REPLICA_ASSIGNMENT 39
 *   unknown config or bad value                     INVALID_CONFIG 40
 *   unknown topic (delete, add partitions)          UNKNOWN_TOPIC_OR_PARTITION 3
 *   add partitions while the topic is being deleted INVALID_TOPIC_EXCEPTION 17
 *   add partitions: see partition-increase.ts       37 / 39
 */
import { ErrorCode } from '../protocol/error-codes.ts';
import type { Broker } from './broker.ts';
import type { TopicInfo } from './topic-registry.ts';
import { topicNameError, validateTopicConfigs } from './topic-config.ts';
import { TopicError } from './topic-error.ts';
import { checkPartitionIncrease, MAX_PARTITIONS, type PartitionIncrease } from './partition-increase.ts';

export { MAX_PARTITIONS } from './partition-increase.ts';
export { TopicError } from './topic-error.ts';

export interface CreateTopicRequest {
  name: string;
  /** -1 = the broker's defaultPartitions. */
  numPartitions: number;
  /** 1 or -1 (= default, 1). */
  replicationFactor: number;
  /** Manual assignments: partition → broker ids (only this node is accepted). */
  assignments?: readonly { partitionIndex: number; brokerIds: readonly number[] }[];
  configs?: readonly { name: string; value: string | null }[];
}

export class TopicManager {
  /** Topics whose files are still being removed; a create of the same name waits for it. */
  private readonly deleting = new Map<string, Promise<void>>();
  private readonly deleteListeners = new Set<(topic: string) => Promise<void> | void>();

  constructor(private readonly broker: Broker) {}

  /**
   * Checks a create request and returns what would be created; throws TopicError. Does not
   * touch any state (CreateTopics validate_only uses this alone).
   */
  validate(req: CreateTopicRequest): { partitions: number; configs: Record<string, string> } {
    const nameErr = topicNameError(req.name);
    if (nameErr !== null) throw new TopicError(ErrorCode.INVALID_TOPIC_EXCEPTION, nameErr);
    if (this.broker.topics.has(req.name)) {
      throw new TopicError(ErrorCode.TOPIC_ALREADY_EXISTS, `topic "${req.name}" already exists`);
    }
    // Kafka's rule: '.' and '_' collide in metric names, so "a.b" and "a_b" cannot both exist.
    const folded = req.name.replace(/\./g, '_');
    const collision = this.broker.topics.list().find((t) => t.name.replace(/\./g, '_') === folded);
    if (collision !== undefined) {
      throw new TopicError(
        ErrorCode.INVALID_TOPIC_EXCEPTION,
        `topic "${req.name}" collides with existing topic "${collision.name}" ('.' and '_' are treated alike); pick another name`,
      );
    }
    const assignments = req.assignments ?? [];
    let partitions = req.numPartitions === -1 ? this.broker.options.defaultPartitions : req.numPartitions;
    if (assignments.length > 0) {
      if (req.numPartitions !== -1 || req.replicationFactor !== -1) {
        throw new TopicError(
          ErrorCode.INVALID_REQUEST,
          'with manual replica assignments, numPartitions and replicationFactor must both be -1',
        );
      }
      const indexes = assignments.map((a) => a.partitionIndex).sort((a, b) => a - b);
      if (indexes.some((p, i) => p !== i)) {
        throw new TopicError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `partition indexes ${indexes.join(',')} must be 0..n-1`);
      }
      for (const a of assignments) {
        if (a.brokerIds.length !== 1 || a.brokerIds[0] !== this.broker.nodeId) {
          throw new TopicError(
            ErrorCode.INVALID_REPLICA_ASSIGNMENT,
            `partition ${a.partitionIndex} is assigned to brokers [${a.brokerIds.join(',')}]; this single-node broker is ${this.broker.nodeId}`,
          );
        }
      }
      partitions = assignments.length;
    } else if (req.replicationFactor !== 1 && req.replicationFactor !== -1) {
      throw new TopicError(
        ErrorCode.INVALID_REPLICATION_FACTOR,
        `replication factor ${req.replicationFactor} is not possible on a single broker; use 1 (or -1 for the default)`,
      );
    }
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > MAX_PARTITIONS) {
      throw new TopicError(ErrorCode.INVALID_PARTITIONS, `number of partitions ${partitions} must be between 1 and ${MAX_PARTITIONS}`);
    }
    const cfg = validateTopicConfigs(req.configs ?? []);
    if (!cfg.ok) throw new TopicError(ErrorCode.INVALID_CONFIG, cfg.error);
    return { partitions, configs: cfg.configs };
  }

  /** Creates a topic; resolves once its registry entry is durable. Throws TopicError. */
  async create(req: CreateTopicRequest): Promise<TopicInfo> {
    const pendingDelete = this.deleting.get(req.name);
    if (pendingDelete !== undefined) await pendingDelete;
    const { partitions, configs } = this.validate(req);
    const info = this.broker.topics.add(req.name, partitions, configs, this.broker.clock.now());
    try {
      this.broker.partitions.openTopic(info);
    } catch (err) {
      this.broker.topics.remove(req.name);
      await this.broker.partitions.dropTopic(req.name, partitions).catch(() => undefined);
      throw new TopicError(ErrorCode.UNKNOWN_SERVER_ERROR, `could not create the logs of "${req.name}": ${(err as Error).message}`);
    }
    await this.broker.topics.persist();
    this.broker.logger.info(`created topic ${req.name} with ${partitions} partition(s)`);
    return info;
  }

  /**
   * Raises a topic's partition count (CreatePartitions); with `validateOnly` only checks. Resolves,
   * once the new count is durable, to the count before and the topic after. Throws TopicError.
   * Internal topics are not refused (Kafka does not refuse them either); their coordinators keep
   * using the partitions they always used.
   */
  async addPartitions(req: PartitionIncrease, validateOnly = false): Promise<{ before: number; info: TopicInfo }> {
    const current = this.broker.topics.get(req.name);
    if (current === undefined) {
      if (this.deleting.has(req.name)) throw new TopicError(ErrorCode.INVALID_TOPIC_EXCEPTION, 'The topic is queued for deletion.');
      throw new TopicError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${req.name}' does not exist.`);
    }
    const before = current.partitions;
    checkPartitionIncrease(before, req, this.broker.nodeId);
    if (validateOnly) return { before, info: { ...current, partitions: req.count } };
    const info = this.broker.topics.setPartitions(req.name, req.count);
    try {
      this.broker.partitions.openPartitions(info);
    } catch (err) {
      this.broker.topics.setPartitions(req.name, before);
      await this.broker.partitions.dropPartitions(req.name, before, req.count).catch(() => undefined);
      throw new TopicError(ErrorCode.UNKNOWN_SERVER_ERROR, `could not create the new partitions of "${req.name}": ${(err as Error).message}`);
    }
    await this.broker.topics.persist();
    this.broker.logger.info(`topic ${req.name}: partitions ${before} -> ${req.count}`);
    return { before, info };
  }

  /**
   * Auto-creation (Metadata, Produce): the topic if it exists, else a new one with the broker's
   * default partition count, else undefined when auto-create is off or the name is invalid.
   */
  async ensure(name: string, allowAutoCreate: boolean): Promise<TopicInfo | undefined> {
    const existing = this.broker.topics.get(name);
    if (existing !== undefined) return existing;
    if (!allowAutoCreate || !this.broker.options.autoCreateTopics || topicNameError(name) !== null) return undefined;
    try {
      return await this.create({ name, numPartitions: -1, replicationFactor: -1 });
    } catch (err) {
      // A concurrent create of the same name won the race: use it.
      const again = this.broker.topics.get(name);
      if (again !== undefined) return again;
      throw err;
    }
  }

  /**
   * Registers a listener run synchronously inside every delete, right after the topic is removed
   * (see the header); the delete waits for the promise it returns. Returns the unregister function.
   */
  onDelete(listener: (topic: string) => Promise<void> | void): () => void {
    this.deleteListeners.add(listener);
    return () => this.deleteListeners.delete(listener);
  }

  /**
   * Deletes a topic and its data. The registry change is made durable first, then the files go
   * (a crash in between leaves orphan directories, which the next start removes).
   */
  async delete(name: string): Promise<TopicInfo> {
    const info = this.broker.topics.remove(name);
    if (info === undefined) throw new TopicError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic "${name}" does not exist`);
    const files = this.broker.partitions.dropTopic(name, info.partitions);
    for (let p = 0; p < info.partitions; p++) this.broker.waiters.notify(name, p);
    const followUps = Promise.all([...this.deleteListeners].map(async (listener) => listener(name)));
    followUps.catch(() => undefined); // awaited below; handled now so a failure is not "unhandled" meanwhile
    const done = (async () => {
      await this.broker.topics.persist();
      await files;
      await followUps;
    })();
    this.deleting.set(name, done.catch(() => undefined));
    try {
      await done;
    } finally {
      this.deleting.delete(name);
    }
    this.broker.logger.info(`deleted topic ${name}`);
    return info;
  }
}
