import fs from 'node:fs'
import { SamsaError, SamsaErrorCode } from '../../common/errors.ts'
import {
  BATCH_HEADER_BYTES,
  BATCH_LOG_OVERHEAD,
  batchBaseOffset,
  batchIsControl,
  batchLastOffsetDelta,
  batchMagic,
  batchRecordCount,
  batchSize,
  isBatchCrcValid,
} from '../../protocol/records/record-batch.ts'
import {
  type BatchRetention,
  batchDeleteHorizonMs,
  FilterOutcome,
  filterBatch,
  recordsSection,
} from './batch-filter.ts'
import { CleanedSegmentWriter, removeCleanedFiles } from './cleaned-segment-writer.ts'
import { OffsetMap } from './offset-map.ts'
import { RecordCursor } from './record-cursor.ts'
import { Throttler } from './throttler.ts'
import {
  CleanedTransactionMetadata,
  type CleanerAbortedTxn,
  isLastRecordOfProducer,
  type ProducerLastRecord,
} from './transaction-metadata.ts'

/**
 * One cleaning round of one log (Kafka's Cleaner.doClean), run inside the cleaner worker thread with
 * synchronous file calls (they block only that thread). Two passes: the offset map is built over the
 * dirty section [firstDirtyOffset, firstUncleanableOffset) (stopping early, at a batch boundary, when
 * the map is full); then every segment from the log start below the end of the mapped range is copied,
 * group by group (each group fits one segment), into `<base>.log.cleaned` with its indexes, keeping only
 * what batch-filter.ts retains. Each cleaned group is fsynced and reported; the event loop swaps it in.
 */

export interface CleanerSegment {
  readonly baseOffset: number
  /** The segment's .log file at the time the job was made. */
  readonly path: string
  readonly sizeBytes: number
  /** The next segment's base offset. */
  readonly nextOffset: number
}

export interface CleanJob {
  readonly dir: string
  /** Inactive segments from the first one, all below firstUncleanableOffset, oldest first. */
  readonly segments: readonly CleanerSegment[]
  readonly logStartOffset: number
  readonly firstDirtyOffset: number
  readonly firstUncleanableOffset: number
  readonly nowMs: number
  readonly deleteRetentionMs: number
  readonly segmentBytesMax: number
  readonly segmentIndexBytes: number
  readonly indexIntervalBytes: number
  /** log.cleaner.dedupe.buffer.size (for this cleaner thread). */
  readonly dedupeBufferBytes: number
  /** log.cleaner.io.buffer.load.factor. */
  readonly loadFactor: number
  /** log.cleaner.io.buffer.size: read and write buffer (grown for larger batches). */
  readonly ioBufferBytes: number
  /** log.cleaner.io.max.bytes.per.second; Infinity for no limit. */
  readonly ioBytesPerSecondMax: number
  /** Largest decompressed records section accepted per batch. */
  readonly decompressedBytesMax: number
  /** The aborted transactions of the segments (their `.txnindex` entries). */
  readonly abortedTransactions: readonly CleanerAbortedTxn[]
  /** Each active producer's last batch, kept so its sequence and epoch survive cleaning. */
  readonly activeProducers: readonly ProducerLastRecord[]
}

export interface CleanedGroup {
  /** Base offset of the cleaned segment (the group's first). */
  readonly baseOffset: number
  readonly replacedBaseOffsets: readonly number[]
  readonly sizeBytes: number
  /** The group's last segment's next offset. */
  readonly nextOffset: number
  readonly maxTimestamp: number
  readonly offsetOfMaxTimestamp: number
  readonly firstBatchTimestamp: number
  readonly offsetIndex: Uint8Array
  readonly timeIndex: Uint8Array
  /** Latest delete horizon of a batch still holding tombstones, -1 when none. */
  readonly latestDeleteHorizonMs: number
  /** The aborted transactions whose ABORT marker stays: the cleaned segment's `.txnindex`. */
  readonly abortedTransactions: readonly CleanerAbortedTxn[]
}

export interface CleanStats {
  bytesRead: number
  bytesWritten: number
  recordsRetained: number
  recordsRemoved: number
  batchesRewritten: number
  mapKeys: number
  mapBytes: number
}

export interface CleanSummary {
  /** The mapped dirty range ends here: the next round's first dirty offset. */
  readonly endOffset: number
  readonly stats: CleanStats
  readonly groups: number
}

const INT32_MAX = 2 ** 31 - 1

function corrupt(message: string): SamsaError {
  return new SamsaError(SamsaErrorCode.StorageCorrupt, message)
}

/**
 * Calls `visit` for every complete batch of the segment file, checking frame, magic and CRC. Reads
 * `ioBufferBytes` at a time (more for a larger batch); `visit` returns true to stop.
 */
