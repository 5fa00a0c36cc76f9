import { CompressionType, compress, decompress } from '../../protocol/records/compression/index.ts'
import { crc32c } from '../../protocol/records/crc32c.ts'
import {
  Attributes,
  BATCH_ATTRIBUTES_OFFSET,
  BATCH_CRC_OFFSET,
  BATCH_HEADER_BYTES,
  BATCH_LOG_OVERHEAD,
  batchAttributes,
  batchBaseOffset,
  batchBaseTimestamp,
  batchCompression,
  batchIsControl,
  batchLastOffsetDelta,
  batchMaxTimestamp,
  batchRecordCount,
  batchSize,
  batchTimestampType,
  TimestampType,
} from '../../protocol/records/record-batch.ts'
import { sizeOfVarint, writeVarintAt } from '../../protocol/records/record-bytes.ts'
import type { OffsetMap } from './offset-map.ts'
import { RecordCursor } from './record-cursor.ts'

/**
 * What compaction does to one batch (Kafka's LogCleaner.cleanInto + MemoryRecords.filterTo, with the
 * KIP-534 delete horizon): a record stays when it is the latest for its key in the offset map, and a
 * tombstone (null value) stays until its batch's delete horizon has passed. The first time a retained
 * tombstone is seen in a batch without a horizon, the batch is rewritten with horizon = now +
 * delete.retention.ms (attributes bit 6, stored as baseTimestamp); a later cleaning after that time
 * removes it. Records without a key are removed (Kafka rejects them at produce time on compacted topics).
 *
 * Transactions (segment-cleaner.ts decides with transaction-metadata.ts, as Kafka's LogCleaner): a
 * batch of an aborted transaction loses every record; a marker keeps its record until its delete horizon
 * passed (it gets one once its transaction is gone); the batch holding an active producer's last
 * sequence or epoch stays even when emptied (an empty header, as Kafka's writeEmptyHeader). Committed
 * transactional records are compacted like any other. A batch whose records all stay and needs no new
 * horizon is kept byte for byte; otherwise it is rebuilt with the retained records at their original
 * offsets (gaps preserved) and, as Kafka keeps them for v2 batches, its base offset and last offset delta
 * (so the producer's sequence range stays right), in its own codec, with its producer fields and a new CRC.
 */

export interface FilterContext {
  readonly map: OffsetMap
  readonly nowMs: number
  readonly deleteRetentionMs: number
  /** Records below the log start offset are gone already: drop them. */
  readonly logStartOffset: number
  /** Decompressed bytes allowed per batch. */
  readonly decompressedBytesMax: number
}

/** What the transaction state says of a batch (Kafka's BatchRetentionResult). */
export interface BatchRetention {
  /** Every record goes: an aborted transaction's batch, or a marker past its delete horizon. */
  readonly discardRecords: boolean
  /** The batch stays, emptied if need be: it holds an active producer's last sequence or epoch. */
  readonly retainEmpty: boolean
  /** A marker whose transaction is gone: it gets a delete horizon, after which it may go. */
  readonly markerForEmptyTxn: boolean
}

export const RETAIN_RECORDS: BatchRetention = { discardRecords: false, retainEmpty: false, markerForEmptyTxn: false }

export const FilterOutcome = { Keep: 'keep', Drop: 'drop', Rewrite: 'rewrite' } as const
export type FilterOutcome = (typeof FilterOutcome)[keyof typeof FilterOutcome]

export interface FilterResult {
  readonly outcome: FilterOutcome
  /** The rebuilt batch (Rewrite only). */
  readonly batch: Buffer | null
  readonly recordsRetained: number
  readonly recordsRemoved: number
  /** Delete horizon of the batch as written, -1 when none. */
  readonly deleteHorizonMs: number
  /** The batch as written still holds tombstones. */
  readonly hasTombstones: boolean
}

const NO_HORIZON = -1

/** The records section of the batch at `pos`, decompressed. */
export function recordsSection(buf: Buffer, pos: number, decompressedBytesMax: number): Buffer {
  const raw = buf.subarray(pos + BATCH_HEADER_BYTES, pos + batchSize(buf, pos))
  const codec = batchCompression(buf, pos)
  return codec === CompressionType.None ? raw : decompress(codec as CompressionType, raw, decompressedBytesMax)
}

