import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { SamsaError, SamsaErrorCode } from '../../common/errors.ts'
import type { Logger } from '../../common/log.ts'
import type { Scheduler, Timer } from '../../common/scheduler.ts'
import { BackgroundTasks } from '../background-tasks.ts'
import { type CheckpointFile, offsetCheckpointFile, type TopicPartitionOffset } from '../checkpoint-file.ts'
import {
  CLEANED_FILE_SUFFIX,
  CLEANER_OFFSET_CHECKPOINT_FILE,
  logFilePath,
  offsetIndexFilePath,
  timeIndexFilePath,
  topicPartitionKey,
} from '../log-file-names.ts'
import type { PartitionLog, SwapHooks } from '../partition-log.ts'
import { lastDataOffsetOf } from '../producer-state.ts'
import type { Segment } from '../segment.ts'
import { CleanerThread } from './cleaner-thread.ts'
import type { CleanedGroup, CleanJob, CleanStats } from './segment-cleaner.ts'

/** The broker's log.cleaner.* settings (Kafka's CleanerConfig). */
export interface LogCleanerConfig {
  readonly enable: boolean
  /** Cleaner threads: logs cleaned at the same time (the dedupe buffer is split between them). */
  readonly threads: number
  readonly backoffMs: number
  readonly dedupeBufferBytes: number
  readonly ioBufferBytes: number
  readonly loadFactor: number
  /** Infinity for no limit (Kafka's default, Double.MAX_VALUE). */
  readonly ioBytesPerSecondMax: number
}

export const DEFAULT_LOG_CLEANER_CONFIG: LogCleanerConfig = {
  enable: true,
  threads: 1,
  backoffMs: 15_000,
  dedupeBufferBytes: 128 * 1024 * 1024,
  ioBufferBytes: 512 * 1024,
  loadFactor: 0.9,
  ioBytesPerSecondMax: Number.POSITIVE_INFINITY,
}

/** Rounds one timer tick may run back to back before yielding to the next tick. */
const ROUNDS_PER_TICK_MAX = 64
/** Largest decompressed records section the cleaner accepts per batch. */
const DECOMPRESSED_BYTES_MAX = 256 * 1024 * 1024

/** Reads the log.cleaner.* broker properties (Kafka names and defaults). */
export function logCleanerConfigFrom(props: Readonly<Record<string, string>>): LogCleanerConfig {
  const num = (key: string, fallback: number): number => {
    const v = props[key]
    if (v === undefined) return fallback
    const n = Number(v)
    if (!Number.isFinite(n) || n < 0) return fallback
    return n
  }
  const ioMax = num('log.cleaner.io.max.bytes.per.second', Number.POSITIVE_INFINITY)
  return {
    enable: (props['log.cleaner.enable'] ?? 'true').toLowerCase() === 'true',
    // The broker config validates these (Kafka's ranges); they are used as given.
    threads: Math.max(1, Math.floor(num('log.cleaner.threads', 1))),
    backoffMs: Math.max(1, num('log.cleaner.backoff.ms', DEFAULT_LOG_CLEANER_CONFIG.backoffMs)),
    dedupeBufferBytes: num('log.cleaner.dedupe.buffer.size', DEFAULT_LOG_CLEANER_CONFIG.dedupeBufferBytes),
    ioBufferBytes: Math.max(4096, num('log.cleaner.io.buffer.size', DEFAULT_LOG_CLEANER_CONFIG.ioBufferBytes)),
    loadFactor: num('log.cleaner.io.buffer.load.factor', DEFAULT_LOG_CLEANER_CONFIG.loadFactor),
    // Kafka's default is Double.MAX_VALUE: treat anything of that order as "no limit".
    ioBytesPerSecondMax: ioMax >= 1e300 ? Number.POSITIVE_INFINITY : ioMax,
  }
}

/** A log the cleaner may consider, with the data directory holding it. */
export interface CleanableLog {
  readonly log: PartitionLog
  readonly logDir: string
}

export interface LogCleanerOptions {
  readonly scheduler: Scheduler
  readonly logger: Logger
  readonly logs: () => Iterable<CleanableLog>
  readonly config: () => LogCleanerConfig
  /** Tests: stop a swap between its steps. */
  readonly swapHooks?: SwapHooks
}

/** What one log's dirty section looks like (Kafka's LogToClean). */
export interface LogToClean {
  readonly entry: CleanableLog
  readonly firstDirtyOffset: number
  readonly firstUncleanableOffset: number
  readonly cleanBytes: number
  readonly cleanableBytes: number
  readonly cleanableRatio: number
  /** max.compaction.lag.ms passed for the oldest dirty record. */
  readonly needCompactionNow: boolean
}