export function forEachBatchInFile(
  segment: CleanerSegment,
  ioBufferBytes: number,
  throttler: Throttler,
  stats: CleanStats,
  visit: (buf: Buffer, pos: number) => boolean,
): void {
  const fd = fs.openSync(segment.path, 'r')
  try {
    let buf = Buffer.allocUnsafe(Math.max(BATCH_HEADER_BYTES, Math.min(ioBufferBytes, segment.sizeBytes)))
    let pos = 0
    while (pos < segment.sizeBytes) {
      const n = fs.readSync(fd, buf, 0, Math.min(buf.length, segment.sizeBytes - pos), pos)
      let p = 0
      while (p + BATCH_LOG_OVERHEAD <= n) {
        const size = batchSize(buf, p)
        if (size < BATCH_HEADER_BYTES) throw corrupt(`batch of ${size} bytes at ${pos + p} in ${segment.path}`)
        if (p + size > n) break
        if (batchMagic(buf, p) !== 2 || !isBatchCrcValid(buf, p))
          throw corrupt(`corrupt batch at ${pos + p} in ${segment.path}`)
        if (visit(buf, p)) return
        p += size
      }
      if (p === 0) {
        if (n < BATCH_LOG_OVERHEAD) throw corrupt(`truncated batch at ${pos} in ${segment.path}`)
        buf = Buffer.allocUnsafe(batchSize(buf, 0))
        continue
      }
      pos += p
      stats.bytesRead += p
      throttler.maybeThrottle(p)
    }
  } finally {
    fs.closeSync(fd)
  }
}

/**
 * Kafka's buildOffsetMap: puts the key of every record of the dirty section into `map`. Stops before the
 * first batch that could overflow the map. Returns the exclusive end of the mapped range.
 */
export function buildOffsetMap(job: CleanJob, map: OffsetMap, throttler: Throttler, stats: CleanStats): number {
  let endOffset = job.firstUncleanableOffset
  let full = false
  // Kafka's buildOffsetMap: aborted transactions' records never enter the map, committed ones do.
  const txns = new CleanedTransactionMetadata()
  const dirty = job.segments.filter((s) => s.nextOffset > job.firstDirtyOffset)
  const from = dirty[0]?.baseOffset ?? job.firstDirtyOffset
  txns.addAbortedTransactions(
    job.abortedTransactions.filter((t) => t.lastOffset >= from && t.firstOffset < job.firstUncleanableOffset),
  )
  for (const segment of dirty) {
    if (full) break
    forEachBatchInFile(segment, job.ioBufferBytes, throttler, stats, (buf, pos) => {
      const last = batchBaseOffset(buf, pos) + batchLastOffsetDelta(buf, pos)
      if (batchIsControl(buf, pos)) {
        txns.onControlBatchRead(buf, pos)
        return false
      }
      if (txns.onBatchRead(buf, pos) || last < job.firstDirtyOffset) return false
      if (map.size + batchRecordCount(buf, pos) > map.keysMax) {
        full = true
        endOffset = Math.max(job.firstDirtyOffset, batchBaseOffset(buf, pos))
        return true
      }
      mapBatch(buf, pos, map, job)
      map.updateLatestOffset(last)
      return false
    })
  }
  if (full && endOffset <= job.firstDirtyOffset) {
    throw new SamsaError(
      SamsaErrorCode.StorageCorrupt,
      `the cleaner's offset map (${map.keysMax} keys) cannot hold one batch at offset ${job.firstDirtyOffset}: raise log.cleaner.dedupe.buffer.size`,
    )
  }
  stats.mapKeys = map.size
  stats.mapBytes = map.bytes
  return endOffset
}

function mapBatch(buf: Buffer, pos: number, map: OffsetMap, job: CleanJob): void {
  const count = batchRecordCount(buf, pos)
  if (count === 0) return
  const section = recordsSection(buf, pos, job.decompressedBytesMax)
  const base = batchBaseOffset(buf, pos)
  const cursor = new RecordCursor(section, 0, section.length, count)
  while (cursor.next()) {
    const offset = base + cursor.offsetDelta
    if (offset >= job.firstDirtyOffset && cursor.hasKey) map.put(section, cursor.keyStart, cursor.keyEnd, offset)
  }
}

/** Kafka's groupSegmentsBySize: consecutive segments whose total fits one segment and one int32 offset range. */
export function groupSegments(segments: readonly CleanerSegment[], segmentBytesMax: number): CleanerSegment[][] {
  const groups: CleanerSegment[][] = []
  let i = 0
  while (i < segments.length) {
    const group = [segments[i]!]
    let bytes = segments[i]!.sizeBytes
    i++
    while (i < segments.length) {
      const next = segments[i]!
      if (bytes + next.sizeBytes > segmentBytesMax) break
      if (next.nextOffset - 1 - group[0]!.baseOffset > INT32_MAX) break
      group.push(next)
      bytes += next.sizeBytes
      i++
    }
    groups.push(group)
  }
  return groups
}

