import { BorrowedBuffers, type BufferPool } from '../common/buffer-pool.ts'
import type { Logger } from '../common/log.ts'
import type { Scheduler } from '../common/scheduler.ts'
import type { MetadataDelta } from '../metadata/image/metadata-delta.ts'
import type { MetadataImage } from '../metadata/image/metadata-image.ts'
import type { MetadataPublisher } from '../metadata/metadata-loader.ts'
import { isInternalTopic } from '../metadata/topic-names.ts'
import { ErrorCode } from '../protocol/error-codes.ts'
import { KafkaProtocolError, type RecordError } from '../protocol/kafka-protocol-error.ts'
import type { LogConfig } from '../storage/log-config.ts'
import type { LogManager } from '../storage/log-manager.ts'
import type { AppendInfo } from '../storage/partition-log.ts'
import { AppendOrigin, type VerificationGuard } from '../storage/producer-state.ts'
import type { AllocateBuffer } from '../storage/segment.ts'
import { IsolationLevel, Partition } from './partition.ts'

export interface ReplicaManagerOptions {
  nodeId: number
  logManager: LogManager
  logConfigFor: (topic: string, image: MetadataImage) => LogConfig
  scheduler: Scheduler
  logger: Logger
  /** Recycles Fetch read buffers; without it every read allocates. */
  readPool?: BufferPool
}

export interface ProduceEntry {
  topic: string
  partition: number
  /**
   * The records, or their conversion still under way (legacy message sets are up-converted off the
   * event loop); either way, appends reach each partition in call order.
   */
  records: Buffer | Promise<Buffer>
  /** KIP-890: the guard the transactional batch was verified with (PartitionLog.appendAsLeader). */
  verification?: VerificationGuard | null
}

export interface ProduceResult {
  errorCode: number
  errorMessage: string | null
  baseOffset: number
  logAppendTimeMs: number
  logStartOffset: number
  /** The records that failed the append (Produce v8+ record_errors); empty otherwise. */
  recordErrors: readonly RecordError[]
}

export interface DeleteRecordsResult {
  errorCode: number
  errorMessage: string | null
  /** The partition's log start offset after the deletion; -1 on error. */
  lowWatermark: number
}

export interface FetchPartitionRequest {
  topic: string
  partition: number
  fetchOffset: number
  partitionMaxBytes: number
  currentLeaderEpoch: number
}

export interface FetchParams {
  maxWaitMs: number
  minBytes: number
  maxBytes: number
  isolation: IsolationLevel
  signal: AbortSignal
  /** Supplies the read buffers (borrowed from a pool until the response is written); fresh ones otherwise. */
  allocate?: AllocateBuffer
}

