import assert from 'node:assert'
import fs from 'node:fs'
import { SamsaError, SamsaErrorCode } from '../common/errors.ts'
import type { Logger } from '../common/log.ts'
import type { Scheduler, Timer } from '../common/scheduler.ts'
import { ErrorCode } from '../protocol/error-codes.ts'
import { KafkaProtocolError } from '../protocol/kafka-protocol-error.ts'
import {
  batchBaseSequence,
  batchLastOffsetDelta,
  batchMaxTimestamp,
  batchProducerEpoch,
  batchProducerId,
  batchSize,
  setBatchBaseOffset,
  setBatchLogAppendTime,
  setBatchPartitionLeaderEpoch,
} from '../protocol/records/record-batch.ts'
import {
  type AppendAnalysis,
  applyRecordWork,
  recordWorkFor,
  validateFollowerAppend,
  validateLeaderAppend,
} from './append-validator.ts'
import { BackgroundTasks } from './background-tasks.ts'
import type { Decompress } from './batch-records.ts'
import type { CleanedGroup } from './cleaner/segment-cleaner.ts'
import { completeInterruptedSwapsSync } from './cleaner/swap-recovery.ts'
import { closeFile, fsyncDir, openFile, WRITEV_BUFFERS_MAX, writevAt } from './file-io.ts'
import { type LogConfig, MessageTimestampType, maxSegmentMs } from './log-config.ts'
import {
  CLEANED_FILE_SUFFIX,
  logFilePath,
  offsetIndexFilePath,
  SWAP_FILE_SUFFIX,
  timeIndexFilePath,
} from './log-file-names.ts'
import { LogProducerState } from './log-producer-state.ts'
import { OffsetIndex } from './offset-index.ts'
import { readPartitionMetadataSync, writePartitionMetadata } from './partition-metadata-file.ts'
import {
  AppendOrigin,
  type DuplicateBatch,
  hasProducerBatch,
  type ProducerAppendPlan,
  type ProducerStateEntry,
  type VerificationGuard,
} from './producer-state.ts'
import { type LoadedLog, loadLogSync } from './recovery.ts'
import { type AllocateBuffer, INDEX_PERSIST_ENTRIES_MIN, Segment } from './segment.ts'
import { TimeIndex } from './time-index.ts'
import type { AbortedTxn } from './txn-index.ts'

export interface AppendInfo {
  readonly firstOffset: number
  readonly lastOffset: number
  /** The broker time written into the batches with LogAppendTime; -1 with CreateTime. */
  readonly logAppendTimeMs: number
  readonly logStartOffset: number
  readonly recordCount: number
  readonly maxTimestamp: number
  /** Bytes appended. */
  readonly validBytes: number
}

export interface LogReadResult {
  /** Whole batches, possibly empty. */
  readonly records: Buffer
  /** Base offset of the first batch returned; the requested offset when none is. */
  readonly firstOffset: number
  /** One past the last offset returned; the requested offset when nothing is. */
  readonly nextOffset: number
  readonly highWatermark: number
  readonly logStartOffset: number
  readonly logEndOffset: number
}

export interface OffsetAndTimestamp {
  readonly offset: number
  readonly timestamp: number
  /** partitionLeaderEpoch of the batch holding the record; -1 when unknown. */
  readonly leaderEpoch: number
}

/** Test hooks of a cleaner swap: throwing from one leaves the files as a crash at that step would. */
export interface SwapHooks {
  /** The cleaned files are `.swap` files (committed), nothing else changed yet. */
  readonly afterSwapCommitted?: () => Promise<void>
  /** The replaced segments were renamed `.deleted`; the swap files still have their `.swap` names. */
  readonly afterReplacedDeleted?: () => Promise<void>
}

export interface PartitionLogOptions {
  readonly scheduler: Scheduler
  readonly logger: Logger
  /** Offset below which everything is known to be fsynced (recovery-point-offset-checkpoint); default 0. */
  readonly recoveryPoint?: number
  /** From log-start-offset-checkpoint; default 0 (the first segment's base offset wins when larger). */
  readonly logStartOffset?: number
  /** From replication-offset-checkpoint; clamped to [logStartOffset, logEndOffset]. */
  readonly highWatermark?: number
  /** The log dir had `.kafka_cleanshutdown`: trust the files, skip the batch scan. Default false. */
  readonly hadCleanShutdown?: boolean
  /** Record decompression for timestamp searches in compressed batches (the protocol layer's codecs). */
  readonly decompress?: Decompress
  /** Called once when an I/O error takes the log offline (Kafka's LogDirFailureChannel). */
  readonly onFailure?: (error: Error) => void
  /** Bytes queued for writing beyond which appends fail with KAFKA_STORAGE_ERROR. */
  readonly pendingWriteBytesMax?: number
  /** producer.id.expiration.ms: producers idle this long are not reloaded from a snapshot. */
  readonly producerIdExpirationMs?: number
}

/** Counters for tests and benchmarks. */
export interface PartitionLogStats {
  /** Write cycles (one per coalesced group of appends). */
  writes: number
  /** writev syscalls issued (> writes only after a short write or more than IOV_MAX buffers). */
  writeSyscalls: number
  appends: number
  flushes: number
  rolls: number
}

interface PendingWrite {
  readonly segment: Segment
  readonly buffer: Buffer
  readonly endOffset: number
  readonly resolve: () => void
  readonly reject: (err: Error) => void
}

interface WrittenWaiter {
  readonly target: number
  readonly resolve: () => void
  readonly reject: (err: Error) => void
}

export const PENDING_WRITE_BYTES_MAX_DEFAULT = 256 * 1024 * 1024
/** Kafka's producer.id.expiration.ms default (one day). */
const PRODUCER_ID_EXPIRATION_MS_DEFAULT = 86_400_000
/** Bytes handed to one writev call at most. */
export const WRITE_BYTES_MAX = 64 * 1024 * 1024
/** Longest delay a timer can take (Node fires larger ones at once); a larger flush.ms means never. */
const TIMER_DELAY_MS_MAX = 2 ** 31 - 1
const EMPTY = Buffer.alloc(0)

/**
 * The log of one partition (Kafka's UnifiedLog + LocalLog): a sequence of segments with append, read,
 * truncate, roll, retention and flush. It knows nothing of the network, groups or replication.
 *
 * Writes: an append validates, assigns offsets and updates the in-memory state (segment sizes, indexes,
 * logEndOffset) before its first await, so appends issued in order get offsets in order; a roll creates
 * the new segment's files in the background rather than delaying that.
 * The bytes are queued; one writer writes queued appends in order, coalescing those that arrived while a
 * write was in flight into one writev. An append's promise resolves once its bytes are in the file (page
 * cache), and after an fsync too when flush.messages says so. Reads never return bytes not yet written.
 *
 * Invariants: logStartOffset <= highWatermark <= logEndOffset; recoveryPoint <= written end; segments are
 * sorted by base offset and the last one is active; at most one write is in flight. An I/O error takes
 * the log offline: every later operation fails with KAFKA_STORAGE_ERROR. Single-threaded (event loop).
 */