/** The delete horizon a batch carries (attributes bit 6), or -1. */
export function batchDeleteHorizonMs(buf: Buffer, pos: number): number {
  return (batchAttributes(buf, pos) & Attributes.DeleteHorizon) !== 0 ? batchBaseTimestamp(buf, pos) : NO_HORIZON
}

interface RetainedRecord {
  readonly timestamp: number
  readonly offset: number
  readonly attributes: number
  /** Key, value and headers: [tailStart, tailEnd) of the section, copied verbatim. */
  readonly tailStart: number
  readonly tailEnd: number
}

interface Retained {
  readonly records: RetainedRecord[]
  hasTombstones: boolean
}

export function filterBatch(
  buf: Buffer,
  pos: number,
  ctx: FilterContext,
  retention: BatchRetention = RETAIN_RECORDS,
): FilterResult {
  const count = batchRecordCount(buf, pos)
  const horizon = batchDeleteHorizonMs(buf, pos)
  if (retention.discardRecords || count === 0) {
    if (!retention.retainEmpty) return result(FilterOutcome.Drop, null, 0, count, NO_HORIZON, false)
    if (count === 0) return result(FilterOutcome.Keep, null, 0, 0, horizon, false)
    return result(FilterOutcome.Rewrite, emptyBatch(buf, pos), 0, count, NO_HORIZON, false)
  }
  const control = batchIsControl(buf, pos)
  const section = recordsSection(buf, pos, ctx.decompressedBytesMax)
  const retainDeletes = horizon === NO_HORIZON || ctx.nowMs < horizon
  const baseOffset = batchBaseOffset(buf, pos)
  const baseTimestamp = batchBaseTimestamp(buf, pos)
  const kept: Retained = { records: [], hasTombstones: false }
  const cursor = new RecordCursor(section, 0, section.length, count)
  while (cursor.next()) {
    const offset = baseOffset + cursor.offsetDelta
    // A marker's record stays until the whole batch may go (decided above).
    if (!control) {
      if (!cursor.hasKey || offset < ctx.logStartOffset) continue
      if (offset < ctx.map.get(section, cursor.keyStart, cursor.keyEnd)) continue
      if (cursor.valueIsNull && !retainDeletes) continue
    }
    kept.records.push({
      timestamp: baseTimestamp + cursor.timestampDelta,
      offset,
      attributes: cursor.attributes,
      tailStart: cursor.tailStart,
      tailEnd: cursor.recordEnd,
    })
    if (cursor.valueIsNull && !control) kept.hasTombstones = true
  }
  const retained = kept.records.length
  const removed = count - retained
  if (retained === 0) {
    if (retention.retainEmpty) return result(FilterOutcome.Rewrite, emptyBatch(buf, pos), 0, removed, NO_HORIZON, false)
    return result(FilterOutcome.Drop, null, 0, removed, NO_HORIZON, false)
  }
  const needHorizon = (kept.hasTombstones || (control && retention.markerForEmptyTxn)) && horizon === NO_HORIZON
  if (removed === 0 && !needHorizon) return result(FilterOutcome.Keep, null, count, 0, horizon, kept.hasTombstones)
  const newHorizon = needHorizon ? ctx.nowMs + ctx.deleteRetentionMs : horizon
  const rebuilt = rebuildBatch(buf, pos, section, kept, newHorizon)
  return result(FilterOutcome.Rewrite, rebuilt, retained, removed, newHorizon, kept.hasTombstones)
}

function result(
  outcome: FilterOutcome,
  batch: Buffer | null,
  recordsRetained: number,
  recordsRemoved: number,
  deleteHorizonMs: number,
  hasTombstones: boolean,
): FilterResult {
  return { outcome, batch, recordsRetained, recordsRemoved, deleteHorizonMs, hasTombstones }
}

/**
 * A new batch holding the retained records of the batch at `pos`: the original base offset and last
 * offset delta (Kafka's buildRetainedRecordsInto keeps both for v2 batches, so the producer's last
 * sequence still maps to the batch's last offset), offsets and timestamps re-expressed as deltas
 * (baseTimestamp = the delete horizon when there is one), key, value and headers copied verbatim.
 */
