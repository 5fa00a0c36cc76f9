import { mkdir, open, readFile, rename } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from '../common/log.ts'
import type { Scheduler } from '../common/scheduler.ts'
import { decodeRecordBatches, encodeRecordBatch } from '../protocol/records/records.ts'
import type { LogConfig } from '../storage/log-config.ts'
import { PartitionLog } from '../storage/partition-log.ts'
import type { CommittedBatch, RaftClient, RaftListener } from './raft-client.ts'

export const METADATA_TOPIC = '__cluster_metadata'
export const METADATA_PARTITION = 0
/** Largest chunk read from the log while replaying it. */
const REPLAY_READ_BYTES_MAX = 8 * 1024 * 1024

export interface LocalRaftOptions {
  nodeId: number
  /** metadata.log.dir; the log lives in `<dir>/__cluster_metadata-0`. */
  metadataLogDir: string
  logConfig: LogConfig
  scheduler: Scheduler
  logger: Logger
}

interface QuorumStateFile {
  clusterId: string
  leaderId: number
  leaderEpoch: number
  votedId: number
  appliedOffset: number
  currentVoters: { voterId: number }[]
  data_version: number
}

/**
 * The one-voter case of KRaft: this node is the only voter, so it is always the leader and a record is
 * committed once it is durably in its own log (fsync before acknowledging, as KRaft does for the
 * metadata log). Each start begins a new epoch, recorded in `quorum-state` (Kafka's JSON file), and
 * replays the whole log to the listeners, which rebuild their state from it.
 *
 * Appends are serialised: one batch is written, flushed and delivered before the next starts, so
 * listeners see batches strictly in offset order.
 */
export class LocalRaftClient implements RaftClient {
  readonly nodeId: number
  readonly #o: LocalRaftOptions
  readonly #listeners: RaftListener[] = []
  readonly #log: Logger
  #partitionLog: PartitionLog | null = null
  #epoch = 0
  #tail: Promise<unknown> = Promise.resolve()
  #closed = false

  constructor(o: LocalRaftOptions) {
    this.nodeId = o.nodeId
    this.#o = o
    this.#log = o.logger.child({ component: 'raft' })
  }

  get leaderId(): number {
    return this.#partitionLog === null ? -1 : this.nodeId
  }

  get epoch(): number {
    return this.#epoch
  }

  register(listener: RaftListener): void {
    this.#listeners.push(listener)
  }

  get #dir(): string {
    return join(this.#o.metadataLogDir, `${METADATA_TOPIC}-${METADATA_PARTITION}`)
  }

  async start(): Promise<void> {
    await mkdir(this.#dir, { recursive: true })
    const previous = await this.#readQuorumState()
    this.#epoch = (previous?.leaderEpoch ?? 0) + 1
    await this.#writeQuorumState()
    const log = await PartitionLog.open(this.#dir, METADATA_TOPIC, METADATA_PARTITION, this.#o.logConfig, {
      scheduler: this.#o.scheduler,
      logger: this.#o.logger,
    })
    this.#partitionLog = log
    const replayed = await this.#replay(log)
    log.setHighWatermark(log.logEndOffset)
    this.#log.info(
      { epoch: this.#epoch, batches: replayed, logEndOffset: log.logEndOffset },
      'metadata quorum of one started; this node leads',
    )
    for (const l of this.#listeners) l.handleLeaderChange?.(this.nodeId, this.#epoch)
  }

  async #replay(log: PartitionLog): Promise<number> {
    let offset = log.logStartOffset
    let batches = 0
    while (offset < log.logEndOffset) {
      const { records } = await log.read(offset, REPLAY_READ_BYTES_MAX, log.logEndOffset, true)
      if (records.length === 0) break
      for (const batch of decodeRecordBatches(records)) {
        const last = batch.baseOffset + batch.lastOffsetDelta
        if (last < offset) continue
        if (!batch.isControl) {
          await this.#deliver({
            baseOffset: batch.baseOffset,
            lastOffset: last,
            epoch: batch.partitionLeaderEpoch,
            appendTimestampMs: batch.maxTimestamp,
            records: batch.records.map((r) => r.value ?? Buffer.alloc(0)),
          })
          batches++
        }
        offset = last + 1
      }
    }
    return batches
  }

  async #deliver(batch: CommittedBatch): Promise<void> {
    for (const l of this.#listeners) await l.handleCommit(batch)
  }

  append(records: readonly Buffer[]): Promise<number> {
    const run = async (): Promise<number> => {
      const log = this.#partitionLog
      if (log === null || this.#closed) throw new Error('metadata quorum is not running')
      const now = this.#o.scheduler.clock.nowMs()
      const batch = encodeRecordBatch({
        partitionLeaderEpoch: this.#epoch,
        records: records.map((value) => ({ key: null, value, timestamp: now })),
      })
      const info = await log.appendAsLeader(batch, this.#epoch)
      await log.flush()
      log.setHighWatermark(log.logEndOffset)
      await this.#deliver({
        baseOffset: info.firstOffset,
        lastOffset: info.lastOffset,
        epoch: this.#epoch,
        appendTimestampMs: now,
        records,
      })
      return info.lastOffset
    }
    const result = this.#tail.then(run, run)
    this.#tail = result.catch(() => undefined)
    return result
  }

  async shutdown(): Promise<void> {
    this.#closed = true
    await this.#tail
    await this.#partitionLog?.close()
    this.#partitionLog = null
  }

  async #readQuorumState(): Promise<QuorumStateFile | null> {
    try {
      return JSON.parse(await readFile(join(this.#dir, 'quorum-state'), 'utf8')) as QuorumStateFile
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw err
    }
  }

  /** Written atomically (temp file, fsync, rename) like Kafka's FileQuorumStateStore. */
  async #writeQuorumState(): Promise<void> {
    const state: QuorumStateFile = {
      clusterId: '',
      leaderId: this.nodeId,
      leaderEpoch: this.#epoch,
      votedId: this.nodeId,
      appliedOffset: 0,
      currentVoters: [{ voterId: this.nodeId }],
      data_version: 0,
    }
    const path = join(this.#dir, 'quorum-state')
    const tmp = `${path}.tmp`
    const fh = await open(tmp, 'w')
    try {
      await fh.writeFile(JSON.stringify(state))
      await fh.sync()
    } finally {
      await fh.close()
    }
    await rename(tmp, path)
  }
}