export class PartitionLog {
  readonly topic: string
  readonly partition: number
  readonly dir: string
  readonly stats: PartitionLogStats = { writes: 0, writeSyscalls: 0, appends: 0, flushes: 0, rolls: 0 }
  #config: LogConfig
  #scheduler: Scheduler
  #log: Logger
  #decompress: Decompress | undefined
  #onFailure: ((error: Error) => void) | undefined
  #pendingWriteBytesMax: number
  #topicId: string | null
  /** Copy-on-write: readers iterate a snapshot while rolls and deletions replace the array. */
  #segments: readonly Segment[]
  #logStartOffset: number
  #logEndOffset: number
  #highWatermark: number
  #recoveryPoint: number
  #writtenEndOffset: number
  #queue: PendingWrite[] = []
  #queueHead = 0
  #queuedBytes = 0
  #writing = false
  #writtenWaiters: WrittenWaiter[] = []
  #flushChain: Promise<void> = Promise.resolve()
  /** Base offsets of rolled segments whose flush waits until their last bytes are written. */
  #rollFlushTargets: number[] = []
  #flushTimer: Timer | null = null
  #lastFlushMs: number
  #background = new BackgroundTasks()
  #pendingDeletes = new Map<Segment, Timer | null>()
  #failure: Error | null = null
  #closed = false
  #truncating = false
  /** Leader appends waiting for record work (or behind one), their bytes, and the tail of their chain. */
  #preparing = 0
  #preparingBytes = 0
  #prepareTail: Promise<void> = Promise.resolve()
  /** A cleaner swap in progress: segment deletions, truncations and close wait for it. */
  #swapping: Promise<void> | null = null
  /** Idempotent and transactional producers, snapshots, transaction indexes (log-producer-state.ts). */
  readonly #producerState: LogProducerState

  private constructor(
    dir: string,
    topic: string,
    partition: number,
    config: LogConfig,
    opts: PartitionLogOptions,
    loaded: LoadedLog,
    topicId: string | null,
    producerState: LogProducerState,
  ) {
    this.dir = dir
    this.topic = topic
    this.partition = partition
    this.#config = config
    this.#scheduler = opts.scheduler
    this.#log = opts.logger.child({ component: 'log', topic, partition })
    this.#decompress = opts.decompress
    this.#onFailure = opts.onFailure
    this.#pendingWriteBytesMax = opts.pendingWriteBytesMax ?? PENDING_WRITE_BYTES_MAX_DEFAULT
    this.#topicId = topicId
    this.#segments = loaded.segments
    this.#logStartOffset = loaded.logStartOffset
    this.#logEndOffset = loaded.logEndOffset
    this.#writtenEndOffset = loaded.logEndOffset
    this.#recoveryPoint = loaded.recoveryPoint
    this.#highWatermark = clamp(opts.highWatermark ?? 0, loaded.logStartOffset, loaded.logEndOffset)
    this.#lastFlushMs = opts.scheduler.clock.nowMs()
    this.#producerState = producerState
    producerState.manager.onHighWatermarkUpdated(this.#highWatermark)
  }

  /**
   * Opens (or creates) the log in partition directory `dir`, recovering it as described in recovery.ts.
   * Start-up work: uses synchronous file calls.
   */
  static async open(
    dir: string,
    topic: string,
    partition: number,
    config: LogConfig,
    opts: PartitionLogOptions,
  ): Promise<PartitionLog> {
    fs.mkdirSync(dir, { recursive: true })
    const logger = opts.logger.child({ component: 'log', topic, partition })
    completeInterruptedSwapsSync(dir, logger)
    const loaded = loadLogSync({
      dir,
      config,
      recoveryPoint: opts.recoveryPoint ?? 0,
      logStartOffset: opts.logStartOffset ?? 0,
      hadCleanShutdown: opts.hadCleanShutdown ?? false,
      nowMs: opts.scheduler.clock.nowMs(),
      logger,
      randomJitterMs: () => randomSegmentJitterMs(config),
    })
    const topicId = readPartitionMetadataSync(dir)
    const producerState = await LogProducerState.load({
      dir,
      topicPartition: `${topic}-${partition}`,
      segments: loaded.segments,
      logStartOffset: loaded.logStartOffset,
      logEndOffset: loaded.logEndOffset,
      hadCleanShutdown: opts.hadCleanShutdown ?? false,
      recoveryPoint: loaded.recoveryPoint,
      nowMs: opts.scheduler.clock.nowMs(),
      producerIdExpirationMs: opts.producerIdExpirationMs ?? PRODUCER_ID_EXPIRATION_MS_DEFAULT,
      logger,
    })
    const log = new PartitionLog(dir, topic, partition, config, opts, loaded, topicId, producerState)
    logger.info(
      {
        logStartOffset: log.logStartOffset,
        logEndOffset: log.logEndOffset,
        segments: loaded.segments.length,
        recoveredSegments: loaded.recoveredSegments,
        truncatedBytes: loaded.truncatedBytes,
      },
      'log loaded',
    )
    return log
  }

  /**
   * A new, empty log in a directory that was just created (CreateTopics, CreatePartitions). Unlike
   * `open`, it makes no synchronous file call: the first segment's files are created in the background
   * and the first write waits for them.
   */
  static createEmpty(
    dir: string,
    topic: string,
    partition: number,
    topicId: string,
    config: LogConfig,
    opts: PartitionLogOptions,
  ): PartitionLog {
    const nowMs = opts.scheduler.clock.nowMs()
    const segment = Segment.createNew(dir, 0, {
      segmentIndexBytes: config.segmentIndexBytes,
      indexIntervalBytes: config.indexIntervalBytes,
      rollJitterMs: randomSegmentJitterMs(config),
      nowMs,
    })
    const loaded: LoadedLog = {
      segments: [segment],
      logStartOffset: 0,
      logEndOffset: 0,
      recoveryPoint: 0,
      recoveredSegments: 0,
      truncatedBytes: 0,
    }
    const logger = opts.logger.child({ component: 'log', topic, partition })
    const producerState = LogProducerState.createEmpty(dir, `${topic}-${partition}`, 0, logger)
    return new PartitionLog(dir, topic, partition, config, opts, loaded, topicId, producerState)
  }

  get config(): LogConfig {
    return this.#config
  }

  updateConfig(config: LogConfig): void {
    this.#config = config
  }

  get topicId(): string | null {
    return this.#topicId
  }

  /** Writes `partition.metadata` (idempotent for the same id). */
  async setTopicId(topicId: string): Promise<void> {
    if (this.#topicId === topicId) return
    await writePartitionMetadata(this.dir, topicId)
    this.#topicId = topicId
  }

  get logStartOffset(): number {
    return this.#logStartOffset
  }

  /** The next offset to assign. */
  get logEndOffset(): number {
    return this.#logEndOffset
  }

  get highWatermark(): number {
    return this.#highWatermark
  }

  get recoveryPoint(): number {
    return this.#recoveryPoint
  }

  /** Bytes in all segments, including appends still being written. */
  get size(): number {
    let total = 0
    for (const s of this.#segments) total += s.size
    return total
  }

  get numberOfSegments(): number {
    return this.#segments.length
  }

  /** Base offset and size of each segment, oldest first (for tests, tools and metrics). */
  segmentInfos(): { baseOffset: number; sizeBytes: number; largestTimestamp: number }[] {
    return this.#segments.map((s) => ({
      baseOffset: s.baseOffset,
      sizeBytes: s.size,
      largestTimestamp: s.largestTimestamp,
    }))
  }

