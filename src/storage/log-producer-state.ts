import fs from 'node:fs'
import type { Logger } from '../common/log.ts'
import { batchLastOffsetDelta, batchProducerId, batchSize } from '../protocol/records/record-batch.ts'
import {
  decodeProducerSnapshot,
  deleteProducerSnapshot,
  encodeProducerSnapshot,
  listSnapshotOffsetsSync,
  snapshotFilePath,
  writeProducerSnapshot,
} from './producer-snapshot-file.ts'
import {
  AppendOrigin,
  type DuplicateBatch,
  type ProducerAppendPlan,
  type ProducerStateEntry,
  ProducerStateManager,
  type VerificationGuard,
} from './producer-state.ts'
import type { Segment } from './segment.ts'
import { type AbortedTxn, TransactionIndexes } from './txn-index.ts'

/** The base offset of the segment that holds `offset` (the first segment's when it is below them all). */
function segmentBaseHolding(segments: readonly Segment[], offset: number): number {
  let base = segments[0]?.baseOffset ?? 0
  for (const s of segments) {
    if (s.baseOffset > offset) break
    base = s.baseOffset
  }
  return base
}

/** Bytes read per step when replaying the log into the producer state. */
const REPLAY_READ_BYTES = 8 * 1024 * 1024
/** Snapshot writes queued at most; a roll beyond this skips its snapshot (recovery replays a bit more). */
export const SNAPSHOT_WRITES_QUEUED_MAX = 8

export interface LoadProducerStateParams {
  readonly dir: string
  readonly topicPartition: string
  readonly segments: readonly Segment[]
  readonly logStartOffset: number
  readonly logEndOffset: number
  readonly hadCleanShutdown: boolean
  /** Everything below it was fsynced before the crash (after a clean shutdown: the log end). */
  readonly recoveryPoint: number
  readonly nowMs: number
  readonly producerIdExpirationMs: number
  readonly logger: Logger
}

/**
 * The producer state of one partition log together with what persists it: `.snapshot` files and the
 * `.txnindex` files of its segments (Kafka's ProducerStateManager + the transaction indexes of
 * LogSegment). The log calls it on every append (checks before offsets are assigned, the update after),
 * roll (snapshot), high watermark move, retention, truncation, cleaner swap, flush and close.
 *
 * Recovery (Kafka's LogLoader.rebuildProducerState): the newest valid snapshot at or below the log end
 * offset is loaded, then every batch after it is replayed from the segments, and the transaction index
 * entries of the replayed range are rebuilt. After an unclean shutdown, `.txnindex` writes above the
 * recovery point may have been lost with the page cache (snapshots are fsynced, the indexes only when the
 * recovery point passes them), so the snapshot is the newest at or below the base offset of the segment
 * holding the recovery point and the indexes of every segment from there on are rebuilt (Kafka's LogLoader
 * recovers each unflushed segment, its transaction index included). After a clean shutdown without any
 * snapshot (a log written before producer state existed) nothing is replayed.
 */
export class LogProducerState {
  readonly manager: ProducerStateManager
  readonly txnIndexes: TransactionIndexes
  readonly #dir: string
  readonly #log: Logger
  /** Snapshot offsets on disk or being written, ascending. */
  #snapshots: number[]
  #snapshotChain: Promise<void> = Promise.resolve()
  #snapshotsQueued = 0

  private constructor(
    dir: string,
    manager: ProducerStateManager,
    txnIndexes: TransactionIndexes,
    snapshots: number[],
    log: Logger,
  ) {
    this.#dir = dir
    this.manager = manager
    this.txnIndexes = txnIndexes
    this.#snapshots = snapshots
    this.#log = log
  }

  /** The state of a new, empty log starting at `offset`. */
  static createEmpty(dir: string, topicPartition: string, offset: number, log: Logger): LogProducerState {
    return new LogProducerState(
      dir,
      new ProducerStateManager(topicPartition, offset),
      new TransactionIndexes(dir),
      [],
      log,
    )
  }

