import type { Logger } from '../../common/log.ts'
import type { Scheduler } from '../../common/scheduler.ts'
import type { CreateTopicResult } from '../../metadata/controller/quorum-controller.ts'
import type { MetadataDelta } from '../../metadata/image/metadata-delta.ts'
import type { MetadataImage } from '../../metadata/image/metadata-image.ts'
import type { MetadataPublisher } from '../../metadata/metadata-loader.ts'
import { CONSUMER_OFFSETS_TOPIC } from '../../metadata/topic-names.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import type { CreateTopicsRequestCreatableTopic } from '../../protocol/generated/create-topics.ts'
import { KafkaProtocolError } from '../../protocol/kafka-protocol-error.ts'
import type { CoordinatorLog } from '../runtime/coordinator-log.ts'
import { CoordinatorRuntime, ShardState } from '../runtime/coordinator-runtime.ts'
import type { CoordinatorResult } from '../runtime/coordinator-shard.ts'
import type { GroupCoordinatorConfig } from './group-coordinator-config.ts'
import { GroupCoordinatorShard } from './group-coordinator-shard.ts'
import { partitionForGroup } from './group-partition.ts'
import { type GroupCoordinatorRecord, groupCoordinatorRecordSerde } from './records/group-coordinator-record.ts'

export interface GroupCoordinatorOptions {
  readonly nodeId: number
  readonly config: GroupCoordinatorConfig
  readonly scheduler: Scheduler
  readonly logger: Logger
  /**
   * The log of a `__consumer_offsets` partition when this broker hosts and leads it (for this topic id);
   * node.ts wraps ReplicaManager's Partition in a PartitionCoordinatorLog.
   */
  readonly leaderLog: (partition: number, topicId: string) => CoordinatorLog | undefined
  /** Creates topics through the controller (QuorumController.createTopics). */
  readonly createTopics: (topics: CreateTopicsRequestCreatableTopic[]) => Promise<CreateTopicResult[]>
  /** The newest metadata image. */
  readonly metadata: () => MetadataImage
}

export type GroupRuntime = CoordinatorRuntime<GroupCoordinatorShard, GroupCoordinatorRecord>

/**
 * The group coordinator of this broker (Kafka's GroupCoordinatorService): it serves the groups whose
 * `__consumer_offsets` partition this broker leads. As a metadata publisher it loads a partition (replays
 * its log) when it becomes the leader and unloads it when it stops leading or the topic is deleted.
 * Requests for a group are routed to its partition's shard: NOT_COORDINATOR when this broker does not
 * lead it, COORDINATOR_LOAD_IN_PROGRESS while it loads. The group APIs live in group-coordinator-api.ts.
 */
export class GroupCoordinator implements MetadataPublisher {
  readonly name = 'group-coordinator'
  readonly config: GroupCoordinatorConfig
  readonly runtime: GroupRuntime
  readonly log: Logger
  readonly #o: GroupCoordinatorOptions
  #offsetsTopicId: string | null = null
  #creating: Promise<void> | null = null
  #active = true

  constructor(o: GroupCoordinatorOptions) {
    this.#o = o
    this.config = o.config
    this.log = o.logger.child({ component: 'group-coordinator' })
    this.runtime = new CoordinatorRuntime({
      name: 'group-coordinator',
      scheduler: o.scheduler,
      logger: o.logger,
      serde: groupCoordinatorRecordSerde,
      loadBufferBytes: o.config.offsetsLoadBufferBytes,
      newShard: (partition, timer) =>
        new GroupCoordinatorShard({
          partition,
          config: o.config,
          clock: o.scheduler.clock,
          timer,
          logger: this.log.child({ partition }),
          metadata: o.metadata,
        }),
    })
  }

  get isActive(): boolean {
    return this.#active
  }

  /** The `__consumer_offsets` partition of a group: abs(Java hashCode) mod partitions. */
  partitionFor(groupId: string): number {
    const topic = this.#o.metadata().topics.getTopic(CONSUMER_OFFSETS_TOPIC)
    const partitions = topic?.partitions.size ?? this.config.offsetsTopicNumPartitions
    return partitionForGroup(groupId, partitions)
  }

  /** Loads the partitions this broker leads, unloads the others (idempotent, from the whole image). */
  onMetadataUpdate(delta: MetadataDelta, image: MetadataImage): void {
    if (!this.#active) return
    const topic = image.topics.getTopic(CONSUMER_OFFSETS_TOPIC)
    if (topic === undefined || topic.topicId !== this.#offsetsTopicId) {
      for (const p of this.runtime.partitions.keys()) this.runtime.scheduleUnload(p)
      this.#offsetsTopicId = topic?.topicId ?? null
    }
    if (topic !== undefined) {
      for (const [p, reg] of topic.partitions) {
        const log = reg.leader === this.#o.nodeId ? this.#o.leaderLog(p, topic.topicId) : undefined
        if (log !== undefined) {
          this.runtime.scheduleLoad(p, reg.leaderEpoch, log)
        } else {
          this.runtime.scheduleUnload(p)
        }
      }
    }
    const deleted = new Set([...delta.deletedTopics.values()].map((t) => t.name))
    deleted.delete(CONSUMER_OFFSETS_TOPIC)
    if (deleted.size > 0) this.#onTopicsDeleted(deleted)
  }

  #onTopicsDeleted(topics: ReadonlySet<string>): void {
    for (const [p, state] of this.runtime.partitions) {
      if (state !== ShardState.Active) continue
      this.runtime
        .scheduleWrite(p, 'on-partitions-deleted', (shard) => shard.onTopicsDeleted(topics))
        .catch((err: unknown) => this.log.warn({ err, partition: p }, 'could not delete offsets of deleted topics'))
    }
  }

