import {
  BATCH_HEADER_BYTES,
  batchBaseOffset,
  batchBaseTimestamp,
  batchCompression,
  batchMaxTimestamp,
  batchRecordCount,
  batchSize,
  batchTimestampType,
  TimestampType,
} from '../protocol/records/record-batch.ts'

/**
 * The few record-level facts storage needs (a record's offset and timestamp) for timestamp searches,
 * without building record objects. Only ListOffsets by timestamp reaches here, never produce or fetch.
 *
 * Compressed batches need a decompressor; the protocol layer owns the codecs and the broker passes one in.
 * Without it, a compressed CreateTime batch answers at batch granularity (see `forEachRecordTimestamp`).
 */
export type Decompress = (compression: number, data: Buffer) => Buffer | Promise<Buffer>

interface Cursor {
  pos: number
}

function readUnsignedVarint(buf: Buffer, c: Cursor): number {
  let value = 0
  let shift = 0
  for (let i = 0; i < 10; i++) {
    if (c.pos >= buf.length) throw new RangeError('varint past the end of the records')
    const b = buf[c.pos++]!
    value += (b & 0x7f) * 2 ** shift
    if ((b & 0x80) === 0) return value
    shift += 7
  }
  throw new RangeError('varint longer than 10 bytes')
}

function readZigZag(buf: Buffer, c: Cursor): number {
  const v = readUnsignedVarint(buf, c)
  return v % 2 === 0 ? v / 2 : -(v + 1) / 2
}

/**
 * Walks the (offset, timestamp) of every record in `records` (the record bytes after the header, already
 * decompressed). Stops early when `visit` returns true; returns whether it did.
 */
function walkRecords(
  records: Buffer,
  count: number,
  baseOffset: number,
  baseTimestamp: number,
  visit: (offset: number, timestamp: number, exact: boolean) => boolean,
): boolean {
  const c: Cursor = { pos: 0 }
  for (let i = 0; i < count && c.pos < records.length; i++) {
    const length = readZigZag(records, c)
    const start = c.pos
    c.pos++ // attributes
    const timestampDelta = readZigZag(records, c)
    const offsetDelta = readZigZag(records, c)
    if (visit(baseOffset + offsetDelta, baseTimestamp + timestampDelta, true)) return true
    c.pos = start + length
  }
  return false
}

/**
 * Visits the (offset, timestamp) of each record of the v2 batch at `batch[pos..]` in order until `visit`
 * returns true. LogAppendTime batches give every record the batch's max timestamp (as Kafka's records
 * report it). A compressed CreateTime batch without `decompress` is visited once, as its base offset with
 * its max timestamp and `exact` false: a coarser answer that never skips a record at or after the target.
 */
export async function forEachRecordTimestamp(
  batch: Buffer,
  pos: number,
  visit: (offset: number, timestamp: number, exact: boolean) => boolean,
  decompress?: Decompress,
): Promise<boolean> {
  const baseOffset = batchBaseOffset(batch, pos)
  const count = batchRecordCount(batch, pos)
  const maxTimestamp = batchMaxTimestamp(batch, pos)
  if (batchTimestampType(batch, pos) === TimestampType.LogAppendTime) {
    for (let i = 0; i < count; i++) if (visit(baseOffset + i, maxTimestamp, true)) return true
    return false
  }
  const end = pos + batchSize(batch, pos)
  let records = batch.subarray(pos + BATCH_HEADER_BYTES, end)
  const compression = batchCompression(batch, pos)
  if (compression !== 0) {
    if (decompress === undefined) return visit(baseOffset, maxTimestamp, false)
    records = await decompress(compression, records)
  }
  return walkRecords(records, count, baseOffset, batchBaseTimestamp(batch, pos), visit)
}