  /** Start-up: loads the snapshot and replays the log after it (synchronous file calls allowed). */
  static async load(p: LoadProducerStateParams): Promise<LogProducerState> {
    const txnIndexes = TransactionIndexes.loadSync(
      p.dir,
      p.segments.map((s) => s.baseOffset),
      p.logger,
    )
    const manager = new ProducerStateManager(p.topicPartition, p.logEndOffset)
    const snapshots = listSnapshotOffsetsSync(p.dir)
    for (const offset of snapshots.filter((o) => o > p.logEndOffset)) {
      p.logger.warn({ snapshotOffset: offset }, 'deleting producer snapshot beyond the log end')
      fs.rmSync(snapshotFilePath(p.dir, offset), { force: true })
    }
    const usable = snapshots.filter((o) => o <= p.logEndOffset)
    const state = new LogProducerState(p.dir, manager, txnIndexes, usable, p.logger)
    if (usable.length === 0 && p.hadCleanShutdown) {
      // Written before producer state was kept: nothing to replay; the next roll or close snapshots it.
      manager.lastSnapOffset = -1
      return state
    }
    const rebuildFrom = p.hadCleanShutdown ? p.logEndOffset : segmentBaseHolding(p.segments, p.recoveryPoint)
    let loadedAt = -1
    for (let i = state.#snapshots.length - 1; i >= 0 && loadedAt < 0; i--) {
      const offset = state.#snapshots[i]!
      if (offset > rebuildFrom) continue
      const entries = decodeProducerSnapshot(fs.readFileSync(snapshotFilePath(p.dir, offset)))
      if (typeof entries === 'string') {
        p.logger.warn({ snapshotOffset: offset, problem: entries }, 'deleting corrupt producer snapshot')
        fs.rmSync(snapshotFilePath(p.dir, offset), { force: true })
        state.#snapshots.splice(i, 1)
        continue
      }
      const live = entries.filter(
        (e) => e.currentTxnFirstOffset >= 0 || p.nowMs - e.lastTimestamp < p.producerIdExpirationMs,
      )
      manager.load(live, offset)
      loadedAt = offset
    }
    const firstBase = p.segments[0]?.baseOffset ?? p.logStartOffset
    const from = Math.max(loadedAt < 0 ? firstBase : loadedAt, firstBase)
    if (loadedAt < 0) manager.truncateFullyAndStartAt(from)
    await txnIndexes.truncateTo(from)
    const replayed = await state.#replay(p.segments, from, p.logEndOffset)
    manager.mapEndOffset = p.logEndOffset
    if (replayed > 0)
      p.logger.info(
        { fromOffset: from, batches: replayed, producers: manager.producers.size },
        'rebuilt producer state',
      )
    return state
  }

  /** Replays the producer batches of [from, to) into the state and the transaction indexes. */
  async #replay(segments: readonly Segment[], from: number, to: number): Promise<number> {
    let batches = 0
    const indexWrites: Promise<void>[] = []
    for (const segment of segments) {
      if (segment.nextOffset <= from || segment.baseOffset >= to) continue
      let offset = Math.max(from, segment.baseOffset)
      while (offset < to) {
        const r = await segment.read(offset, REPLAY_READ_BYTES, to, true)
        if (r === null || r.records.length === 0) break
        const buf = r.records
        for (let pos = 0; pos < buf.length; pos += batchSize(buf, pos)) {
          const base = buf.readInt32BE(pos) * 4294967296 + buf.readUInt32BE(pos + 4)
          const last = base + batchLastOffsetDelta(buf, pos)
          if (last < offset || batchProducerId(buf, pos) < 0) continue
          try {
            const plan = this.manager.prepare(buf, [pos], base, AppendOrigin.Replication) as ProducerAppendPlan
            indexWrites.push(...this.#commit(plan, segment.baseOffset))
          } catch (err) {
            this.#log.warn({ err, offset: base }, 'skipping a producer batch that does not replay')
          }
          batches++
        }
        offset = r.nextOffset
      }
    }
    await Promise.all(indexWrites)
    return batches
  }

  /** The checks of an append from `firstOffset` (see ProducerStateManager.prepare). */
  prepare(
    records: Buffer,
    positions: readonly number[],
    firstOffset: number | null,
    origin: AppendOrigin,
    verification: VerificationGuard | null = null,
  ): ProducerAppendPlan | DuplicateBatch {
    return this.manager.prepare(records, positions, firstOffset, origin, verification)
  }

  /** Applies a prepared append whose batches went to the segment at `segmentBase`. */
  commit(plan: ProducerAppendPlan, segmentBase: number, onError: (err: unknown) => void): void {
    for (const write of this.#commit(plan, segmentBase)) write.catch(onError)
  }

  #commit(plan: ProducerAppendPlan, segmentBase: number): Promise<void>[] {
    const writes: Promise<void>[] = []
    for (const { txn, lastStableOffset } of this.manager.commit(plan)) {
      if (!txn.isAborted) continue
      writes.push(
        this.txnIndexes.append(segmentBase, {
          producerId: txn.producerId,
          firstOffset: txn.firstOffset,
          lastOffset: txn.lastOffset,
          lastStableOffset,
        }),
      )
    }
    return writes
  }

