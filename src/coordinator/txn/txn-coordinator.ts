import type { Logger } from '../../common/log.ts'
import type { Scheduler, Timer } from '../../common/scheduler.ts'
import type { CreateTopicResult } from '../../metadata/controller/quorum-controller.ts'
import type { MetadataDelta } from '../../metadata/image/metadata-delta.ts'
import type { MetadataImage } from '../../metadata/image/metadata-image.ts'
import type { MetadataPublisher } from '../../metadata/metadata-loader.ts'
import { TRANSACTION_STATE_TOPIC } from '../../metadata/topic-names.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import type { CreateTopicsRequestCreatableTopic } from '../../protocol/generated/create-topics.ts'
import { KafkaProtocolError } from '../../protocol/kafka-protocol-error.ts'
import { partitionForGroup } from '../group/group-partition.ts'
import type { CoordinatorLog } from '../runtime/coordinator-log.ts'
import { CoordinatorRuntime, ShardState } from '../runtime/coordinator-runtime.ts'
import type { CoordinatorResult } from '../runtime/coordinator-shard.ts'
import { ProducerIdManager } from './producer-id-manager.ts'
import { type TransactionMetadata, type TxnRecord, txnRecordSerde } from './records/txn-records.ts'
import type { TxnCoordinatorConfig } from './txn-coordinator-config.ts'
import { TxnCoordinatorShard } from './txn-coordinator-shard.ts'
import { type MarkerJob, TxnMarkerWriter, type WriteTxnMarkersSender } from './txn-marker-writer.ts'

export interface TxnCoordinatorOptions {
  readonly nodeId: number
  readonly config: TxnCoordinatorConfig
  readonly scheduler: Scheduler
  readonly logger: Logger
  /** The log of a `__transaction_state` partition when this broker hosts and leads it (for this topic id). */
  readonly leaderLog: (partition: number, topicId: string) => CoordinatorLog | undefined
  readonly createTopics: (topics: CreateTopicsRequestCreatableTopic[]) => Promise<CreateTopicResult[]>
  readonly metadata: () => MetadataImage
  /** Reserves a block of producer ids at the controller; resolves with its first id. */
  readonly allocateProducerIds: (blockSize: number) => Promise<number>
  /** Sends WriteTxnMarkers to a partition leader. */
  readonly sendMarkers: WriteTxnMarkersSender
}

export type TxnRuntime = CoordinatorRuntime<TxnCoordinatorShard, TxnRecord>

/**
 * The transaction coordinator of this broker (Kafka's TransactionCoordinator + TransactionStateManager):
 * it owns the transactional ids whose `__transaction_state` partition this broker leads, loading a
 * partition by replaying it when leadership arrives. Every change of a transaction is a record written
 * through the shard runtime and replayed; markers are written by TxnMarkerWriter after a Prepare* record
 * committed, then the Complete* record follows. Timers (through the Scheduler) abort transactions past
 * their timeout and expire idle transactional ids. The request-level APIs are in txn-coordinator-api.ts.
 */
export class TransactionCoordinator implements MetadataPublisher {
  readonly name = 'transaction-coordinator'
  readonly config: TxnCoordinatorConfig
  readonly runtime: TxnRuntime
  readonly log: Logger
  readonly producerIds: ProducerIdManager
  readonly markers: TxnMarkerWriter
  readonly #o: TxnCoordinatorOptions
  /** Coordinator epoch (the partition's leader epoch) of each partition loaded or loading. */
  readonly #epochs = new Map<number, number>()
  #topicId: string | null = null
  #creating: Promise<void> | null = null
  #timers: Timer[] = []
  #active = true

  constructor(o: TxnCoordinatorOptions) {
    this.#o = o
    this.config = o.config
    this.log = o.logger.child({ component: 'transaction-coordinator' })
    this.producerIds = new ProducerIdManager(o.allocateProducerIds, o.config.producerIdBlockSize)
    this.runtime = new CoordinatorRuntime({
      name: 'transaction-coordinator',
      scheduler: o.scheduler,
      logger: o.logger,
      serde: txnRecordSerde,
      loadBufferBytes: o.config.loadBufferBytes,
      newShard: (partition) =>
        new TxnCoordinatorShard(partition, this.log.child({ partition }), (pending) =>
          this.#onLoaded(partition, pending),
        ),
    })
    this.markers = new TxnMarkerWriter({
      scheduler: o.scheduler,
      logger: this.log,
      send: o.sendMarkers,
      retryBackoffMs: o.config.markerRetryBackoffMs,
      leaderOf: (topic, partition) => {
        const reg = o.metadata().topics.getPartition(topic, partition)
        return reg === undefined ? null : reg.leader
      },
      onComplete: (job) => this.#complete(job),
    })
  }

