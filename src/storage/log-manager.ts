import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import { join } from 'node:path'
import type { Logger } from '../common/log.ts'
import type { Scheduler, Timer } from '../common/scheduler.ts'
import { BackgroundTasks } from './background-tasks.ts'
import type { Decompress } from './batch-records.ts'
import { type CheckpointFile, offsetCheckpointFile, type TopicPartitionOffset } from './checkpoint-file.ts'
import { LogCleaner, type LogCleanerConfig, logCleanerConfigFrom } from './cleaner/log-cleaner.ts'
import { writeFileAtomic } from './file-io.ts'
import type { LogConfig } from './log-config.ts'
import {
  CLEAN_SHUTDOWN_FILE,
  CLUSTER_METADATA_TOPIC,
  DELETE_DIR_SUFFIX,
  LOG_START_OFFSET_CHECKPOINT_FILE,
  parsePartitionDirName,
  partitionDirName,
  RECOVERY_POINT_CHECKPOINT_FILE,
  REPLICATION_OFFSET_CHECKPOINT_FILE,
  topicPartitionKey,
} from './log-file-names.ts'
import { PartitionLog, type SwapHooks } from './partition-log.ts'
import { writePartitionMetadata } from './partition-metadata-file.ts'

export interface LogManagerOptions {
  readonly logDirs: readonly string[]
  /** The effective LogConfig of a topic (its overrides over the broker's defaults). */
  readonly configFor: (topic: string) => LogConfig
  readonly scheduler: Scheduler
  readonly logger: Logger
  /**
   * Broker properties read for the intervals below when they are not given explicitly:
   * log.retention.check.interval.ms, log.flush.offset.checkpoint.interval.ms,
   * log.flush.start.offset.checkpoint.interval.ms, replica.high.watermark.checkpoint.interval.ms,
   * log.initial.task.delay.ms, log.segment.delete.delay.ms.
   */
  readonly brokerConfig?: Readonly<Record<string, string>>
  readonly retentionCheckIntervalMs?: number
  readonly recoveryPointCheckpointIntervalMs?: number
  readonly logStartOffsetCheckpointIntervalMs?: number
  readonly highWatermarkCheckpointIntervalMs?: number
  readonly initialTaskDelayMs?: number
  /** Delay before a deleted partition directory (and leftovers found at start-up) is removed. */
  readonly fileDeleteDelayMs?: number
  readonly decompress?: Decompress
  /** Called when a log in `logDir` fails with an I/O error (Kafka's LogDirFailureChannel). */
  readonly onLogDirFailure?: (logDir: string, error: Error) => void
  /** The log.cleaner.* settings, read at each use (dynamic broker configs); from `brokerConfig` when absent. */
  readonly cleanerConfig?: () => LogCleanerConfig
  /** Tests: stop the cleaner's swaps between steps. */
  readonly swapHooks?: SwapHooks
  /** producer.id.expiration.ms: idle producer ids are forgotten after this (default one day). */
  readonly producerIdExpirationMs?: number
  /** producer.id.expiration.check.interval.ms (default ten minutes). */
  readonly producerIdExpirationCheckIntervalMs?: number
}

interface Intervals {
  retentionCheckMs: number
  recoveryPointCheckpointMs: number
  logStartOffsetCheckpointMs: number
  highWatermarkCheckpointMs: number
  initialTaskDelayMs: number
  fileDeleteDelayMs: number
  producerIdExpirationMs: number
  producerIdExpirationCheckMs: number
}

function intervalFrom(
  explicit: number | undefined,
  props: Readonly<Record<string, string>>,
  key: string,
  fallback: number,
): number {
  if (explicit !== undefined) return explicit
  const v = props[key]
  if (v === undefined) return fallback
  const n = Number(v)
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`Invalid value ${v} for configuration ${key}`)
  return n
}

/**
 * The broker's logs across its data directories (Kafka's LogManager): loads every partition directory at
 * start-up (recovering from the checkpoints, trusting the files after a clean shutdown), creates and
 * deletes logs, and runs the periodic tasks through the Scheduler: retention, recovery-point,
 * log-start-offset and high-watermark checkpoints. `shutdown()` flushes, checkpoints, closes and leaves the
 * clean-shutdown marker. `__cluster_metadata-0` is not managed here (the metadata layer opens it).
 *
 * Invariants: one PartitionLog per topic partition across all dirs; the clean-shutdown marker exists only
 * while the broker is stopped. Single-threaded (event loop).
 */