export interface CleanRound {
  readonly topic: string
  readonly partition: number
  readonly firstDirtyOffset: number
  /** The next round's first dirty offset (the end of the mapped range). */
  readonly endOffset: number
  readonly groups: number
  /** False when a swap found its segments gone (retention, truncation): nothing was checkpointed. */
  readonly completed: boolean
  readonly stats: CleanStats
  readonly durationMs: number
}

/**
 * The log cleaner (Kafka's LogCleaner + LogCleanerManager): every log.cleaner.backoff.ms it picks the
 * compacted log with the largest dirty ratio above min.cleanable.dirty.ratio (or past
 * max.compaction.lag.ms, or holding tombstones whose delete horizon passed) and cleans it in a worker
 * thread (segment-cleaner.ts); cleaned groups are swapped in on the event loop by
 * PartitionLog.replaceSegments. The first dirty offset of each log is kept in each data directory's
 * `cleaner-offset-checkpoint`. The active segment, segments at or above the high watermark and segments
 * younger than min.compaction.lag.ms are never cleaned.
 *
 * Single-threaded (event loop) apart from the worker threads, which only read segment files and write
 * `.cleaned` files.
 */
export class LogCleaner {
  readonly #o: LogCleanerOptions
  readonly #log: Logger
  readonly #threads: CleanerThread[] = []
  readonly #firstDirty = new Map<string, number>()
  readonly #latestDeleteHorizonMs = new Map<string, number>()
  readonly #uncleanable = new Set<string>()
  readonly #inProgress = new Set<string>()
  readonly #checkpointFiles = new Map<string, CheckpointFile<TopicPartitionOffset>>()
  readonly #background = new BackgroundTasks()
  /** Data directories whose checkpoint this cleaner owns (a directory left without logs gets an empty one). */
  readonly #logDirs = new Set<string>()
  #timer: Timer | null = null
  #timerPeriodMs = 0
  #shutdown = false
  /** The most recent rounds, newest last (bounded). */
  readonly recentRounds: CleanRound[] = []

  constructor(o: LogCleanerOptions) {
    this.#o = o
    this.#log = o.logger.child({ component: 'log-cleaner' })
  }

  /** Start-up: reads each data directory's cleaner-offset-checkpoint (synchronous file calls). */
  loadCheckpointsSync(logDirs: readonly string[]): void {
    for (const dir of logDirs) {
      this.#logDirs.add(dir)
      try {
        for (const e of this.#checkpointFile(dir).readSync())
          this.#firstDirty.set(topicPartitionKey(e.topic, e.partition), e.offset)
      } catch (err) {
        this.#log.warn({ logDir: dir, err }, 'unreadable cleaner-offset-checkpoint; cleaning from the log start')
      }
    }
  }

  /** Starts the periodic cleaning task (every log.cleaner.backoff.ms). */
  startup(): void {
    this.#reschedule()
  }

  #reschedule(): void {
    const period = this.#o.config().backoffMs
    if (this.#timer !== null && period === this.#timerPeriodMs) return
    this.#timer?.cancel()
    this.#timerPeriodMs = period
    this.#timer = this.#o.scheduler.schedulePeriodic(period, () => this.#tick())
  }

  /** Cleaner worker threads started and not stopped (log.cleaner.threads at most). */
  get threadCount(): number {
    return this.#threads.length
  }

  #tick(): void {
    if (this.#shutdown) return
    this.#reschedule()
    const config = this.#o.config()
    this.#stopIdleThreadsBeyond(config.enable ? config.threads : 0)
    if (!config.enable) return
    const free = config.threads - this.#inProgress.size
    for (let i = 0; i < free; i++) {
      this.#background.run(this.#cleanRounds(), (err) => this.#log.error({ err }, 'log cleaner round failed'))
    }
  }

  async #cleanRounds(): Promise<void> {
    for (let i = 0; i < ROUNDS_PER_TICK_MAX && !this.#shutdown; i++) {
      if ((await this.cleanOnce()) === null) return
    }
  }

  /** The first dirty offset checkpointed for a log, if any. */
  firstDirtyOffset(topic: string, partition: number): number | undefined {
    return this.#firstDirty.get(topicPartitionKey(topic, partition))
  }

  /** Forgets a deleted log (its checkpoint entry and state). */
  forget(topic: string, partition: number): void {
    const key = topicPartitionKey(topic, partition)
    this.#firstDirty.delete(key)
    this.#latestDeleteHorizonMs.delete(key)
    this.#uncleanable.delete(key)
  }