function rebuildBatch(buf: Buffer, pos: number, section: Buffer, kept: Retained, horizonMs: number): Buffer {
  const records = kept.records
  const first = records[0]!
  const baseOffset = batchBaseOffset(buf, pos)
  const baseTimestamp = horizonMs !== NO_HORIZON ? horizonMs : first.timestamp
  let maxTimestamp = -1
  let bytes = 0
  const bodies: number[] = []
  for (const r of records) {
    const body =
      1 + sizeOfVarint(r.timestamp - baseTimestamp) + sizeOfVarint(r.offset - baseOffset) + (r.tailEnd - r.tailStart)
    bodies.push(body)
    bytes += sizeOfVarint(body) + body
    if (r.timestamp > maxTimestamp) maxTimestamp = r.timestamp
  }
  const out = Buffer.allocUnsafe(bytes)
  let p = 0
  for (const [i, r] of records.entries()) {
    p = writeVarintAt(out, p, bodies[i]!)
    out[p++] = r.attributes
    p = writeVarintAt(out, p, r.timestamp - baseTimestamp)
    p = writeVarintAt(out, p, r.offset - baseOffset)
    p += section.copy(out, p, r.tailStart, r.tailEnd)
  }
  const codec = batchCompression(buf, pos) as CompressionType
  const payload = codec === CompressionType.None ? out : compress(codec, out)
  if (batchTimestampType(buf, pos) === TimestampType.LogAppendTime) maxTimestamp = batchMaxTimestamp(buf, pos)
  return writeHeader(buf, pos, payload, {
    baseOffset,
    lastOffsetDelta: batchLastOffsetDelta(buf, pos),
    baseTimestamp,
    maxTimestamp,
    count: records.length,
    horizon: horizonMs !== NO_HORIZON,
  })
}

/**
 * The batch at `pos` without records (Kafka's writeEmptyHeader): same base offset, last offset delta,
 * producer fields, transactional and control flags; no codec, no delete horizon; both timestamps = its
 * max timestamp.
 */
function emptyBatch(buf: Buffer, pos: number): Buffer {
  const maxTimestamp = batchMaxTimestamp(buf, pos)
  const out = writeHeader(buf, pos, Buffer.alloc(0), {
    baseOffset: batchBaseOffset(buf, pos),
    lastOffsetDelta: batchLastOffsetDelta(buf, pos),
    baseTimestamp: maxTimestamp,
    maxTimestamp,
    count: 0,
    horizon: false,
  })
  const attributes = batchAttributes(out, 0) & ~(Attributes.CompressionMask | Attributes.DeleteHorizon)
  out.writeInt16BE(attributes, BATCH_ATTRIBUTES_OFFSET)
  out.writeUInt32BE(crc32c(out.subarray(BATCH_ATTRIBUTES_OFFSET)), BATCH_CRC_OFFSET)
  return out
}

interface HeaderFields {
  baseOffset: number
  lastOffsetDelta: number
  baseTimestamp: number
  maxTimestamp: number
  count: number
  horizon: boolean
}

/** Copies the batch header at `pos` with the given fields changed, appends `payload`, recomputes the CRC. */
function writeHeader(src: Buffer, pos: number, payload: Buffer, f: HeaderFields): Buffer {
  const out = Buffer.allocUnsafe(BATCH_HEADER_BYTES + payload.length)
  src.copy(out, 0, pos, pos + BATCH_HEADER_BYTES)
  payload.copy(out, BATCH_HEADER_BYTES)
  writeInt64(out, 0, f.baseOffset)
  out.writeInt32BE(out.length - BATCH_LOG_OVERHEAD, 8)
  let attributes = batchAttributes(src, pos)
  if (f.horizon) attributes |= Attributes.DeleteHorizon
  out.writeInt16BE(attributes, BATCH_ATTRIBUTES_OFFSET)
  out.writeInt32BE(f.lastOffsetDelta, 23)
  writeInt64(out, 27, f.baseTimestamp)
  writeInt64(out, 35, f.maxTimestamp)
  out.writeInt32BE(f.count, 57)
  out.writeUInt32BE(crc32c(out.subarray(BATCH_ATTRIBUTES_OFFSET)), BATCH_CRC_OFFSET)
  return out
}

function writeInt64(buf: Buffer, pos: number, v: number): void {
  const hi = Math.floor(v / 4294967296)
  buf.writeInt32BE(hi, pos)
  buf.writeUInt32BE(v - hi * 4294967296, pos + 4)
}