export class LogManager {
  readonly logDirs: readonly string[]
  #o: LogManagerOptions
  #log: Logger
  #intervals: Intervals
  #logs = new Map<string, PartitionLog>()
  #logDirOf = new Map<string, string>()
  #creating = new Map<string, Promise<PartitionLog>>()
  #offlineDirs = new Set<string>()
  #hadCleanShutdown: boolean
  #timers: Timer[] = []
  #background = new BackgroundTasks()
  #running = new Set<string>()
  /** One instance per file, so writes to the same checkpoint are serialised. */
  #checkpointFiles = new Map<string, CheckpointFile<TopicPartitionOffset>>()
  #shutdown = false
  readonly #cleaner: LogCleaner

  private constructor(opts: LogManagerOptions, intervals: Intervals, hadCleanShutdown: boolean) {
    this.logDirs = [...opts.logDirs]
    this.#o = opts
    this.#log = opts.logger.child({ component: 'log-manager' })
    this.#intervals = intervals
    this.#hadCleanShutdown = hadCleanShutdown
    const staticCleanerConfig = logCleanerConfigFrom(opts.brokerConfig ?? {})
    this.#cleaner = new LogCleaner({
      scheduler: opts.scheduler,
      logger: opts.logger,
      logs: () => this.#cleanableLogs(),
      config: opts.cleanerConfig ?? (() => staticCleanerConfig),
      ...(opts.swapHooks === undefined ? {} : { swapHooks: opts.swapHooks }),
    })
  }

  *#cleanableLogs(): Iterable<{ log: PartitionLog; logDir: string }> {
    for (const [key, log] of this.#logs) {
      const logDir = this.#logDirOf.get(key)
      if (logDir !== undefined && !this.#offlineDirs.has(logDir)) yield { log, logDir }
    }
  }

  /** The log cleaner (compaction of cleanup.policy=compact logs). */
  get cleaner(): LogCleaner {
    return this.#cleaner
  }

  /** Loads every log under `logDirs` (start-up: synchronous file calls allowed). */
  static async open(opts: LogManagerOptions): Promise<LogManager> {
    const props = opts.brokerConfig ?? {}
    const intervals: Intervals = {
      retentionCheckMs: intervalFrom(opts.retentionCheckIntervalMs, props, 'log.retention.check.interval.ms', 300_000),
      recoveryPointCheckpointMs: intervalFrom(
        opts.recoveryPointCheckpointIntervalMs,
        props,
        'log.flush.offset.checkpoint.interval.ms',
        60_000,
      ),
      logStartOffsetCheckpointMs: intervalFrom(
        opts.logStartOffsetCheckpointIntervalMs,
        props,
        'log.flush.start.offset.checkpoint.interval.ms',
        60_000,
      ),
      highWatermarkCheckpointMs: intervalFrom(
        opts.highWatermarkCheckpointIntervalMs,
        props,
        'replica.high.watermark.checkpoint.interval.ms',
        5_000,
      ),
      initialTaskDelayMs: intervalFrom(opts.initialTaskDelayMs, props, 'log.initial.task.delay.ms', 30_000),
      fileDeleteDelayMs: intervalFrom(opts.fileDeleteDelayMs, props, 'log.segment.delete.delay.ms', 60_000),
      producerIdExpirationMs: intervalFrom(opts.producerIdExpirationMs, props, 'producer.id.expiration.ms', 86_400_000),
      producerIdExpirationCheckMs: intervalFrom(
        opts.producerIdExpirationCheckIntervalMs,
        props,
        'producer.id.expiration.check.interval.ms',
        600_000,
      ),
    }
    const cleanDirs = opts.logDirs.map((d) => {
      fs.mkdirSync(d, { recursive: true })
      return fs.existsSync(join(d, CLEAN_SHUTDOWN_FILE))
    })
    const manager = new LogManager(
      opts,
      intervals,
      cleanDirs.every((c) => c),
    )
    for (const [i, dir] of opts.logDirs.entries()) await manager.#loadDir(dir, cleanDirs[i]!)
    manager.#cleaner.loadCheckpointsSync(opts.logDirs)
    return manager
  }

  async #loadDir(dir: string, hadCleanShutdown: boolean): Promise<void> {
    const recoveryPoints = this.#readCheckpointSync(dir, RECOVERY_POINT_CHECKPOINT_FILE)
    const logStartOffsets = this.#readCheckpointSync(dir, LOG_START_OFFSET_CHECKPOINT_FILE)
    const highWatermarks = this.#readCheckpointSync(dir, REPLICATION_OFFSET_CHECKPOINT_FILE)
    let loaded = 0
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue
      if (entry.name.endsWith(DELETE_DIR_SUFFIX)) {
        this.#removeDirLater(join(dir, entry.name))
        continue
      }
      const tp = parsePartitionDirName(entry.name)
      if (tp === null || tp.topic === CLUSTER_METADATA_TOPIC) continue
      const key = topicPartitionKey(tp.topic, tp.partition)
      const previous = this.#logDirOf.get(key)
      if (previous !== undefined) throw new Error(`Duplicate log directories for ${key} in ${previous} and ${dir}`)
      let log: PartitionLog
      try {
        log = await PartitionLog.open(join(dir, entry.name), tp.topic, tp.partition, this.#o.configFor(tp.topic), {
          scheduler: this.#o.scheduler,
          logger: this.#o.logger,
          hadCleanShutdown,
          recoveryPoint: recoveryPoints.get(key) ?? 0,
          logStartOffset: logStartOffsets.get(key) ?? 0,
          highWatermark: highWatermarks.get(key) ?? 0,
          producerIdExpirationMs: this.#intervals.producerIdExpirationMs,
          ...this.#logOptions(dir),
        })
      } catch (err) {
        throw new Error(`Failed to load log ${join(dir, entry.name)}: ${(err as Error).message}`, { cause: err })
      }
      this.#logs.set(key, log)
      this.#logDirOf.set(key, dir)
      loaded++
    }
    // The marker is valid for one start only: a crash from here on must trigger recovery.
    fs.rmSync(join(dir, CLEAN_SHUTDOWN_FILE), { force: true })
    this.#log.info({ logDir: dir, logs: loaded, hadCleanShutdown }, 'loaded logs')
  }

  #logOptions(dir: string): { decompress?: Decompress; onFailure: (error: Error) => void } {
    const onFailure = (error: Error): void => {
      if (!this.#offlineDirs.has(dir)) {
        this.#offlineDirs.add(dir)
        this.#log.error({ logDir: dir, err: error }, 'log directory failed')
      }
      this.#o.onLogDirFailure?.(dir, error)
    }
    return this.#o.decompress === undefined ? { onFailure } : { decompress: this.#o.decompress, onFailure }
  }

  #readCheckpointSync(dir: string, name: string): Map<string, number> {
    const out = new Map<string, number>()
    try {
      for (const e of offsetCheckpointFile(join(dir, name)).readSync())
        out.set(topicPartitionKey(e.topic, e.partition), e.offset)
    } catch (err) {
      this.#log.warn({ logDir: dir, file: name, err }, 'unreadable checkpoint file; resetting it')
      out.clear()
    }
    return out
  }

  /** True when every log dir had the clean-shutdown marker at start-up. */
  get hadCleanShutdown(): boolean {
    return this.#hadCleanShutdown
  }

  get offlineLogDirs(): ReadonlySet<string> {
    return this.#offlineDirs
  }

  getLog(topic: string, partition: number): PartitionLog | undefined {
    return this.#logs.get(topicPartitionKey(topic, partition))
  }

  allLogs(): PartitionLog[] {
    return [...this.#logs.values()]
  }

  /** The data directory holding a partition's log. */
  logDirOf(topic: string, partition: number): string | undefined {
    return this.#logDirOf.get(topicPartitionKey(topic, partition))
  }

  /** Applies a changed topic config to every open partition of the topic. */
  updateConfig(topic: string, config: LogConfig): void {
    for (const log of this.#logs.values()) if (log.topic === topic) log.updateConfig(config)
  }

  /**
   * Creates the partition directory with `partition.metadata` and opens the log; returns the existing log
   * when it is already open with the same topic id. A log left by an older topic of the same name (another
   * id) is deleted first. New logs go to the live dir holding the fewest.
   */
  createLog(topic: string, partition: number, topicId: string, config: LogConfig): Promise<PartitionLog> {
    const key = topicPartitionKey(topic, partition)
    const inFlight = this.#creating.get(key)
    if (inFlight !== undefined) return inFlight
    const creation = this.#createLog(topic, partition, topicId, config).finally(() => this.#creating.delete(key))
    this.#creating.set(key, creation)
    return creation
  }

  async #createLog(topic: string, partition: number, topicId: string, config: LogConfig): Promise<PartitionLog> {
    const key = topicPartitionKey(topic, partition)
    const existing = this.#logs.get(key)
    if (existing !== undefined) {
      if (existing.topicId === null) await existing.setTopicId(topicId)
      if (existing.topicId === topicId) {
        existing.updateConfig(config)
        return existing
      }
      this.#log.warn(
        { topic, partition, staleTopicId: existing.topicId, topicId },
        'deleting log of a previous topic with the same name',
      )
      await this.deleteLog(topic, partition)
    }
    const logDir = this.#nextLogDir()
    const dir = join(logDir, partitionDirName(topic, partition))
    await fs.promises.mkdir(dir, { recursive: true })
    await writePartitionMetadata(dir, topicId)
    const log = PartitionLog.createEmpty(dir, topic, partition, topicId, config, {
      scheduler: this.#o.scheduler,
      logger: this.#o.logger,
      ...this.#logOptions(logDir),
    })
    this.#logs.set(key, log)
    this.#logDirOf.set(key, logDir)
    this.#log.info({ topic, partition, logDir, topicId }, 'created log')
    return log
  }

  /** Kafka's nextLogDirs: the live directory with the fewest partitions. */
  #nextLogDir(): string {
    const counts = new Map<string, number>()
    for (const d of this.logDirs) if (!this.#offlineDirs.has(d)) counts.set(d, 0)
    if (counts.size === 0) throw new Error('no live log directory to create a log in')
    for (const d of this.#logDirOf.values()) if (counts.has(d)) counts.set(d, counts.get(d)! + 1)
    let best: string | null = null
    for (const [d, n] of counts) if (best === null || n < counts.get(best)!) best = d
    return best!
  }

  /**
   * Closes the log and renames its directory to `<topic>-<partition>.<uuid>-delete`; the directory is
   * removed after the file delete delay. No-op when the log is not open.
   */
  async deleteLog(topic: string, partition: number): Promise<void> {
    const key = topicPartitionKey(topic, partition)
    const log = this.#logs.get(key)
    const logDir = this.#logDirOf.get(key)
    if (log === undefined || logDir === undefined) return
    this.#logs.delete(key)
    this.#logDirOf.delete(key)
    this.#cleaner.forget(topic, partition)
    await log.close()
    const renamed = join(
      logDir,
      `${partitionDirName(topic, partition)}.${randomUUID().replaceAll('-', '')}${DELETE_DIR_SUFFIX}`,
    )
    await fs.promises.rename(log.dir, renamed)
    this.#log.info({ topic, partition, dir: renamed }, 'log renamed for deletion')
    this.#removeDirLater(renamed, log.config.fileDeleteDelayMs)
  }

  #removeDirLater(path: string, delayMs = this.#intervals.fileDeleteDelayMs): void {
    const timer = this.#o.scheduler.schedule(delayMs, () => {
      this.#background.run(fs.promises.rm(path, { recursive: true, force: true }), (err) =>
        this.#log.warn({ err, dir: path }, 'failed to remove deleted log directory'),
      )
    })
    this.#timers.push(timer)
  }

  /** Starts the periodic tasks (Kafka's LogManager.startup). */
  startup(): void {
    const { scheduler } = this.#o
    const i = this.#intervals
    this.#timers.push(
      scheduler.schedulePeriodic(
        i.retentionCheckMs,
        () => this.#runTask('retention', () => this.cleanupLogs()),
        i.initialTaskDelayMs,
      ),
      scheduler.schedulePeriodic(
        i.recoveryPointCheckpointMs,
        () => this.#runTask('recovery-point-checkpoint', () => this.checkpointRecoveryPoints()),
        i.initialTaskDelayMs,
      ),
      scheduler.schedulePeriodic(
        i.logStartOffsetCheckpointMs,
        () => this.#runTask('log-start-offset-checkpoint', () => this.checkpointLogStartOffsets()),
        i.initialTaskDelayMs,
      ),
      scheduler.schedulePeriodic(i.highWatermarkCheckpointMs, () =>
        this.#runTask('high-watermark-checkpoint', () => this.checkpointHighWatermarks()),
      ),
      scheduler.schedulePeriodic(i.producerIdExpirationCheckMs, () =>
        this.#runTask('producer-id-expiration', async () => this.removeExpiredProducers()),
      ),
    )
    this.#cleaner.startup()
  }

  /** Runs a periodic task unless its previous run is still going. */
  #runTask(name: string, task: () => Promise<unknown>): void {
    if (this.#shutdown || this.#running.has(name)) return
    this.#running.add(name)
    this.#background.run(
      task().finally(() => this.#running.delete(name)),
      (err) => this.#log.error({ err, task: name }, 'periodic log task failed'),
    )
  }

  /** Forgets producer ids idle for producer.id.expiration.ms in every log; returns how many. */
  removeExpiredProducers(): number {
    const nowMs = this.#o.scheduler.clock.nowMs()
    let removed = 0
    for (const log of this.#logs.values())
      removed += log.removeExpiredProducers(nowMs, this.#intervals.producerIdExpirationMs)
    return removed
  }

  /** One retention pass over every log (Kafka's cleanupLogs). Returns the number of segments deleted. */
  async cleanupLogs(): Promise<number> {
    let deleted = 0
    for (const log of this.#logs.values()) {
      if (log.isOffline) continue
      try {
        deleted += await log.deleteOldSegments()
      } catch (err) {
        this.#log.error({ err, topic: log.topic, partition: log.partition }, 'retention failed for a log')
      }
    }
    if (deleted > 0) this.#log.info({ segments: deleted }, 'retention deleted log segments')
    return deleted
  }

  async #writeCheckpoint(name: string, value: (log: PartitionLog) => number): Promise<void> {
    const perDir = new Map<string, TopicPartitionOffset[]>()
    for (const d of this.logDirs) if (!this.#offlineDirs.has(d)) perDir.set(d, [])
    for (const [key, log] of this.#logs) {
      const entries = perDir.get(this.#logDirOf.get(key)!)
      if (entries !== undefined && !log.isOffline)
        entries.push({ topic: log.topic, partition: log.partition, offset: value(log) })
    }
    await Promise.all([...perDir].map(([dir, entries]) => this.#checkpointFile(dir, name).write(entries)))
  }

  #checkpointFile(dir: string, name: string): CheckpointFile<TopicPartitionOffset> {
    const path = join(dir, name)
    let file = this.#checkpointFiles.get(path)
    if (file === undefined) {
      file = offsetCheckpointFile(path)
      this.#checkpointFiles.set(path, file)
    }
    return file
  }

  checkpointRecoveryPoints(): Promise<void> {
    return this.#writeCheckpoint(RECOVERY_POINT_CHECKPOINT_FILE, (log) => log.recoveryPoint)
  }

  checkpointLogStartOffsets(): Promise<void> {
    return this.#writeCheckpoint(LOG_START_OFFSET_CHECKPOINT_FILE, (log) => log.logStartOffset)
  }

  checkpointHighWatermarks(): Promise<void> {
    return this.#writeCheckpoint(REPLICATION_OFFSET_CHECKPOINT_FILE, (log) => log.highWatermark)
  }

  /** Resolves when periodic tasks and deferred deletions that already started have finished. */
  async whenIdle(): Promise<void> {
    await this.#background.idle()
    for (const log of this.#logs.values()) await log.whenIdle()
    await this.#background.idle()
  }

  /**
   * Kafka's LogManager.shutdown: stops the periodic tasks, flushes every log, writes the checkpoints,
   * closes the logs, and writes `.kafka_cleanshutdown` in every dir whose logs all closed cleanly.
   */
  async shutdown(opts: { brokerEpoch?: number } = {}): Promise<void> {
    if (this.#shutdown) return
    this.#shutdown = true
    for (const t of this.#timers) t.cancel()
    this.#timers = []
    await this.#cleaner.shutdown()
    await this.#background.idle()
    const failedDirs = new Set(this.#offlineDirs)
    for (const [key, log] of this.#logs) {
      try {
        if (!log.isOffline) await log.flush()
      } catch (err) {
        failedDirs.add(this.#logDirOf.get(key)!)
        this.#log.error({ err, topic: log.topic, partition: log.partition }, 'flush at shutdown failed')
      }
    }
    await Promise.all([
      this.checkpointRecoveryPoints(),
      this.checkpointLogStartOffsets(),
      this.checkpointHighWatermarks(),
    ])
    for (const [key, log] of this.#logs) {
      if (log.isOffline) failedDirs.add(this.#logDirOf.get(key)!)
      await log.close()
    }
    const marker = JSON.stringify({ version: 0, brokerEpoch: opts.brokerEpoch ?? -1 })
    for (const dir of this.logDirs) {
      if (failedDirs.has(dir)) continue
      await writeFileAtomic(join(dir, CLEAN_SHUTDOWN_FILE), marker)
    }
    this.#logs.clear()
    this.#logDirOf.clear()
    this.#log.info('log manager shut down')
  }
}