  collectAbortedTransactions(fetchOffset: number, upperBoundOffset: number, fromSegmentBase: number): AbortedTxn[] {
    return this.txnIndexes.collect(fetchOffset, upperBoundOffset, fromSegmentBase)
  }

  /**
   * Kafka's takeSnapshot at a roll or close: the state as of `offset` (everything below it applied),
   * written in the background after the transaction index writes issued before it. Nothing is written
   * when no append happened since the last snapshot.
   */
  takeSnapshot(offset: number, onError: (err: unknown) => void): void {
    const m = this.manager
    if (offset <= m.lastSnapOffset || m.mapEndOffset > offset) return
    if (this.#snapshotsQueued >= SNAPSHOT_WRITES_QUEUED_MAX) return
    const data = encodeProducerSnapshot(m.producers.values())
    m.lastSnapOffset = offset
    this.#snapshotsQueued++
    const write = this.#snapshotChain.then(async () => {
      try {
        await this.txnIndexes.idle()
        await writeProducerSnapshot(this.#dir, offset, data)
        if (!this.#snapshots.includes(offset)) this.#snapshots.push(offset)
      } finally {
        this.#snapshotsQueued--
      }
    })
    this.#snapshotChain = write.catch(onError)
  }

  /** Resolves when queued snapshot writes are done. */
  snapshotsIdle(): Promise<void> {
    return this.#snapshotChain
  }

  get snapshotOffsets(): readonly number[] {
    return this.#snapshots
  }

  /** Retention deleted the segments at `bases`; snapshots below the first remaining segment go too. */
  async onSegmentsDeleted(bases: readonly number[], firstSegmentBase: number, logStartOffset: number): Promise<void> {
    this.manager.onLogStartOffsetIncremented(logStartOffset)
    await this.txnIndexes.deleteSegments(bases)
    await this.#snapshotChain
    const old = this.#snapshots.filter((o) => o < firstSegmentBase)
    this.#snapshots = this.#snapshots.filter((o) => o >= firstSegmentBase)
    await Promise.all(old.map((o) => deleteProducerSnapshot(this.#dir, o)))
  }

  /** Kafka's truncateAndReload: state, snapshots and indexes as of `offset`, by reloading and replaying. */
  async truncateTo(offset: number, segments: readonly Segment[], logStartOffset: number): Promise<void> {
    await this.#snapshotChain
    await this.txnIndexes.truncateTo(offset)
    const stale = this.#snapshots.filter((o) => o > offset)
    this.#snapshots = this.#snapshots.filter((o) => o <= offset)
    await Promise.all(stale.map((o) => deleteProducerSnapshot(this.#dir, o)))
    let from = segments[0]?.baseOffset ?? logStartOffset
    this.manager.truncateFullyAndStartAt(from)
    const latest = this.#snapshots.at(-1)
    if (latest !== undefined) {
      const entries = decodeProducerSnapshot(await fs.promises.readFile(snapshotFilePath(this.#dir, latest)))
      if (typeof entries !== 'string') {
        this.manager.load(entries, latest)
        from = Math.max(from, latest)
      }
    }
    await this.txnIndexes.truncateTo(from)
    await this.#replay(segments, from, offset)
    this.manager.mapEndOffset = offset
    this.manager.lastSnapOffset = Math.min(this.manager.lastSnapOffset, offset)
  }

  /** The log starts over empty at `offset`. */
  async truncateFullyAndStartAt(offset: number): Promise<void> {
    await this.#snapshotChain
    this.manager.truncateFullyAndStartAt(offset)
    await this.txnIndexes.clear()
    const all = this.#snapshots
    this.#snapshots = []
    await Promise.all(all.map((o) => deleteProducerSnapshot(this.#dir, o)))
  }

  /** Makes the transaction indexes of segments below `offset` durable. */
  flush(offset: number): Promise<void> {
    return this.txnIndexes.flush(offset)
  }

  /** Close: a snapshot at the log end (so the next start replays nothing), every write finished. */
  async close(logEndOffset: number, onError: (err: unknown) => void): Promise<void> {
    this.takeSnapshot(logEndOffset, onError)
    await this.#snapshotChain
    await this.txnIndexes.flush(Number.MAX_SAFE_INTEGER)
  }

  activeProducers(): ProducerStateEntry[] {
    return [...this.manager.producers.values()]
  }

  removeExpiredProducers(nowMs: number, producerIdExpirationMs: number): number {
    const removed = this.manager.removeExpiredProducers(nowMs, producerIdExpirationMs)
    if (removed > 0) this.#log.debug({ removed }, 'expired producer ids')
    return removed
  }
}