  get isOffline(): boolean {
    return this.#failure !== null
  }

  /** Unflushed offsets (Kafka's unflushedMessages: logEndOffset - recoveryPoint). */
  get unflushedMessages(): number {
    return this.#logEndOffset - this.#recoveryPoint
  }

  #checkUsable(): void {
    if (this.#failure !== null) throw this.#offlineError()
    if (this.#closed)
      throw new SamsaError(SamsaErrorCode.StorageClosed, `log of ${this.topic}-${this.partition} is closed`)
  }

  get #active(): Segment {
    return this.#segments.at(-1)!
  }

  /**
   * Appends producer batches: validates them (append-validator.ts), assigns offsets from logEndOffset,
   * writes `leaderEpoch` as partitionLeaderEpoch and, for LogAppendTime topics, the broker time. The
   * buffer is modified in place and must not be reused by the caller. Header checks happen before the
   * first await and reject the promise. Most appends assign offsets synchronously too; those whose
   * records must be read first (the key check of compacted topics, timestamp bounds, recompression to
   * the topic's compression.type; decompression runs off the event loop) assign them once that is done,
   * and every append behind them waits its turn: offsets always follow call order.
   *
   * Batches with a producer id are checked against the producer state when their offsets are assigned
   * (epoch, sequence, transaction state; INVALID_PRODUCER_EPOCH, OUT_OF_ORDER_SEQUENCE_NUMBER...); a batch a
   * client sent again answers with its original offsets once they are written, and nothing is appended.
   * `origin` Coordinator (markers, coordinator records) allows control batches and skips sequence checks.
   * `verification` is the KIP-890 guard of a client append when transaction verification is in force
   * (see ProducerStateManager.prepare), null otherwise.
   */
  async appendAsLeader(
    records: Buffer,
    leaderEpoch: number,
    origin: AppendOrigin = AppendOrigin.Client,
    verification: VerificationGuard | null = null,
  ): Promise<AppendInfo> {
    this.#checkUsable()
    assert(!this.#truncating, 'append during truncation')
    const nowMs = this.#scheduler.clock.nowMs()
    const config = this.#config
    const analysis = validateLeaderAppend(records, config, origin)
    this.#checkQueueRoom(records.length)
    const work = recordWorkFor(records, analysis, config, nowMs)
    if (work === null && this.#preparing === 0)
      return this.#appendValidated(records, analysis, leaderEpoch, nowMs, origin, verification)
    this.#preparing++
    this.#preparingBytes += records.length
    const prepared =
      work === null
        ? Promise.resolve(records)
        : applyRecordWork(records, analysis, work, config, `${this.topic}-${this.partition}`)
    const assigned = this.#prepareTail
      .then(() => prepared)
      .then((out) => {
        this.#checkUsable()
        const outAnalysis = out === records ? analysis : validateLeaderAppend(out, config, origin)
        return { write: this.#appendValidated(out, outAnalysis, leaderEpoch, nowMs, origin, verification) }
      })
      .finally(() => {
        this.#preparing--
        this.#preparingBytes -= records.length
      })
    this.#prepareTail = assigned.then(
      () => undefined,
      () => undefined,
    )
    const { write } = await assigned
    return write
  }

  #appendValidated(
    records: Buffer,
    analysis: AppendAnalysis,
    leaderEpoch: number,
    nowMs: number,
    origin: AppendOrigin,
    verification: VerificationGuard | null,
  ): Promise<AppendInfo> {
    const config = this.#config
    const logAppendTime = config.messageTimestampType === MessageTimestampType.LogAppendTime
    const firstOffset = this.#logEndOffset
    let plan: ProducerAppendPlan | null = null
    if (hasProducerBatch(records, analysis.positions)) {
      const prepared = this.#producerState.prepare(records, analysis.positions, firstOffset, origin, verification)
      if (!('entries' in prepared)) {
        if (this.#log.isLevelEnabled('debug')) {
          const pos = analysis.positions[0] ?? 0
          this.#log.debug(
            {
              producerId: batchProducerId(records, pos),
              producerEpoch: batchProducerEpoch(records, pos),
              baseSequence: batchBaseSequence(records, pos),
              firstOffset: prepared.firstOffset,
              lastOffset: prepared.lastOffset,
            },
            'duplicate batch answered with its original offsets',
          )
        }
        return this.#duplicateAppend(prepared)
      }
      plan = prepared
    }
    const lastOffset = firstOffset + analysis.offsetCount - 1
    const maxTimestamp = logAppendTime ? nowMs : analysis.maxTimestamp
    this.#maybeRoll(records.length, maxTimestamp, lastOffset, nowMs, firstOffset)
    const segment = this.#active
    let next = firstOffset
    for (const pos of analysis.positions) {
      setBatchBaseOffset(records, pos, next)
      setBatchPartitionLeaderEpoch(records, pos, leaderEpoch)
      if (logAppendTime) setBatchLogAppendTime(records, pos, nowMs)
      const last = next + batchLastOffsetDelta(records, pos)
      segment.appendBatch(batchSize(records, pos), last, logAppendTime ? nowMs : batchMaxTimestamp(records, pos), nowMs)
      next = last + 1
    }
    assert(next === lastOffset + 1, 'assigned offsets disagree with the validated count')
    this.#logEndOffset = next
    this.#commitProducers(plan, segment, next)
    const info: AppendInfo = {
      firstOffset,
      lastOffset,
      logAppendTimeMs: logAppendTime ? nowMs : -1,
      logStartOffset: this.#logStartOffset,
      recordCount: analysis.recordCount,
      maxTimestamp,
      validBytes: records.length,
    }
    return this.#enqueueWrite(segment, records, next, info)
  }