  /**
   * One cleaning round: picks the filthiest cleanable log not being cleaned already and cleans it.
   * Resolves with the round, or null when no log needs cleaning or no cleaner thread is free.
   */
  async cleanOnce(): Promise<CleanRound | null> {
    // Rounds started together measure the logs at the same time and may pick the same one: the ones
    // that lose look again (the taken log is then skipped), so log.cleaner.threads logs are cleaned at once.
    for (let attempt = 0; attempt <= this.#o.config().threads; attempt++) {
      if (this.#shutdown || this.#inProgress.size >= this.#o.config().threads) return null
      const nowMs = this.#o.scheduler.clock.nowMs()
      const candidate = await this.#grabFilthiestLog(nowMs)
      if (candidate === null) return null
      const { log } = candidate.entry
      if (this.#inProgress.has(topicPartitionKey(log.topic, log.partition))) continue
      if (this.#shutdown || this.#inProgress.size >= this.#o.config().threads) return null
      return this.#clean(candidate, nowMs)
    }
    return null
  }

  /** Kafka's grabFilthiestCompactedLog. */
  async #grabFilthiestLog(nowMs: number): Promise<LogToClean | null> {
    const dirty: LogToClean[] = []
    for (const entry of this.#o.logs()) {
      const { log } = entry
      const key = topicPartitionKey(log.topic, log.partition)
      if (!log.config.cleanupPolicyCompact || log.isOffline || this.#uncleanable.has(key)) continue
      if (this.#inProgress.has(key)) continue
      dirty.push(await this.logToClean(entry, nowMs))
    }
    let best: LogToClean | null = null
    for (const ltc of dirty) {
      const cleanable =
        (ltc.needCompactionNow && ltc.cleanableBytes > 0) ||
        ltc.cleanableRatio > ltc.entry.log.config.minCleanableDirtyRatio
      if (cleanable && (best === null || ltc.cleanableRatio > best.cleanableRatio)) best = ltc
    }
    if (best !== null) return best
    // Nothing dirty enough: a log whose tombstones may now be removed.
    for (const ltc of dirty) {
      const { log } = ltc.entry
      const horizon = this.#latestDeleteHorizonMs.get(topicPartitionKey(log.topic, log.partition)) ?? -1
      if (horizon >= 0 && horizon <= nowMs) return ltc
    }
    return null
  }

  /** Kafka's cleanableOffsets + LogToClean: the dirty section of one log and its ratio. */
  async logToClean(entry: CleanableLog, nowMs: number): Promise<LogToClean> {
    const { log } = entry
    const config = log.config
    const key = topicPartitionKey(log.topic, log.partition)
    const logStart = log.logStartOffset
    let firstDirty = this.#firstDirty.get(key) ?? logStart
    if (firstDirty > log.logEndOffset) {
      this.#log.warn(
        { topic: log.topic, partition: log.partition, firstDirty, logEndOffset: log.logEndOffset },
        'resetting a cleaner checkpoint beyond the log end',
      )
      firstDirty = logStart
    }
    if (firstDirty < logStart) firstDirty = logStart
    const inactive = log.inactiveSegments()
    const nextOf = (i: number): number => inactive[i + 1]?.baseOffset ?? log.activeSegmentBaseOffset
    let firstUncleanable = log.activeSegmentBaseOffset
    let earliestDirtyBatchMs = Number.POSITIVE_INFINITY
    for (let i = 0; i < inactive.length; i++) {
      const s = inactive[i]!
      if (nextOf(i) <= firstDirty) continue
      const ts = await s.loadFirstBatchTimestamp()
      if (ts > 0 && ts < earliestDirtyBatchMs) earliestDirtyBatchMs = ts
      if (s.baseOffset >= firstUncleanable) continue
      const tooYoung = config.minCompactionLagMs > 0 && s.largestTimestamp > nowMs - config.minCompactionLagMs
      // Kafka: nothing at or above the last stable offset (an open transaction) is cleaned.
      if (nextOf(i) > log.lastStableOffset || tooYoung) firstUncleanable = s.baseOffset
    }
    firstUncleanable = Math.max(firstUncleanable, firstDirty)
    let cleanBytes = 0
    let cleanableBytes = 0
    for (let i = 0; i < inactive.length; i++) {
      const s = inactive[i]!
      if (s.baseOffset < firstDirty && nextOf(i) > logStart) cleanBytes += s.size
      if (s.baseOffset < firstUncleanable && nextOf(i) > firstDirty) cleanableBytes += s.size
    }
    const total = cleanBytes + cleanableBytes
    return {
      entry,
      firstDirtyOffset: firstDirty,
      firstUncleanableOffset: firstUncleanable,
      cleanBytes,
      cleanableBytes,
      cleanableRatio: total > 0 ? cleanableBytes / total : 0,
      needCompactionNow: earliestDirtyBatchMs < nowMs - Math.max(0, config.maxCompactionLagMs),
    }
  }

  /** After log.cleaner.threads went down: stops the idle worker threads above the new count. */
  #stopIdleThreadsBeyond(threadsMax: number): void {
    while (this.#threads.length > threadsMax) {
      const i = this.#threads.findIndex((t) => !t.isRunning)
      if (i < 0) return
      const [idle] = this.#threads.splice(i, 1)
      this.#background.run(idle!.terminate(), (err) => this.#log.warn({ err }, 'stopping a cleaner thread failed'))
    }
  }

  #freeThread(): CleanerThread {
    for (const t of this.#threads) if (!t.isRunning) return t
    const t = new CleanerThread()
    this.#threads.push(t)
    return t
  }

  async #clean(ltc: LogToClean, nowMs: number): Promise<CleanRound> {
    const { log, logDir } = ltc.entry
    const key = topicPartitionKey(log.topic, log.partition)
    const startedMs = performance.now()
    this.#inProgress.add(key)
    try {
      const segments = this.#segmentsToClean(log, ltc.firstUncleanableOffset)
      const job = this.#job(log, segments, ltc, nowMs)
      this.#log.info(
        {
          topic: log.topic,
          partition: log.partition,
          firstDirtyOffset: ltc.firstDirtyOffset,
          firstUncleanableOffset: ltc.firstUncleanableOffset,
          dirtyRatio: Number(ltc.cleanableRatio.toFixed(3)),
          segments: segments.length,
        },
        'cleaning log',
      )
      const outcome = await this.#runJob(log, job, new Map(segments.map((s) => [s.baseOffset, s])))
      const round: CleanRound = {
        topic: log.topic,
        partition: log.partition,
        firstDirtyOffset: ltc.firstDirtyOffset,
        endOffset: outcome.endOffset,
        groups: outcome.groups,
        completed: outcome.completed,
        stats: outcome.stats,
        durationMs: performance.now() - startedMs,
      }
      if (outcome.completed) {
        this.#firstDirty.set(key, outcome.endOffset)
        this.#latestDeleteHorizonMs.set(key, outcome.latestDeleteHorizonMs)
        await this.checkpoint(logDir)
      }
      this.#log.info({ ...round, stats: undefined, ...round.stats }, 'cleaned log')
      this.recentRounds.push(round)
      if (this.recentRounds.length > 16) this.recentRounds.shift()
      return round
    } catch (err) {
      if (!(err instanceof SamsaError && err.code === SamsaErrorCode.StorageClosed)) {
        this.#uncleanable.add(key)
        this.#log.error({ err, topic: log.topic, partition: log.partition }, 'cleaning failed; log marked uncleanable')
      }
      throw err
    } finally {
      this.#inProgress.delete(key)
    }
  }