/** Copies one group of segments into a cleaned segment; see batch-filter.ts for what stays. */
export function cleanGroup(
  job: CleanJob,
  group: readonly CleanerSegment[],
  map: OffsetMap,
  throttler: Throttler,
  stats: CleanStats,
): CleanedGroup {
  const baseOffset = group[0]!.baseOffset
  const writer = new CleanedSegmentWriter(job.dir, baseOffset, job, throttler, stats)
  let latestDeleteHorizonMs = -1
  const txns = new CleanedTransactionMetadata()
  const producers = new Map(job.activeProducers.map((p) => [p.producerId, p]))
  const ctx = {
    map,
    nowMs: job.nowMs,
    deleteRetentionMs: job.deleteRetentionMs,
    logStartOffset: job.logStartOffset,
    decompressedBytesMax: job.decompressedBytesMax,
  }
  try {
    for (const segment of group) {
      txns.addAbortedTransactions(
        job.abortedTransactions.filter((t) => t.lastOffset >= segment.baseOffset && t.firstOffset < segment.nextOffset),
      )
      forEachBatchInFile(segment, job.ioBufferBytes, throttler, stats, (buf, pos) => {
        const r = filterBatch(buf, pos, ctx, batchRetention(buf, pos, txns, producers, job.nowMs))
        stats.recordsRetained += r.recordsRetained
        stats.recordsRemoved += r.recordsRemoved
        if (r.outcome === FilterOutcome.Keep) writer.append(buf, pos)
        else if (r.outcome === FilterOutcome.Rewrite) {
          writer.append(r.batch!, 0)
          stats.batchesRewritten++
        }
        const horizon = r.outcome === FilterOutcome.Drop ? -1 : batchDeleteHorizonMs(r.batch ?? buf, r.batch ? 0 : pos)
        if (r.hasTombstones && horizon > latestDeleteHorizonMs) latestDeleteHorizonMs = horizon
        return false
      })
    }
    const facts = writer.finish()
    return {
      baseOffset,
      replacedBaseOffsets: group.map((s) => s.baseOffset),
      sizeBytes: facts.sizeBytes,
      nextOffset: group.at(-1)!.nextOffset,
      maxTimestamp: facts.maxTimestamp,
      offsetOfMaxTimestamp: facts.offsetOfMaxTimestamp,
      firstBatchTimestamp: facts.firstBatchTimestamp,
      offsetIndex: facts.offsetIndex,
      timeIndex: facts.timeIndex,
      latestDeleteHorizonMs,
      abortedTransactions: txns.retainedAborted,
    }
  } catch (err) {
    writer.abandon()
    removeCleanedFiles(job.dir, baseOffset)
    throw err
  }
}

/**
 * Kafka's checkBatchRetention: a marker may go once its transaction is gone and its delete horizon
 * passed; an aborted transaction's batch goes; an active producer's last batch stays, emptied if need be.
 */
function batchRetention(
  buf: Buffer,
  pos: number,
  txns: CleanedTransactionMetadata,
  producers: ReadonlyMap<number, ProducerLastRecord>,
  nowMs: number,
): BatchRetention {
  const control = batchIsControl(buf, pos)
  const canDiscard = control ? txns.onControlBatchRead(buf, pos) : txns.onBatchRead(buf, pos)
  const horizon = batchDeleteHorizonMs(buf, pos)
  const discardRecords = control ? canDiscard && horizon >= 0 && horizon <= nowMs : canDiscard
  return {
    discardRecords,
    retainEmpty: isLastRecordOfProducer(buf, pos, producers),
    markerForEmptyTxn: control && canDiscard,
  }
}

/**
 * The whole round: map the dirty section, then clean the segments below the end of the mapped range
 * group by group, handing each finished group to `onGroup` (which may swap it in meanwhile).
 */
export function runCleanJob(job: CleanJob, onGroup: (group: CleanedGroup) => void): CleanSummary {
  const throttler = new Throttler(job.ioBytesPerSecondMax)
  const stats: CleanStats = {
    bytesRead: 0,
    bytesWritten: 0,
    recordsRetained: 0,
    recordsRemoved: 0,
    batchesRewritten: 0,
    mapKeys: 0,
    mapBytes: 0,
  }
  const map = new OffsetMap(job.dedupeBufferBytes, job.loadFactor)
  const endOffset = buildOffsetMap(job, map, throttler, stats)
  const groups = groupSegments(
    job.segments.filter((s) => s.baseOffset < endOffset),
    job.segmentBytesMax,
  )
  for (const group of groups) onGroup(cleanGroup(job, group, map, throttler, stats))
  return { endOffset, stats, groups: groups.length }
}