  /**
   * Creates `__consumer_offsets` when it does not exist yet (first FindCoordinator for a group):
   * offsets.topic.num.partitions partitions, replication min(offsets.topic.replication.factor, brokers),
   * compacted. Resolves once the controller committed it (the leaders are then known).
   */
  ensureOffsetsTopic(): Promise<void> {
    const image = this.#o.metadata()
    if (image.topics.getTopic(CONSUMER_OFFSETS_TOPIC) !== undefined) return Promise.resolve()
    this.#creating ??= this.#createOffsetsTopic(image).finally(() => {
      this.#creating = null
    })
    return this.#creating
  }

  async #createOffsetsTopic(image: MetadataImage): Promise<void> {
    const brokers = Math.max(1, image.cluster.activeBrokers.length)
    const replicationFactor = Math.min(this.config.offsetsTopicReplicationFactor, brokers)
    const [result] = await this.#o.createTopics([
      {
        name: CONSUMER_OFFSETS_TOPIC,
        numPartitions: this.config.offsetsTopicNumPartitions,
        replicationFactor,
        assignments: [],
        configs: [
          { name: 'cleanup.policy', value: 'compact' },
          { name: 'compression.type', value: 'producer' },
          { name: 'segment.bytes', value: String(this.config.offsetsTopicSegmentBytes) },
        ],
      },
    ])
    if (
      result !== undefined &&
      result.errorCode !== ErrorCode.NONE &&
      result.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS
    ) {
      this.log.warn(
        { errorCode: result.errorCode, message: result.errorMessage },
        'could not create __consumer_offsets',
      )
      throw new KafkaProtocolError(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    }
    this.log.info(
      { partitions: this.config.offsetsTopicNumPartitions, replicationFactor },
      'created __consumer_offsets',
    )
  }

  /** Fails fast when shut down, then queues a write on the group's shard. */
  write<T>(
    groupId: string,
    name: string,
    op: (shard: GroupCoordinatorShard) => CoordinatorResult<T, GroupCoordinatorRecord>,
  ): Promise<T> {
    if (!this.#active) return Promise.reject(new KafkaProtocolError(ErrorCode.COORDINATOR_NOT_AVAILABLE))
    try {
      return this.runtime.scheduleWrite(this.partitionFor(groupId), name, op)
    } catch (err) {
      return Promise.reject(err)
    }
  }

  /** Queues a write inside the transaction of (producerId, producerEpoch) on the group's shard (TxnOffsetCommit). */
  writeTransactional<T>(
    groupId: string,
    name: string,
    producerId: number,
    producerEpoch: number,
    op: (shard: GroupCoordinatorShard) => CoordinatorResult<T, GroupCoordinatorRecord>,
  ): Promise<T> {
    if (!this.#active) return Promise.reject(new KafkaProtocolError(ErrorCode.COORDINATOR_NOT_AVAILABLE))
    try {
      return this.runtime.scheduleTransactionalWrite(this.partitionFor(groupId), name, producerId, producerEpoch, op)
    } catch (err) {
      return Promise.reject(err)
    }
  }

  /**
   * A transaction marker for `__consumer_offsets` partition `partition` (WriteTxnMarkers): written
   * through the shard's queue, after which the producer's pending offsets are committed or dropped.
   */
  completeTransaction(
    partition: number,
    producerId: number,
    producerEpoch: number,
    coordinatorEpoch: number,
    committed: boolean,
  ): Promise<void> {
    if (!this.#active) return Promise.reject(new KafkaProtocolError(ErrorCode.COORDINATOR_NOT_AVAILABLE))
    try {
      return this.runtime.scheduleTransactionCompletion(
        partition,
        producerId,
        producerEpoch,
        coordinatorEpoch,
        committed,
      )
    } catch (err) {
      return Promise.reject(err)
    }
  }

  /** Reads the group's shard (throws NOT_COORDINATOR / COORDINATOR_LOAD_IN_PROGRESS). */
  read<T>(groupId: string, op: (shard: GroupCoordinatorShard) => T): T {
    if (!this.#active) throw new KafkaProtocolError(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    return this.runtime.read(this.partitionFor(groupId), op)
  }

  /** Every active shard (ListGroups); the partitions still loading are reported separately. */
  activeShards(): { shards: GroupCoordinatorShard[]; loading: boolean } {
    const shards: GroupCoordinatorShard[] = []
    let loading = false
    for (const [p, state] of this.runtime.partitions) {
      if (state === ShardState.Loading) loading = true
      if (state === ShardState.Active) shards.push(this.runtime.read(p, (s) => s))
    }
    return { shards, loading }
  }

  shutdown(): void {
    if (!this.#active) return
    this.#active = false
    this.runtime.close()
    this.log.info('group coordinator stopped')
  }
}