  #segmentsToClean(log: PartitionLog, firstUncleanable: number): Segment[] {
    return log.inactiveSegments().filter((s) => s.baseOffset < firstUncleanable)
  }

  #job(log: PartitionLog, segments: readonly Segment[], ltc: LogToClean, nowMs: number): CleanJob {
    const config = log.config
    const cleaner = this.#o.config()
    const nextOf = (i: number): number => segments[i + 1]?.baseOffset ?? ltc.firstUncleanableOffset
    return {
      dir: log.dir,
      segments: segments.map((s, i) => ({
        baseOffset: s.baseOffset,
        path: s.logPath,
        sizeBytes: s.size,
        nextOffset: nextOf(i),
      })),
      logStartOffset: log.logStartOffset,
      firstDirtyOffset: ltc.firstDirtyOffset,
      firstUncleanableOffset: ltc.firstUncleanableOffset,
      nowMs,
      deleteRetentionMs: config.deleteRetentionMs,
      segmentBytesMax: config.segmentBytes,
      segmentIndexBytes: config.segmentIndexBytes,
      indexIntervalBytes: config.indexIntervalBytes,
      dedupeBufferBytes: Math.floor(cleaner.dedupeBufferBytes / Math.max(1, cleaner.threads)),
      loadFactor: cleaner.loadFactor,
      ioBufferBytes: cleaner.ioBufferBytes,
      ioBytesPerSecondMax: cleaner.ioBytesPerSecondMax / Math.max(1, cleaner.threads),
      decompressedBytesMax: DECOMPRESSED_BYTES_MAX,
      abortedTransactions: log.producerState.txnIndexes
        .allAbortedTxns()
        .filter((t) => t.lastOffset >= log.logStartOffset && t.firstOffset < ltc.firstUncleanableOffset),
      activeProducers: log.activeProducers().map((p) => ({
        producerId: p.producerId,
        lastDataOffset: lastDataOffsetOf(p),
        producerEpoch: p.producerEpoch,
      })),
    }
  }

  /** Runs the job on a worker thread and swaps each cleaned group in as it arrives, in order. */
  async #runJob(
    log: PartitionLog,
    job: CleanJob,
    byBase: ReadonlyMap<number, Segment>,
  ): Promise<{
    endOffset: number
    groups: number
    completed: boolean
    stats: CleanStats
    latestDeleteHorizonMs: number
  }> {
    let completed = true
    let latestDeleteHorizonMs = -1
    let swaps: Promise<void> = Promise.resolve()
    let swapError: unknown = null
    const onGroup = (group: CleanedGroup): void => {
      swaps = swaps.then(async () => {
        if (swapError !== null || !completed) return removeCleanedFiles(job.dir, group.baseOffset)
        try {
          const replaced = group.replacedBaseOffsets.map((b) => byBase.get(b)!)
          if (await log.replaceSegments(group, replaced, this.#o.swapHooks)) {
            latestDeleteHorizonMs = Math.max(latestDeleteHorizonMs, group.latestDeleteHorizonMs)
          } else {
            completed = false
            await removeCleanedFiles(job.dir, group.baseOffset)
          }
        } catch (err) {
          swapError = err
        }
      })
    }
    let summary: Awaited<ReturnType<CleanerThread['run']>>
    try {
      summary = await this.#freeThread().run(job, onGroup)
    } finally {
      await swaps
    }
    if (swapError !== null) throw swapError
    return {
      endOffset: summary.endOffset,
      groups: summary.groups,
      completed,
      stats: summary.stats,
      latestDeleteHorizonMs,
    }
  }

  #checkpointFile(dir: string): CheckpointFile<TopicPartitionOffset> {
    let file = this.#checkpointFiles.get(dir)
    if (file === undefined) {
      file = offsetCheckpointFile(join(dir, CLEANER_OFFSET_CHECKPOINT_FILE))
      this.#checkpointFiles.set(dir, file)
    }
    return file
  }

  /** Writes the cleaner-offset-checkpoint of `dir` (every dir when absent) for the logs it holds now. */
  async checkpoint(dir?: string): Promise<void> {
    const perDir = new Map<string, TopicPartitionOffset[]>()
    for (const { log, logDir } of this.#o.logs()) {
      if (dir !== undefined && logDir !== dir) continue
      const offset = this.#firstDirty.get(topicPartitionKey(log.topic, log.partition))
      if (offset === undefined) continue
      const entries = perDir.get(logDir) ?? []
      entries.push({ topic: log.topic, partition: log.partition, offset })
      perDir.set(logDir, entries)
    }
    for (const d of dir === undefined ? this.#logDirs : [dir]) if (!perDir.has(d)) perDir.set(d, [])
    await Promise.all([...perDir].map(([d, entries]) => this.#checkpointFile(d).write(entries)))
  }

  /** Resolves when the rounds started by the timer have finished. */
  whenIdle(): Promise<void> {
    return this.#background.idle()
  }

  /** Stops the timer and the cleaner threads (a round in progress is abandoned), then checkpoints. */
  async shutdown(): Promise<void> {
    if (this.#shutdown) return
    this.#shutdown = true
    this.#timer?.cancel()
    this.#timer = null
    await Promise.all(this.#threads.map((t) => t.terminate()))
    await this.#background.idle()
    await this.checkpoint().catch((err: unknown) => this.#log.warn({ err }, 'cleaner checkpoint at shutdown failed'))
  }
}

/** Removes the `.cleaned` files of a group that will not be swapped in. */
async function removeCleanedFiles(dir: string, baseOffset: number): Promise<void> {
  await Promise.all(
    [logFilePath(dir, baseOffset), offsetIndexFilePath(dir, baseOffset), timeIndexFilePath(dir, baseOffset)].map((p) =>
      rm(p + CLEANED_FILE_SUFFIX, { force: true }),
    ),
  )
}