  get isActive(): boolean {
    return this.#active
  }

  /** Starts the periodic tasks: abort timed-out transactions, expire transactional ids. */
  startup(): void {
    const { scheduler } = this.#o
    const c = this.config
    this.#timers.push(
      scheduler.schedulePeriodic(c.abortTimedOutTransactionsIntervalMs, () => {
        this.abortTimedOutTransactions().catch((err: unknown) =>
          this.log.warn({ err }, 'timed-out transaction abort failed'),
        )
      }),
      scheduler.schedulePeriodic(c.removeExpiredTransactionalIdsIntervalMs, () => {
        this.expireTransactionalIds().catch((err: unknown) => this.log.warn({ err }, 'transactional id expiry failed'))
      }),
    )
  }

  /** The `__transaction_state` partition of a transactional id: abs(Java hashCode) mod partitions. */
  partitionFor(transactionalId: string): number {
    const topic = this.#o.metadata().topics.getTopic(TRANSACTION_STATE_TOPIC)
    return partitionForGroup(transactionalId, topic?.partitions.size ?? this.config.transactionStateLogNumPartitions)
  }

  /** Loads the partitions this broker leads, unloads the others (from the whole image). */
  onMetadataUpdate(_delta: MetadataDelta, image: MetadataImage): void {
    if (!this.#active) return
    const topic = image.topics.getTopic(TRANSACTION_STATE_TOPIC)
    if (topic === undefined || topic.topicId !== this.#topicId) {
      for (const p of this.runtime.partitions.keys()) this.#unload(p)
      this.#topicId = topic?.topicId ?? null
    }
    if (topic === undefined) return
    for (const [p, reg] of topic.partitions) {
      const log = reg.leader === this.#o.nodeId ? this.#o.leaderLog(p, topic.topicId) : undefined
      if (log === undefined) {
        this.#unload(p)
        continue
      }
      const current = this.#epochs.get(p)
      if (current !== undefined && current !== reg.leaderEpoch) this.#unload(p)
      this.#epochs.set(p, reg.leaderEpoch)
      this.runtime.scheduleLoad(p, reg.leaderEpoch, log)
    }
  }

  #unload(partition: number): void {
    this.markers.cancelPartition(partition)
    this.#epochs.delete(partition)
    this.runtime.scheduleUnload(partition)
  }

  /**
   * Creates `__transaction_state` when it does not exist yet (first FindCoordinator for a transactional
   * id): transaction.state.log.num.partitions partitions, replication and min ISR capped at the brokers
   * available, compacted, uncompressed (Kafka's TransactionLog.EnforcedCompression).
   */
  ensureTransactionStateTopic(): Promise<void> {
    const image = this.#o.metadata()
    if (image.topics.getTopic(TRANSACTION_STATE_TOPIC) !== undefined) return Promise.resolve()
    this.#creating ??= this.#createTopic(image).finally(() => {
      this.#creating = null
    })
    return this.#creating
  }

  async #createTopic(image: MetadataImage): Promise<void> {
    const c = this.config
    const brokers = Math.max(1, image.cluster.activeBrokers.length)
    const replicationFactor = Math.min(c.transactionStateLogReplicationFactor, brokers)
    const minIsr = Math.max(1, Math.min(c.transactionStateLogMinIsr, replicationFactor))
    const [result] = await this.#o.createTopics([
      {
        name: TRANSACTION_STATE_TOPIC,
        numPartitions: c.transactionStateLogNumPartitions,
        replicationFactor,
        assignments: [],
        configs: [
          { name: 'cleanup.policy', value: 'compact' },
          { name: 'compression.type', value: 'uncompressed' },
          { name: 'min.insync.replicas', value: String(minIsr) },
          { name: 'segment.bytes', value: String(c.transactionStateLogSegmentBytes) },
          { name: 'unclean.leader.election.enable', value: 'false' },
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
        'could not create __transaction_state',
      )
      throw new KafkaProtocolError(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    }
    this.log.info({ partitions: c.transactionStateLogNumPartitions, replicationFactor }, 'created __transaction_state')
  }

  /** Queues a write on the transactional id's shard (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS...). */
  write<T>(
    transactionalId: string,
    name: string,
    op: (shard: TxnCoordinatorShard) => CoordinatorResult<T, TxnRecord>,
  ): Promise<T> {
    if (!this.#active) return Promise.reject(new KafkaProtocolError(ErrorCode.COORDINATOR_NOT_AVAILABLE))
    try {
      return this.runtime.scheduleWrite(this.partitionFor(transactionalId), name, op)
    } catch (err) {
      return Promise.reject(err)
    }
  }

  /** Reads the transactional id's shard (throws NOT_COORDINATOR / COORDINATOR_LOAD_IN_PROGRESS). */
  read<T>(transactionalId: string, op: (shard: TxnCoordinatorShard) => T): T {
    if (!this.#active) throw new KafkaProtocolError(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    return this.runtime.read(this.partitionFor(transactionalId), op)
  }

  /** Every active shard, and whether some partition is still loading (ListTransactions). */
  activeShards(): { shards: TxnCoordinatorShard[]; loading: boolean } {
    const shards: TxnCoordinatorShard[] = []
    let loading = false
    for (const [p, state] of this.runtime.partitions) {
      if (state === ShardState.Loading) loading = true
      if (state === ShardState.Active) shards.push(this.runtime.read(p, (s) => s))
    }
    return { shards, loading }
  }

  /** Starts writing the markers of a transaction that just entered PrepareCommit or PrepareAbort. */
  writeMarkers(prepared: TransactionMetadata): void {
    const txnPartition = this.partitionFor(prepared.transactionalId)
    const coordinatorEpoch = this.#epochs.get(txnPartition)
    if (coordinatorEpoch === undefined) return
    this.markers.write({ txnPartition, coordinatorEpoch, prepared })
  }

  #onLoaded(partition: number, pending: TransactionMetadata[]): void {
    const coordinatorEpoch = this.#epochs.get(partition)
    if (coordinatorEpoch === undefined) return
    if (pending.length > 0)
      this.log.info({ partition, transactions: pending.length }, 'writing the markers of prepared transactions again')
    for (const prepared of pending) this.markers.write({ txnPartition: partition, coordinatorEpoch, prepared })
  }

  async #complete(job: MarkerJob): Promise<void> {
    if (this.#epochs.get(job.txnPartition) !== job.coordinatorEpoch) return
    try {
      await this.runtime.scheduleWrite(job.txnPartition, 'complete-transaction', (shard) =>
        shard.completeTransaction(job.prepared, this.#o.scheduler.clock.nowMs()),
      )
    } catch (err) {
      this.log.warn({ err, transactionalId: job.prepared.transactionalId }, 'could not complete a transaction')
    }
  }

  /** Kafka's abortTimedOutTransactions: fence and abort every open transaction past its timeout. */
  async abortTimedOutTransactions(): Promise<void> {
    const nowMs = this.#o.scheduler.clock.nowMs()
    const work: Promise<void>[] = []
    for (const [p, state] of this.runtime.partitions) {
      if (state !== ShardState.Active) continue
      for (const t of this.runtime.read(p, (s) => s.timedOutTransactions(nowMs))) {
        work.push(
          this.runtime
            .scheduleWrite(p, 'abort-timed-out-transaction', (s) => s.abortTimedOut(t, this.#o.scheduler.clock.nowMs()))
            .then((r) => {
              if (r.prepared !== null) this.writeMarkers(r.prepared)
            }),
        )
      }
    }
    await Promise.all(work)
  }

  /** Kafka's removeExpiredTransactionalIds: tombstones for ids idle past transactional.id.expiration.ms. */
  async expireTransactionalIds(): Promise<number> {
    const nowMs = this.#o.scheduler.clock.nowMs()
    const work: Promise<number>[] = []
    for (const [p, state] of this.runtime.partitions) {
      if (state !== ShardState.Active) continue
      work.push(
        this.runtime.scheduleWrite(p, 'expire-transactional-ids', (s) =>
          s.expireTransactionalIds(nowMs, this.config.transactionalIdExpirationMs),
        ),
      )
    }
    const counts = await Promise.all(work)
    return counts.reduce((a, b) => a + b, 0)
  }

  shutdown(): void {
    if (!this.#active) return
    this.#active = false
    for (const t of this.#timers) t.cancel()
    this.#timers = []
    this.markers.cancelAll()
    this.runtime.close()
    this.log.info('transaction coordinator stopped')
  }
}