  #commitProducers(plan: ProducerAppendPlan | null, segment: Segment, endOffset: number): void {
    if (plan === null) this.#producerState.manager.noteAppended(endOffset)
    else this.#producerState.commit(plan, segment.baseOffset, (err) => this.#fail(err))
  }

  /** A re-sent batch: its original offsets, once they are in the file (Kafka answers with them). */
  async #duplicateAppend(duplicate: DuplicateBatch): Promise<AppendInfo> {
    await this.#waitWritten(duplicate.lastOffset + 1)
    return {
      firstOffset: duplicate.firstOffset,
      lastOffset: duplicate.lastOffset,
      logAppendTimeMs: duplicate.timestamp,
      logStartOffset: this.#logStartOffset,
      recordCount: 0,
      maxTimestamp: duplicate.timestamp,
      validBytes: 0,
    }
  }

  /**
   * Appends batches that already carry their offsets (replication, the metadata log): checks frames, CRCs
   * and that offsets increase from logEndOffset; gaps are allowed (compacted leaders).
   */
  async appendAsFollower(records: Buffer): Promise<AppendInfo> {
    this.#checkUsable()
    assert(!this.#truncating, 'append during truncation')
    const nowMs = this.#scheduler.clock.nowMs()
    const analysis = validateFollowerAppend(records, this.#logEndOffset)
    this.#checkQueueRoom(records.length)
    let plan: ProducerAppendPlan | null = null
    if (hasProducerBatch(records, analysis.positions)) {
      plan = this.#producerState.prepare(
        records,
        analysis.positions,
        null,
        AppendOrigin.Replication,
      ) as ProducerAppendPlan
    }
    this.#maybeRoll(records.length, analysis.maxTimestamp, analysis.lastOffset, nowMs, analysis.firstOffset)
    const segment = this.#active
    for (const pos of analysis.positions) {
      const last = batchBaseOffsetAt(records, pos) + batchLastOffsetDelta(records, pos)
      segment.appendBatch(batchSize(records, pos), last, batchMaxTimestamp(records, pos), nowMs)
    }
    this.#logEndOffset = analysis.lastOffset + 1
    this.#commitProducers(plan, segment, this.#logEndOffset)
    const info: AppendInfo = {
      firstOffset: analysis.firstOffset,
      lastOffset: analysis.lastOffset,
      logAppendTimeMs: -1,
      logStartOffset: this.#logStartOffset,
      recordCount: analysis.recordCount,
      maxTimestamp: analysis.maxTimestamp,
      validBytes: records.length,
    }
    return this.#enqueueWrite(segment, records, this.#logEndOffset, info)
  }

  #checkQueueRoom(bytes: number): void {
    if (this.#queuedBytes + this.#preparingBytes + bytes > this.#pendingWriteBytesMax) {
      throw new KafkaProtocolError(
        ErrorCode.KAFKA_STORAGE_ERROR,
        `${this.#queuedBytes + this.#preparingBytes} bytes are already waiting to be written to ${this.topic}-${this.partition}`,
      )
    }
  }

  /** Kafka's maybeRoll: a new segment at `rollOffset` when the active one should roll for this append. */
  #maybeRoll(
    messagesBytes: number,
    maxTimestampInMessages: number,
    maxOffsetInMessages: number,
    nowMs: number,
    rollOffset: number,
  ): void {
    const active = this.#active
    const roll = active.shouldRoll({
      maxSegmentMs: maxSegmentMs(this.#config),
      maxSegmentBytes: this.#config.segmentBytes,
      messagesBytes,
      maxTimestampInMessages,
      maxOffsetInMessages,
      nowMs,
    })
    if (roll) this.#roll(rollOffset, nowMs)
  }

  /**
   * Starts a new active segment at `newBaseOffset` (>= logEndOffset). An empty active segment is replaced
   * instead of kept; a non-empty one is finalised and flushed in the background, after which the recovery
   * point moves to the new base offset (Kafka's roll + flushUptoOffsetExclusive).
   */
  #roll(newBaseOffset: number, nowMs: number): void {
    const old = this.#active
    assert(newBaseOffset >= this.#logEndOffset, 'roll below the log end offset')
    if (old.size === 0) {
      if (old.baseOffset === newBaseOffset) return
      this.#segments = this.#segments.slice(0, -1)
      this.#background.run(old.deleteFiles(), (err) => this.#fail(err))
    } else {
      old.onBecomeInactive()
    }
    const fresh = Segment.createNew(this.dir, newBaseOffset, {
      segmentIndexBytes: this.#config.segmentIndexBytes,
      indexIntervalBytes: this.#config.indexIntervalBytes,
      rollJitterMs: randomSegmentJitterMs(this.#config),
      nowMs,
    })
    this.#segments = [...this.#segments, fresh]
    // Kafka snapshots the producer state at every roll, so recovery replays at most the active segment.
    this.#producerState.takeSnapshot(newBaseOffset, (err) =>
      this.#log.warn({ err, offset: newBaseOffset }, 'could not write a producer state snapshot'),
    )
    this.stats.rolls++
    this.#log.info({ baseOffset: newBaseOffset, previousSizeBytes: old.size }, 'rolled new log segment')
    if (old.size > 0) {
      if (this.#writtenEndOffset >= newBaseOffset) this.#startFlush(newBaseOffset)
      else this.#rollFlushTargets.push(newBaseOffset)
    }
  }

  #startFlush(target: number): void {
    this.#background.run(this.#enqueueFlush(target), (err) => this.#fail(err))
  }

  #enqueueWrite(segment: Segment, buffer: Buffer, endOffset: number, info: AppendInfo): Promise<AppendInfo> {
    this.stats.appends++
    return new Promise<AppendInfo>((resolve, reject) => {
      this.#queue.push({ segment, buffer, endOffset, resolve: () => resolve(info), reject })
      this.#queuedBytes += buffer.length
      if (!this.#writing) {
        this.#writing = true
        // A microtask later, so appends issued in the same tick join the first write.
        queueMicrotask(() => {
          this.#writeLoop().catch((err: unknown) => this.#fail(err))
        })
      }
    })
  }

  /** The single writer: drains the queue in order, one writev per run of appends to the same segment. */
  async #writeLoop(): Promise<void> {
    let run: PendingWrite[] = []
    try {
      while (this.#queueHead < this.#queue.length && this.#failure === null) {
        run = this.#takeRun()
        const segment = run[0]!.segment
        let bytes = 0
        const buffers: Buffer[] = []
        for (const w of run) {
          buffers.push(w.buffer)
          bytes += w.buffer.length
        }
        const syscalls = await segment.write((fd) => writevAt(fd, buffers, segment.writtenBytes))
        segment.noteWritten(bytes)
        this.#queuedBytes -= bytes
        this.stats.writes++
        this.stats.writeSyscalls += syscalls
        this.#writtenEndOffset = Math.max(this.#writtenEndOffset, run.at(-1)!.endOffset)
        this.#notifyWritten()
        while (this.#rollFlushTargets.length > 0 && this.#rollFlushTargets[0]! <= this.#writtenEndOffset) {
          this.#startFlush(this.#rollFlushTargets.shift()!)
        }
        if (segment.pendingIndexEntries >= INDEX_PERSIST_ENTRIES_MIN) {
          this.#background.run(segment.persistIndexes(), (err) => this.#fail(err))
        }
        if (this.#writtenEndOffset - this.#recoveryPoint >= this.#config.flushMessages) {
          await this.#enqueueFlush(this.#writtenEndOffset)
        } else {
          this.#maybeScheduleFlush()
        }
        for (const w of run) w.resolve()
        run = []
      }
    } catch (err) {
      this.#fail(err)
      // The run in flight left the queue already: #fail cannot reach it.
      for (const w of run) w.reject(this.#offlineError())
    } finally {
      // Synchronous with the loop's last check of the queue: no append can slip in between.
      this.#writing = false
    }
  }

  #takeRun(): PendingWrite[] {
    const start = this.#queueHead
    const segment = this.#queue[start]!.segment
    let end = start
    let bytes = 0
    while (end < this.#queue.length && end - start < WRITEV_BUFFERS_MAX) {
      const w = this.#queue[end]!
      if (w.segment !== segment || (end > start && bytes + w.buffer.length > WRITE_BYTES_MAX)) break
      bytes += w.buffer.length
      end++
    }
    const run = this.#queue.slice(start, end)
    this.#queueHead = end
    if (this.#queueHead === this.#queue.length) {
      this.#queue = []
      this.#queueHead = 0
    } else if (this.#queueHead > 1024) {
      this.#queue = this.#queue.slice(this.#queueHead)
      this.#queueHead = 0
    }
    return run
  }

  #notifyWritten(): void {
    if (this.#writtenWaiters.length === 0) return
    const still: WrittenWaiter[] = []
    for (const w of this.#writtenWaiters) {
      if (w.target <= this.#writtenEndOffset) w.resolve()
      else still.push(w)
    }
    this.#writtenWaiters = still
  }

  /** Resolves once every offset below `target` is in the file. */
  #waitWritten(target: number): Promise<void> {
    if (this.#failure !== null) return Promise.reject(this.#offlineError())
    if (target <= this.#writtenEndOffset) return Promise.resolve()
    return new Promise((resolve, reject) => this.#writtenWaiters.push({ target, resolve, reject }))
  }

  #maybeScheduleFlush(): void {
    const flushMs = this.#config.flushMs
    if (this.#flushTimer !== null || flushMs >= TIMER_DELAY_MS_MAX || this.#closed) return
    this.#flushTimer = this.#scheduler.schedule(flushMs, () => {
      this.#flushTimer = null
      if (this.#closed || this.#failure !== null) return
      this.#background.run(this.flush(), (err) => this.#fail(err))
    })
  }

  /**
   * Queues an fsync of every segment below `target` with unflushed data, then moves the recovery point to
   * `target`, which must already be written. Flushes run one after another and never wait for the writer
   * (which may itself wait for a flush), so the recovery point only moves forward over fsynced bytes.
   */
  #enqueueFlush(target: number): Promise<void> {
    assert(target <= this.#writtenEndOffset, 'flush beyond the written end')
    const op = async (): Promise<void> => {
      for (const segment of this.#segments) {
        if (segment.baseOffset >= target) break
        if (segment.isClosed || !segment.needsFlush) continue
        try {
          await segment.flush()
        } catch (err) {
          // Deleted by retention meanwhile: nothing left to make durable.
          if (!(err instanceof SamsaError && err.code === SamsaErrorCode.StorageClosed)) throw err
        }
      }
      await this.#producerState.flush(target)
      if (target > this.#recoveryPoint) this.#recoveryPoint = Math.min(target, this.#writtenEndOffset)
      this.#lastFlushMs = this.#scheduler.clock.nowMs()
      this.stats.flushes++
    }
    const next = this.#flushChain.then(op)
    this.#flushChain = next.catch(() => {})
    return next
  }

  /** fdatasyncs everything appended so far (off the event loop) and advances the recovery point. */
  async flush(): Promise<void> {
    this.#checkUsable()
    const target = this.#logEndOffset
    await this.#waitWritten(target)
    await this.#enqueueFlush(target)
  }

  /** Milliseconds since the last completed flush. */
  timeSinceLastFlushMs(): number {
    return this.#scheduler.clock.nowMs() - this.#lastFlushMs
  }

  /**
   * Reads from the batch containing `offset`: whole batches, at most `maxBytes` (the first one whole anyway
   * when `minOneMessage`), none with a base offset >= `maxOffset` (the high watermark or last stable
   * offset). One segment per read, as Kafka. OFFSET_OUT_OF_RANGE when offset is outside
   * [logStartOffset, logEndOffset]; empty records at logEndOffset or maxOffset. `allocate` supplies the
   * read buffers (see Segment.read).
   */
  async read(
    offset: number,
    maxBytes: number,
    maxOffset: number,
    minOneMessage: boolean,
    allocate?: AllocateBuffer,
  ): Promise<LogReadResult> {
    this.#checkUsable()
    const logStartOffset = this.#logStartOffset
    const logEndOffset = this.#logEndOffset
    const highWatermark = this.#highWatermark
    if (offset < logStartOffset || offset > logEndOffset) {
      throw new KafkaProtocolError(
        ErrorCode.OFFSET_OUT_OF_RANGE,
        `Received request for offset ${offset} for partition ${this.topic}-${this.partition}, but we only have log segments from offset ${logStartOffset} up to ${logEndOffset}.`,
      )
    }
    const empty: LogReadResult = {
      records: EMPTY,
      firstOffset: offset,
      nextOffset: offset,
      highWatermark,
      logStartOffset,
      logEndOffset,
    }
    if (offset >= logEndOffset || offset >= maxOffset) return empty
    const segments = this.#segments
    for (let i = floorSegment(segments, offset); i < segments.length; i++) {
      let r: Awaited<ReturnType<Segment['read']>>
      try {
        r = await segments[i]!.read(offset, maxBytes, maxOffset, minOneMessage, allocate)
      } catch (err) {
        // A segment closed under the read was deleted by retention: the offset is gone.
        if (err instanceof SamsaError && err.code === SamsaErrorCode.StorageClosed && !this.#closed) {
          throw new KafkaProtocolError(ErrorCode.OFFSET_OUT_OF_RANGE, `offset ${offset} was deleted while being read`)
        }
        throw err
      }
      if (r !== null) return { ...r, highWatermark, logStartOffset, logEndOffset }
    }
    return empty
  }

  /**
   * ListOffsets by timestamp: the first offset >= logStartOffset whose record timestamp is >= `timestampMs`
   * (time index floor, then a scan), or null when no record is that late.
   */
  async fetchOffsetByTimestamp(timestampMs: number): Promise<OffsetAndTimestamp | null> {
    this.#checkUsable()
    const startingOffset = this.#logStartOffset
    for (const segment of this.#segments) {
      if (segment.largestTimestamp < timestampMs || segment.writtenBytes === 0) continue
      const found = await segment.findOffsetByTimestamp(timestampMs, startingOffset, this.#decompress)
      if (found !== null) return found
    }
    return null
  }

  /** ListOffsets -3: the offset and timestamp of the record with the largest timestamp; -1/-1 when none. */
  async offsetOfMaxTimestamp(): Promise<OffsetAndTimestamp> {
    this.#checkUsable()
    let best: Segment | null = null
    for (const s of this.#segments) if (best === null || s.maxTimestampSoFar > best.maxTimestampSoFar) best = s
    if (best === null || best.maxTimestampSoFar < 0) return { offset: -1, timestamp: -1, leaderEpoch: -1 }
    const found = await best.offsetOfMaxTimestamp(this.#decompress)
    return found ?? { offset: best.offsetOfMaxTimestampSoFar, timestamp: best.maxTimestampSoFar, leaderEpoch: -1 }
  }

  /** Set by the replication layer; clamped to [logStartOffset, logEndOffset]. Returns the value kept. */
  setHighWatermark(offset: number): number {
    this.#highWatermark = clamp(offset, this.#logStartOffset, this.#logEndOffset)
    this.#producerState.manager.onHighWatermarkUpdated(this.#highWatermark)
    return this.#highWatermark
  }

  /** The first offset of a transaction still open or not yet below the high watermark; null when none. */
  get firstUnstableOffset(): number | null {
    return this.#producerState.manager.firstUnstableOffset()
  }

  /** Kafka's lastStableOffset: the first unstable offset when it is below the high watermark, else the latter. */
  get lastStableOffset(): number {
    const first = this.#producerState.manager.firstUnstableOffset()
    return first !== null && first < this.#highWatermark ? first : this.#highWatermark
  }

  /**
   * The aborted transactions a read_committed fetch of [fetchOffset, upperBoundOffset) reports (Kafka's
   * collectAbortedTransactions over the transaction indexes from the segment holding fetchOffset on).
   */
  collectAbortedTransactions(fetchOffset: number, upperBoundOffset: number): AbortedTxn[] {
    const segments = this.#segments
    const from = segments[floorSegment(segments, fetchOffset)]!.baseOffset
    return this.#producerState.collectAbortedTransactions(fetchOffset, upperBoundOffset, from)
  }

  /** The producers this partition knows (DescribeProducers). */
  /**
   * KIP-890: before a client's transactional batch is appended, SENTINEL_GUARD when the producer already
   * has its transaction open here at this epoch, else the guard to verify with the transaction
   * coordinator and then to append with.
   */
  maybeStartTransactionVerification(producerId: number, sequence: number, producerEpoch: number): VerificationGuard {
    return this.#producerState.manager.maybeStartTransactionVerification(
      producerId,
      sequence,
      producerEpoch,
      this.#scheduler.clock.nowMs(),
    )
  }

  activeProducers(): ProducerStateEntry[] {
    return this.#producerState.activeProducers()
  }

  /** The producer state with its snapshots and transaction indexes (tests, tools). */
  get producerState(): LogProducerState {
    return this.#producerState
  }

  /** producer.id.expiration.ms: forgets producers idle that long without an open transaction. */
  removeExpiredProducers(nowMs: number, producerIdExpirationMs: number): number {
    if (this.#closed || this.#failure !== null) return 0
    return this.#producerState.removeExpiredProducers(nowMs, producerIdExpirationMs)
  }

  /**
   * Kafka's maybeIncrementLogStartOffset: moves the log start offset forward (never back), up to the high
   * watermark. Whole segments below it are deleted by the next retention pass.
   */
  maybeIncrementLogStartOffset(offset: number): boolean {
    this.#checkUsable()
    if (offset > this.#highWatermark) {
      throw new KafkaProtocolError(
        ErrorCode.OFFSET_OUT_OF_RANGE,
        `Cannot increment the log start offset to ${offset} of partition ${this.topic}-${this.partition} since it is larger than the high watermark ${this.#highWatermark}`,
      )
    }
    if (offset <= this.#logStartOffset) return false
    this.#logStartOffset = offset
    this.#producerState.manager.onLogStartOffsetIncremented(offset)
    if (this.#recoveryPoint < offset) this.#recoveryPoint = Math.min(offset, this.#writtenEndOffset)
    this.#log.info({ logStartOffset: offset }, 'incremented log start offset')
    return true
  }

  /**
   * DeleteRecords: `offset` -1 means the high watermark. Moves the log start offset and deletes the whole
   * segments below it. Returns the new low watermark (log start offset).
   */
  async deleteRecordsBefore(offset: number): Promise<number> {
    const target = offset === -1 ? this.#highWatermark : offset
    if (target < 0)
      throw new KafkaProtocolError(ErrorCode.OFFSET_OUT_OF_RANGE, `Cannot delete records before offset ${offset}`)
    this.maybeIncrementLogStartOffset(target)
    await this.#deleteOldSegments(
      (_segment, next) => next !== undefined && next.baseOffset <= this.#logStartOffset,
      'log start offset breach',
    )
    return this.#logStartOffset
  }

  /**
   * One retention pass (Kafka's deleteOldSegments): segments below the log start offset always; with
   * cleanup.policy=delete also the oldest segments while the log exceeds retention.bytes and segments whose
   * largest timestamp is older than retention.ms. Only segments wholly below the high watermark go; when
   * every segment qualifies the active one is rolled first. Returns the number of segments deleted.
   */
  async deleteOldSegments(): Promise<number> {
    this.#checkUsable()
    let deleted = await this.#deleteOldSegments(
      (_segment, next) => next !== undefined && next.baseOffset <= this.#logStartOffset,
      'log start offset breach',
    )
    if (!this.#config.cleanupPolicyDelete) return deleted
    const retentionBytes = this.#config.retentionBytes
    if (retentionBytes >= 0) {
      let diff = this.size - retentionBytes
      if (diff > 0) {
        deleted += await this.#deleteOldSegments((segment) => {
          if (diff - segment.size >= 0) {
            diff -= segment.size
            return true
          }
          return false
        }, 'retention size breach')
      }
    }
    const retentionMs = this.#config.retentionMs
    if (retentionMs >= 0) {
      const nowMs = this.#scheduler.clock.nowMs()
      deleted += await this.#deleteOldSegments(
        (segment) => nowMs - segment.largestTimestamp > retentionMs,
        'retention time breach',
      )
    }
    return deleted
  }

  async #deleteOldSegments(
    predicate: (segment: Segment, next: Segment | undefined) => boolean,
    reason: string,
  ): Promise<number> {
    await this.#swapIdle()
    const segments = this.#segments
    const deletable: Segment[] = []
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i]!
      const next = segments[i + 1]
      const upperBoundOffset = next === undefined ? this.#logEndOffset : next.baseOffset
      const isLastAndEmpty = next === undefined && segment.size === 0
      // Never past the high watermark (the log start offset must not exceed it) nor past unwritten bytes.
      const eligible = this.#highWatermark >= upperBoundOffset && this.#writtenEndOffset >= upperBoundOffset
      if (!eligible || isLastAndEmpty || !predicate(segment, next)) break
      deletable.push(segment)
    }
    if (deletable.length === 0) return 0
    if (deletable.length === this.#segments.length) this.#roll(this.#logEndOffset, this.#scheduler.clock.nowMs())
    const gone = new Set(deletable)
    this.#segments = this.#segments.filter((s) => !gone.has(s))
    const first = this.#segments[0]!
    if (first.baseOffset > this.#logStartOffset) {
      this.#logStartOffset = first.baseOffset
      if (this.#highWatermark < first.baseOffset) this.#highWatermark = first.baseOffset
      if (this.#recoveryPoint < first.baseOffset) this.#recoveryPoint = first.baseOffset
    }
    this.#log.info(
      { reason, segments: deletable.map((s) => s.baseOffset), logStartOffset: this.#logStartOffset },
      'deleting log segments',
    )
    await Promise.all(deletable.map((s) => this.#deleteSegmentLater(s)))
    await this.#producerState.onSegmentsDeleted(
      deletable.map((s) => s.baseOffset),
      first.baseOffset,
      this.#logStartOffset,
    )
    return deletable.length
  }

  /** The segments before the active one, oldest first: what the cleaner may read and replace. */
  inactiveSegments(): readonly Segment[] {
    return this.#segments.slice(0, -1)
  }

  get activeSegmentBaseOffset(): number {
    return this.#active.baseOffset
  }

  async #swapIdle(): Promise<void> {
    while (this.#swapping !== null) await this.#swapping
  }

  /**
   * Swaps a cleaned segment in for the inactive segments it replaces (Kafka's replaceSegments), crash-safe:
   * `.cleaned` -> `.swap` (the commit point, see cleaner/swap-recovery.ts), the new segment replaces the
   * old ones in memory, the old files are renamed `.deleted` (unlinked after file.delete.delay.ms; open
   * reads finish on them), then the swap files take the final names. Returns false, leaving the log as
   * it was, when the replaced segments are no longer all in place (retention, truncation, close).
   * `hooks` lets tests stop between the steps as a crash would.
   */
  async replaceSegments(group: CleanedGroup, replaced: readonly Segment[], hooks: SwapHooks = {}): Promise<boolean> {
    await this.#swapIdle()
    if (this.#closed || this.#failure !== null || !this.#isReplaceable(replaced)) return false
    const swap = this.#swap(group, replaced, hooks)
    this.#swapping = swap.then(
      () => undefined,
      () => undefined,
    )
    try {
      return await swap
    } finally {
      this.#swapping = null
    }
  }

  #isReplaceable(replaced: readonly Segment[]): boolean {
    const segments = this.#segments
    const first = segments.indexOf(replaced[0]!)
    if (first < 0 || first + replaced.length >= segments.length) return false
    return replaced.every((s, i) => segments[first + i] === s)
  }

  async #swap(group: CleanedGroup, replaced: readonly Segment[], hooks: SwapHooks): Promise<boolean> {
    const base = group.baseOffset
    assert(base === replaced[0]!.baseOffset, 'a cleaned segment starts where its group starts')
    const paths = [offsetIndexFilePath(this.dir, base), timeIndexFilePath(this.dir, base), logFilePath(this.dir, base)]
    for (const p of paths) await fs.promises.rename(p + CLEANED_FILE_SUFFIX, p + SWAP_FILE_SUFFIX)
    await fsyncDir(this.dir)
    await hooks.afterSwapCommitted?.()
    const fresh = await this.#openSwapSegment(group)
    if (!this.#isReplaceable(replaced)) {
      await fresh.close({ persistIndexes: false })
      await Promise.all(paths.map((p) => fs.promises.rm(p + SWAP_FILE_SUFFIX, { force: true })))
      return false
    }
    const first = this.#segments.indexOf(replaced[0]!)
    this.#segments = [...this.#segments.slice(0, first), fresh, ...this.#segments.slice(first + replaced.length)]
    await this.#producerState.txnIndexes.replaceSegments(
      base,
      replaced.map((s) => s.baseOffset),
      group.abortedTransactions,
    )
    await Promise.all(replaced.map((s) => this.#deleteSegmentLater(s)))
    await hooks.afterReplacedDeleted?.()
    for (const p of paths) await fs.promises.rename(p + SWAP_FILE_SUFFIX, p)
    await fsyncDir(this.dir)
    this.#log.info(
      { baseOffset: base, replaced: replaced.map((s) => s.baseOffset), sizeBytes: group.sizeBytes },
      'swapped in a cleaned segment',
    )
    return true
  }

  async #openSwapSegment(group: CleanedGroup): Promise<Segment> {
    const base = group.baseOffset
    const config = this.#config
    const offsetIndex = new OffsetIndex(base, Math.max(config.segmentIndexBytes, group.offsetIndex.length))
    const timeIndex = new TimeIndex(base, Math.max(config.segmentIndexBytes, group.timeIndex.length))
    const problem =
      offsetIndex.load(Buffer.from(group.offsetIndex), Math.max(1, group.sizeBytes)) ??
      timeIndex.load(Buffer.from(group.timeIndex), group.nextOffset)
    assert(problem === null, `cleaned segment index: ${problem}`)
    const flags = fs.constants.O_RDWR
    const fds: number[] = []
    try {
      for (const p of [
        logFilePath(this.dir, base),
        offsetIndexFilePath(this.dir, base),
        timeIndexFilePath(this.dir, base),
      ])
        fds.push(await openFile(p + SWAP_FILE_SUFFIX, flags))
    } catch (err) {
      for (const fd of fds) await closeFile(fd).catch(() => {})
      throw err
    }
    const nowMs = this.#scheduler.clock.nowMs()
    return new Segment(
      {
        dir: this.dir,
        baseOffset: base,
        offsetIndex,
        timeIndex,
        indexIntervalBytes: config.indexIntervalBytes,
        rollJitterMs: 0,
        createdMs: nowMs,
        lastModifiedMs: nowMs,
        sizeBytes: group.sizeBytes,
        nextOffset: group.nextOffset,
        maxTimestampSoFar: group.maxTimestamp,
        offsetOfMaxTimestampSoFar: group.offsetOfMaxTimestamp,
        rollingBasedTimestamp: group.firstBatchTimestamp,
        bytesSinceLastIndexEntry: group.sizeBytes - offsetIndex.lastPosition,
      },
      { log: fds[0]!, index: fds[1]!, timeIndex: fds[2]! },
      true,
    )
  }

  /** Kafka's asynchronous delete: rename to `.deleted` now, close and unlink after file.delete.delay.ms. */
  async #deleteSegmentLater(segment: Segment): Promise<void> {
    this.#pendingDeletes.set(segment, null)
    await segment.markDeleted()
    if (this.#closed || !this.#pendingDeletes.has(segment)) return
    const timer = this.#scheduler.schedule(this.#config.fileDeleteDelayMs, () => {
      this.#pendingDeletes.delete(segment)
      this.#background.run(segment.deleteFiles(), (err) => this.#log.warn({ err }, 'failed to delete segment files'))
    })
    this.#pendingDeletes.set(segment, timer)
  }

  /**
   * Removes everything from `offset` on (followers diverging from the leader). Waits for queued writes
   * first; the caller must not append until it resolves. Returns false when offset >= logEndOffset.
   */
  async truncateTo(offset: number): Promise<boolean> {
    this.#checkUsable()
    assert(offset >= 0, 'truncate to a negative offset')
    if (offset >= this.#logEndOffset) return false
    await this.#swapIdle()
    await this.#waitWritten(this.#logEndOffset)
    if (offset < this.#segments[0]!.baseOffset) {
      await this.truncateFullyAndStartAt(offset)
      return true
    }
    this.#truncating = true
    try {
      const later = this.#segments.filter((s) => s.baseOffset > offset)
      if (later.length > 0) {
        this.#segments = this.#segments.filter((s) => s.baseOffset <= offset)
        await Promise.all(later.map((s) => this.#deleteSegmentLater(s)))
      }
      await this.#active.truncateTo(offset)
      this.#rollFlushTargets = this.#rollFlushTargets.filter((t) => t <= offset)
      this.#logEndOffset = offset
      this.#writtenEndOffset = offset
      this.#highWatermark = Math.min(this.#highWatermark, offset)
      this.#recoveryPoint = Math.min(this.#recoveryPoint, offset)
      await this.#producerState.truncateTo(offset, this.#segments, this.#logStartOffset)
      this.#log.info({ offset }, 'truncated log')
    } catch (err) {
      this.#fail(err)
      throw err
    } finally {
      this.#truncating = false
    }
    return true
  }

  /** Deletes every segment and starts an empty log at `offset` (start, end, high watermark all = offset). */
  async truncateFullyAndStartAt(offset: number): Promise<void> {
    this.#checkUsable()
    await this.#swapIdle()
    await this.#waitWritten(this.#logEndOffset)
    const old = this.#segments
    this.#rollFlushTargets = []
    // A segment with the same base offset must be renamed away before the new file is created.
    const clash = old.find((s) => s.baseOffset === offset)
    if (clash !== undefined) await clash.markDeleted()
    const fresh = Segment.createNew(this.dir, offset, {
      segmentIndexBytes: this.#config.segmentIndexBytes,
      indexIntervalBytes: this.#config.indexIntervalBytes,
      rollJitterMs: randomSegmentJitterMs(this.#config),
      nowMs: this.#scheduler.clock.nowMs(),
    })
    this.#segments = [fresh]
    this.#logStartOffset = offset
    this.#logEndOffset = offset
    this.#writtenEndOffset = offset
    this.#highWatermark = offset
    this.#recoveryPoint = offset
    await fresh.ready()
    await Promise.all(old.map((s) => this.#deleteSegmentLater(s)))
    await this.#producerState.truncateFullyAndStartAt(offset)
    this.#log.info({ offset }, 'truncated log fully')
  }

  /** Resolves when background work (index write-behind, roll flushes, deletions started) has finished. */
  async whenIdle(): Promise<void> {
    await this.#background.idle()
    await this.#flushChain
    await this.#background.idle()
    await this.#producerState.snapshotsIdle()
    await this.#producerState.txnIndexes.idle()
  }

  /**
   * Closes the log: waits for queued writes and flushes, writes pending index entries, closes the files.
   * Does not fsync (LogManager.shutdown flushes first). Segments awaiting deletion are deleted now.
   */
  async close(): Promise<void> {
    if (this.#closed) return
    await this.#swapIdle()
    if (this.#failure === null) await this.#waitWritten(this.#logEndOffset).catch(() => {})
    this.#closed = true
    this.#flushTimer?.cancel()
    this.#flushTimer = null
    await this.#flushChain
    await this.#background.idle()
    if (this.#failure === null) {
      await this.#producerState.close(this.#logEndOffset, (err) =>
        this.#log.warn({ err }, 'could not write the producer state snapshot at close'),
      )
    }
    const active = this.#active
    active.onBecomeInactive()
    for (const s of this.#segments) await s.close({ persistIndexes: this.#failure === null })
    for (const [segment, timer] of this.#pendingDeletes) {
      timer?.cancel()
      await segment.deleteFiles().catch(() => {})
    }
    this.#pendingDeletes.clear()
    this.#log.debug({ logEndOffset: this.#logEndOffset }, 'log closed')
  }

  /** Closes the log and removes its directory. */
  async delete(): Promise<void> {
    await this.close()
    await fs.promises.rm(this.dir, { recursive: true, force: true })
  }

  #offlineError(): KafkaProtocolError {
    return new KafkaProtocolError(ErrorCode.KAFKA_STORAGE_ERROR, `log of ${this.topic}-${this.partition} is offline`)
  }

  /** Takes the log offline after an I/O error: pending and later operations fail with KAFKA_STORAGE_ERROR. */
  #fail(err: unknown): void {
    if (this.#failure !== null) return
    const error = err instanceof Error ? err : new Error(String(err))
    this.#failure = error
    this.#log.error({ err: error }, 'log failed; taking it offline')
    const offline = new KafkaProtocolError(
      ErrorCode.KAFKA_STORAGE_ERROR,
      `log of ${this.topic}-${this.partition} is offline`,
    )
    const queued = this.#queue.slice(this.#queueHead)
    this.#queue = []
    this.#queueHead = 0
    this.#queuedBytes = 0
    for (const w of queued) w.reject(offline)
    for (const w of this.#writtenWaiters) w.reject(offline)
    this.#writtenWaiters = []
    this.#onFailure?.(error)
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi)
}

function batchBaseOffsetAt(records: Buffer, pos: number): number {
  return records.readInt32BE(pos) * 4294967296 + records.readUInt32BE(pos + 4)
}

/** Index of the last segment whose base offset is <= offset (0 when none is). */
function floorSegment(segments: readonly Segment[], offset: number): number {
  let lo = 0
  let hi = segments.length - 1
  let found = 0
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    if (segments[mid]!.baseOffset <= offset) {
      found = mid
      lo = mid + 1
    } else {
      hi = mid - 1
    }
  }
  return found
}

/** Kafka's LogConfig.randomSegmentJitter: uniform in [0, min(segment.jitter.ms, segment.ms)). */
export function randomSegmentJitterMs(config: LogConfig): number {
  if (config.segmentJitterMs === 0) return 0
  return Math.floor(Math.random() * Math.min(config.segmentJitterMs, config.segmentMs))
}

export type { AppendAnalysis }