export interface FetchPartitionResult {
  errorCode: number
  highWatermark: number
  lastStableOffset: number
  logStartOffset: number
  records: Buffer | null
  /** read_committed: the aborted transactions overlapping the records returned; null otherwise. */
  abortedTransactions: { producerId: number; firstOffset: number }[] | null
}

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`
const EMPTY = Buffer.alloc(0)

/**
 * The partitions this broker hosts (Kafka's ReplicaManager). As a metadata publisher it creates and
 * deletes local logs and takes leadership as the controller decides; it serves Produce (append to the
 * leader, per-partition errors) and Fetch (reads bounded by the high watermark, long polling until
 * min.bytes arrive or max.wait.ms passes).
 */
export class ReplicaManager implements MetadataPublisher {
  readonly name = 'replica-manager'
  readonly #o: ReplicaManagerOptions
  readonly #log: Logger
  readonly #partitions = new Map<string, Partition>()
  /** Per partition, settles once the latest append that waited for its records was handed to the log. */
  readonly #appendTails = new Map<Partition, Promise<void>>()
  #strayLogsChecked = false

  constructor(o: ReplicaManagerOptions) {
    this.#o = o
    this.#log = o.logger.child({ component: 'replica-manager' })
  }

  /** Read buffers for one Fetch; give them back with releaseAll() once its response is written. */
  borrowReadBuffers(): BorrowedBuffers {
    return new BorrowedBuffers(this.#o.readPool ?? null)
  }

  getPartition(topic: string, partition: number): Partition | undefined {
    return this.#partitions.get(key(topic, partition))
  }

  get partitionCount(): number {
    return this.#partitions.size
  }

  allPartitions(): IterableIterator<Partition> {
    return this.#partitions.values()
  }

  async onMetadataUpdate(delta: MetadataDelta, image: MetadataImage): Promise<void> {
    if (!this.#strayLogsChecked) {
      this.#strayLogsChecked = true
      await this.#deleteStrayLogs(image)
    }
    for (const topic of delta.deletedTopics.values()) {
      for (const p of topic.partitions.keys()) {
        const partition = this.#partitions.get(key(topic.name, p))
        if (partition === undefined || partition.topicId !== topic.topicId) continue
        this.#partitions.delete(key(topic.name, p))
        partition.wakeWaiters()
        await this.#o.logManager.deleteLog(topic.name, p)
      }
    }
    for (const change of delta.changedTopics.values()) {
      for (const [p, reg] of change.partitions) {
        if (!reg.replicas.includes(this.#o.nodeId)) continue
        let partition = this.#partitions.get(key(change.name, p))
        if (partition !== undefined && partition.topicId !== change.topicId) {
          // A topic of the same name was deleted and recreated: the old log must go.
          this.#partitions.delete(key(change.name, p))
          partition.wakeWaiters()
          await this.#o.logManager.deleteLog(change.name, p)
          partition = undefined
        }
        if (partition === undefined) {
          const log = await this.#o.logManager.createLog(
            change.name,
            p,
            change.topicId,
            this.#o.logConfigFor(change.name, image),
          )
          partition = new Partition(change.name, p, change.topicId, log, this.#log)
          this.#partitions.set(key(change.name, p), partition)
        }
        if (reg.leader === this.#o.nodeId) partition.makeLeader(reg.leaderEpoch, reg.isr)
        else partition.makeFollower(reg.leaderEpoch)
      }
    }
    if (delta.hasConfigChanges) {
      for (const partition of this.#partitions.values())
        partition.log.updateConfig(this.#o.logConfigFor(partition.topic, image))
    }
  }

  /**
   * At the first metadata publication after start-up, logs on disk whose topic no longer exists (or is
   * a new topic with the same name) or whose replica moved elsewhere were deleted while this broker was
   * away: remove them, as Kafka does with stray logs.
   */
  async #deleteStrayLogs(image: MetadataImage): Promise<void> {
    for (const log of this.#o.logManager.allLogs()) {
      const topic = image.topics.getTopic(log.topic)
      const reg = topic?.partitions.get(log.partition)
      const stray =
        topic === undefined ||
        reg === undefined ||
        !reg.replicas.includes(this.#o.nodeId) ||
        (log.topicId !== null && log.topicId !== topic.topicId)
      if (!stray) continue
      this.#log.info({ topic: log.topic, partition: log.partition }, 'deleting stray log')
      await this.#o.logManager.deleteLog(log.topic, log.partition)
    }
  }

  /**
   * Appends each entry to its partition's leader; failures are per partition and never thrown. `origin`
   * Coordinator is how transaction markers arrive (WriteTxnMarkers): control batches allowed.
   */
  async appendRecords(
    entries: readonly ProduceEntry[],
    requiredAcks: number,
    origin: AppendOrigin = AppendOrigin.Client,
  ): Promise<ProduceResult[]> {
    // Appends start synchronously in request order, so offsets follow the order of the request.
    const pending = entries.map((e) => this.#appendOne(e, requiredAcks, origin))
    return Promise.all(pending)
  }

  async #appendOne(e: ProduceEntry, requiredAcks: number, origin: AppendOrigin): Promise<ProduceResult> {
    const partition = this.#partitions.get(key(e.topic, e.partition))
    if (partition === undefined) {
      // A conversion's own failure does not matter any more.
      if (!Buffer.isBuffer(e.records)) e.records.catch(() => undefined)
      return produceError(ErrorCode.NOT_LEADER_OR_FOLLOWER, null)
    }
    try {
      const info = await this.#appendInOrder(partition, e.records, requiredAcks, origin, e.verification ?? null)
      return {
        errorCode: 0,
        errorMessage: null,
        baseOffset: info.firstOffset,
        logAppendTimeMs: info.logAppendTimeMs,
        logStartOffset: info.logStartOffset,
        recordErrors: [],
      }
    } catch (err) {
      if (err instanceof KafkaProtocolError && err.recordErrors.length > 0) {
        // Kafka's RecordValidationException: the record errors, and the log start offset.
        return {
          ...produceError(err.errorCode, err.message),
          logStartOffset: partition.logStartOffset,
          recordErrors: err.recordErrors,
        }
      }
      if (err instanceof KafkaProtocolError) return produceError(err.errorCode, err.message)
      this.#log.error({ err, topic: e.topic, partition: e.partition }, 'append failed')
      return produceError(ErrorCode.KAFKA_STORAGE_ERROR, null)
    }
  }

  /**
   * Hands records to the partition's log in call order. An append whose records are still being
   * converted holds back the appends called after it on the same partition, so pipelined Produce
   * requests land in the order they were sent (Kafka serves a connection's requests one at a time).
   */
  #appendInOrder(
    partition: Partition,
    records: Buffer | Promise<Buffer>,
    requiredAcks: number,
    origin: AppendOrigin,
    verification: VerificationGuard | null,
  ): Promise<AppendInfo> {
    const tail = this.#appendTails.get(partition)
    if (tail === undefined && Buffer.isBuffer(records))
      return partition.appendRecordsToLeader(records, requiredAcks, origin, verification)
    let handedOver!: () => void
    const next = new Promise<void>((resolve) => {
      handedOver = resolve
    })
    this.#appendTails.set(partition, next)
    const started = (async () => {
      try {
        await tail
        const ready = await records
        // appendRecordsToLeader queues the append synchronously; wrapped so that awaiting this does not
        // wait for the append itself.
        return { append: partition.appendRecordsToLeader(ready, requiredAcks, origin, verification) }
      } finally {
        handedOver()
        if (this.#appendTails.get(partition) === next) this.#appendTails.delete(partition)
      }
    })()
    return started.then((s) => s.append)
  }

  /**
   * Reads every requested partition; if fewer than minBytes came back and maxWaitMs > 0, waits until
   * enough data is appended to the requested partitions or the time runs out, and then reads again either
   * way (Kafka's DelayedFetch.onComplete): data that arrived below minBytes is returned at the timeout,
   * with the watermarks as they are then.
   */
  async fetch(params: FetchParams, requests: readonly FetchPartitionRequest[]): Promise<FetchPartitionResult[]> {
    const first = await this.#readAll(params, requests)
    const bytes = first.reduce((n, r) => n + (r.records?.length ?? 0), 0)
    const hasError = first.some((r) => r.errorCode !== 0)
    if (params.maxWaitMs <= 0 || bytes >= params.minBytes || hasError || requests.length === 0 || params.signal.aborted)
      return first
    await this.#waitForData(params, requests, params.minBytes - bytes)
    // A request whose connection is gone is never answered: skip the read.
    if (params.signal.aborted) return first
    return this.#readAll(params, requests)
  }

  /**
   * Resolves true when `bytesNeeded` were appended to the partitions (or they changed), false when the
   * wait ends by timeout or abort.
   */
  #waitForData(params: FetchParams, requests: readonly FetchPartitionRequest[], bytesNeeded: number): Promise<boolean> {
    return new Promise((resolve) => {
      let accumulated = 0
      const unsubscribes: (() => void)[] = []
      let done = false
      const finish = (arrived: boolean): void => {
        if (done) return
        done = true
        timer.cancel()
        for (const u of unsubscribes) u()
        params.signal.removeEventListener('abort', onAbort)
        resolve(arrived)
      }
      const onAbort = (): void => finish(false)
      const timer = this.#o.scheduler.schedule(params.maxWaitMs, () => finish(false))
      params.signal.addEventListener('abort', onAbort)
      for (const r of requests) {
        const partition = this.#partitions.get(key(r.topic, r.partition))
        if (partition === undefined) continue
        unsubscribes.push(
          partition.onHighWatermark((appended) => {
            accumulated += appended
            if (accumulated >= bytesNeeded) finish(true)
          }),
        )
      }
    })
  }

  async #readAll(params: FetchParams, requests: readonly FetchPartitionRequest[]): Promise<FetchPartitionResult[]> {
    const results: FetchPartitionResult[] = []
    let remaining = params.maxBytes
    let anyData = false
    for (const r of requests) {
      const partition = this.#partitions.get(key(r.topic, r.partition))
      if (partition === undefined) {
        results.push(fetchError(ErrorCode.NOT_LEADER_OR_FOLLOWER))
        continue
      }
      const result: FetchPartitionResult = {
        errorCode: 0,
        highWatermark: partition.highWatermark,
        lastStableOffset: partition.lastStableOffset,
        logStartOffset: partition.logStartOffset,
        records: EMPTY,
        abortedTransactions: null,
      }
      results.push(result)
      try {
        if (!partition.isLeader) throw new KafkaProtocolError(ErrorCode.NOT_LEADER_OR_FOLLOWER)
        partition.checkLeaderEpoch(r.currentLeaderEpoch)
        const bound = partition.fetchableOffset(params.isolation)
        if (r.fetchOffset < partition.logStartOffset || r.fetchOffset > partition.logEndOffset) {
          throw new KafkaProtocolError(ErrorCode.OFFSET_OUT_OF_RANGE)
        }
        // Nothing new below the bound: no read at all (the common case for a caught-up consumer).
        if (r.fetchOffset >= bound || remaining <= 0) continue
        const maxBytes = Math.min(r.partitionMaxBytes, remaining)
        const read = await partition.log.read(r.fetchOffset, maxBytes, bound, !anyData, params.allocate)
        result.records = read.records
        if (read.records.length > 0) {
          anyData = true
          remaining -= read.records.length
          if (params.isolation === IsolationLevel.ReadCommitted) {
            result.abortedTransactions = partition.log
              .collectAbortedTransactions(r.fetchOffset, read.nextOffset)
              .map((t) => ({ producerId: t.producerId, firstOffset: t.firstOffset }))
          }
        }
      } catch (err) {
        if (!(err instanceof KafkaProtocolError)) {
          this.#log.error({ err, topic: r.topic, partition: r.partition }, 'read failed')
          result.errorCode = ErrorCode.KAFKA_STORAGE_ERROR
        } else {
          result.errorCode = err.errorCode
        }
        // As Kafka, a partition in error reports no watermarks.
        Object.assign(result, fetchError(result.errorCode))
      }
    }
    return results
  }

  /**
   * DeleteRecords for one partition (Kafka's Partition.deleteRecordsOnLeader): moves the log start offset
   * to `offset` (-1 = the high watermark) and deletes the segments wholly below it; the new log start
   * offset is checkpointed before answering. Internal topics answer INVALID_TOPIC_EXCEPTION, topics
   * without the delete policy POLICY_VIOLATION, offsets beyond the high watermark OFFSET_OUT_OF_RANGE.
   * With this broker the only replica there is no wait for followers.
   */
  async deleteRecords(topic: string, partitionIndex: number, offset: number): Promise<DeleteRecordsResult> {
    const fail = (errorCode: number, errorMessage: string | null): DeleteRecordsResult => ({
      errorCode,
      errorMessage,
      lowWatermark: -1,
    })
    if (isInternalTopic(topic))
      return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, `Cannot delete records of internal topic ${topic}`)
    const partition = this.#partitions.get(key(topic, partitionIndex))
    if (partition === undefined || !partition.isLeader) return fail(ErrorCode.NOT_LEADER_OR_FOLLOWER, null)
    if (!partition.log.config.cleanupPolicyDelete) {
      return fail(
        ErrorCode.POLICY_VIOLATION,
        `Records of partition ${topic}-${partitionIndex} can not be deleted due to the configured policy`,
      )
    }
    const target = offset === -1 ? partition.highWatermark : offset
    if (target < 0 || target > partition.highWatermark) {
      return fail(
        ErrorCode.OFFSET_OUT_OF_RANGE,
        `The offset ${target} for partition ${topic}-${partitionIndex} is not valid: the high watermark is ${partition.highWatermark}`,
      )
    }
    try {
      const lowWatermark = await partition.log.deleteRecordsBefore(target)
      await this.#o.logManager.checkpointLogStartOffsets()
      return { errorCode: ErrorCode.NONE, errorMessage: null, lowWatermark }
    } catch (err) {
      if (err instanceof KafkaProtocolError) return fail(err.errorCode, err.message)
      this.#log.error({ err, topic, partition: partitionIndex }, 'delete records failed')
      return fail(ErrorCode.KAFKA_STORAGE_ERROR, null)
    }
  }

  /** ListOffsets for one partition: -1 latest, -2 earliest, -3 max timestamp, else first offset at or after the timestamp. */
  async offsetForTimestamp(
    topic: string,
    partitionIndex: number,
    timestamp: number,
    isolation: IsolationLevel,
    currentLeaderEpoch: number,
  ): Promise<{ offset: number; timestamp: number; leaderEpoch: number }> {
    const partition = this.#partitions.get(key(topic, partitionIndex))
    if (partition === undefined || !partition.isLeader) throw new KafkaProtocolError(ErrorCode.NOT_LEADER_OR_FOLLOWER)
    partition.checkLeaderEpoch(currentLeaderEpoch)
    const epoch = partition.leaderEpoch
    switch (timestamp) {
      case -1:
        return { offset: partition.fetchableOffset(isolation), timestamp: -1, leaderEpoch: epoch }
      case -2:
      case -4:
        return { offset: partition.logStartOffset, timestamp: -1, leaderEpoch: epoch }
      case -3: {
        const max = await partition.log.offsetOfMaxTimestamp()
        return { offset: max.offset, timestamp: max.timestamp, leaderEpoch: epoch }
      }
      default: {
        if (timestamp < 0) throw new KafkaProtocolError(ErrorCode.INVALID_REQUEST, `Unsupported timestamp ${timestamp}`)
        const found = await partition.log.fetchOffsetByTimestamp(timestamp)
        const bound = partition.fetchableOffset(isolation)
        if (found === null || found.offset >= bound) return { offset: -1, timestamp: -1, leaderEpoch: epoch }
        return { offset: found.offset, timestamp: found.timestamp, leaderEpoch: epoch }
      }
    }
  }
}

function produceError(errorCode: number, errorMessage: string | null): ProduceResult {
  return { errorCode, errorMessage, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, recordErrors: [] }
}

function fetchError(errorCode: number): FetchPartitionResult {
  return {
    errorCode,
    highWatermark: -1,
    lastStableOffset: -1,
    logStartOffset: -1,
    records: EMPTY,
    abortedTransactions: null,
  }
}
