import { crc32c } from './crc32c.ts'

/**
 * Record batch v2 (magic 2): a read/write view of the 61-byte header over a Buffer, without decoding
 * records. This is the hot-path representation: the broker validates a batch, writes baseOffset and
 * partitionLeaderEpoch in place (both outside the CRC) and stores the bytes as they came.
 *
 *   offset size field
 *    0     8   baseOffset            (not covered by the CRC)
 *    8     4   batchLength           (bytes after this field = total size - 12)
 *   12     4   partitionLeaderEpoch  (not covered by the CRC)
 *   16     1   magic = 2
 *   17     4   crc (uint32, CRC-32C of bytes 21..end)
 *   21     2   attributes (bits 0-2 codec, 3 timestamp type, 4 transactional, 5 control, 6 delete horizon)
 *   23     4   lastOffsetDelta
 *   27     8   baseTimestamp
 *   35     8   maxTimestamp
 *   43     8   producerId
 *   51     2   producerEpoch
 *   53     4   baseSequence
 *   57     4   recordsCount
 *   61     ... records
 */
export const BATCH_HEADER_BYTES = 61
/** baseOffset + batchLength: the part of the header before the length-counted bytes. */
export const BATCH_LOG_OVERHEAD = 12
/** The smallest prefix that says how long a batch (or a legacy message) is and which magic it has. */
export const BATCH_MAGIC_OFFSET = 16
export const BATCH_CRC_OFFSET = 17
export const BATCH_ATTRIBUTES_OFFSET = 21

export const Attributes = {
  CompressionMask: 0x07,
  TimestampTypeLogAppendTime: 0x08,
  Transactional: 0x10,
  Control: 0x20,
  DeleteHorizon: 0x40,
} as const

export const TimestampType = { CreateTime: 0, LogAppendTime: 1 } as const
export type TimestampType = (typeof TimestampType)[keyof typeof TimestampType]

const TWO_POW_32 = 4294967296

function readInt64(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO_POW_32 + buf.readUInt32BE(pos + 4)
}

function writeInt64(buf: Buffer, pos: number, v: number): void {
  const hi = Math.floor(v / TWO_POW_32)
  buf.writeInt32BE(hi, pos)
  buf.writeUInt32BE(v - hi * TWO_POW_32, pos + 4)
}

export const batchBaseOffset = (b: Buffer, p = 0): number => readInt64(b, p)
/** The batchLength field: bytes after it. */
export const batchLengthField = (b: Buffer, p = 0): number => b.readInt32BE(p + 8)
/** Whole size of the batch on disk and on the wire. */
export const batchSize = (b: Buffer, p = 0): number => BATCH_LOG_OVERHEAD + b.readInt32BE(p + 8)
export const batchPartitionLeaderEpoch = (b: Buffer, p = 0): number => b.readInt32BE(p + 12)
export const batchMagic = (b: Buffer, p = 0): number => b.readInt8(p + 16)
export const batchCrc = (b: Buffer, p = 0): number => b.readUInt32BE(p + 17)
export const batchAttributes = (b: Buffer, p = 0): number => b.readInt16BE(p + 21)
export const batchLastOffsetDelta = (b: Buffer, p = 0): number => b.readInt32BE(p + 23)
export const batchBaseTimestamp = (b: Buffer, p = 0): number => readInt64(b, p + 27)
export const batchMaxTimestamp = (b: Buffer, p = 0): number => readInt64(b, p + 35)
export const batchProducerId = (b: Buffer, p = 0): number => readInt64(b, p + 43)
export const batchProducerEpoch = (b: Buffer, p = 0): number => b.readInt16BE(p + 51)
export const batchBaseSequence = (b: Buffer, p = 0): number => b.readInt32BE(p + 53)
export const batchRecordCount = (b: Buffer, p = 0): number => b.readInt32BE(p + 57)

export const batchLastOffset = (b: Buffer, p = 0): number => batchBaseOffset(b, p) + batchLastOffsetDelta(b, p)
export const batchCompression = (b: Buffer, p = 0): number => batchAttributes(b, p) & Attributes.CompressionMask
export const batchIsTransactional = (b: Buffer, p = 0): boolean =>
  (batchAttributes(b, p) & Attributes.Transactional) !== 0
export const batchIsControl = (b: Buffer, p = 0): boolean => (batchAttributes(b, p) & Attributes.Control) !== 0
export const batchTimestampType = (b: Buffer, p = 0): TimestampType =>
  (batchAttributes(b, p) & Attributes.TimestampTypeLogAppendTime) !== 0
    ? TimestampType.LogAppendTime
    : TimestampType.CreateTime

export function setBatchBaseOffset(b: Buffer, p: number, offset: number): void {
  writeInt64(b, p, offset)
}

export function setBatchPartitionLeaderEpoch(b: Buffer, p: number, epoch: number): void {
  b.writeInt32BE(epoch, p + 12)
}

/** CRC-32C over attributes..end, the range the batch's crc field covers. */
export function computeBatchCrc(b: Buffer, p = 0): number {
  return crc32c(b.subarray(p + BATCH_ATTRIBUTES_OFFSET, p + batchSize(b, p)))
}

export function isBatchCrcValid(b: Buffer, p = 0): boolean {
  return computeBatchCrc(b, p) === batchCrc(b, p)
}

/**
 * Switches a batch to LogAppendTime with the given broker time (attributes bit 3 and maxTimestamp),
 * then recomputes the CRC, since both fields are inside the checksummed range.
 */
export function setBatchLogAppendTime(b: Buffer, p: number, timestampMs: number): void {
  b.writeInt16BE(batchAttributes(b, p) | Attributes.TimestampTypeLogAppendTime, p + 21)
  writeInt64(b, p + 35, timestampMs)
  b.writeUInt32BE(computeBatchCrc(b, p), p + 17)
}

/**
 * Walks the complete batches in `buf` starting at `pos`, calling `visit(position, size)` for each.
 * Stops at a truncated trailing batch (legal at the end of a fetch response) and returns the position
 * after the last complete one. Works for magic 0/1 message sets too, which share the offset+size prefix.
 */
export function forEachBatch(
  buf: Buffer,
  visit: (position: number, size: number) => boolean | undefined,
  pos = 0,
): number {
  while (pos + BATCH_LOG_OVERHEAD <= buf.length) {
    const size = batchSize(buf, pos)
    if (size < BATCH_LOG_OVERHEAD || pos + size > buf.length) break
    if (visit(pos, size) === false) return pos + size
    pos += size
  }
  return pos
}
