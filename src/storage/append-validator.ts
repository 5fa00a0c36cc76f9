import { ErrorCode } from '../protocol/error-codes.ts'
import { KafkaProtocolError, type RecordError } from '../protocol/kafka-protocol-error.ts'
import {
  CompressionType,
  type CompressOptions,
  compressAsync,
  decompressAsync,
} from '../protocol/records/compression/index.ts'
import {
  Attributes,
  BATCH_ATTRIBUTES_OFFSET,
  BATCH_CRC_OFFSET,
  BATCH_HEADER_BYTES,
  BATCH_LOG_OVERHEAD,
  batchAttributes,
  batchBaseOffset,
  batchBaseSequence,
  batchBaseTimestamp,
  batchCompression,
  batchIsControl,
  batchLastOffsetDelta,
  batchMagic,
  batchMaxTimestamp,
  batchProducerId,
  batchRecordCount,
  batchSize,
  batchTimestampType,
  computeBatchCrc,
  isBatchCrcValid,
  TimestampType,
} from '../protocol/records/record-batch.ts'
import { RecordCursor } from './cleaner/record-cursor.ts'
import { type CompressionTypeName, type LogConfig, MessageTimestampType } from './log-config.ts'
import { AppendOrigin } from './producer-state.ts'

/** What one validated append carries: where each batch starts and the totals the log needs. */
export interface AppendAnalysis {
  /** Start position of each batch in the records buffer. */
  readonly positions: readonly number[]
  /** Offsets the append consumes: the sum over batches of lastOffsetDelta + 1. */
  readonly offsetCount: number
  readonly recordCount: number
  /** Largest batch maxTimestamp (-1 when none). */
  readonly maxTimestamp: number
  /** Position of the batch with the largest timestamp (its last offset is Kafka's shallowOffsetOfMaxTimestamp). */
  readonly maxTimestampPosition: number
}

const NO_TIMESTAMP = -1
const INT32_MAX = 2 ** 31 - 1

function corrupt(message: string): KafkaProtocolError {
  return new KafkaProtocolError(ErrorCode.CORRUPT_MESSAGE, message)
}

function invalidRecord(message: string): KafkaProtocolError {
  return new KafkaProtocolError(ErrorCode.INVALID_RECORD, message)
}

/** The frame checks shared by leader and follower appends: complete batches of at least 61 bytes, magic 2. */
function checkFrame(records: Buffer, pos: number): number {
  if (records.length - pos < BATCH_LOG_OVERHEAD) throw corrupt(`Incomplete record batch header at byte ${pos}`)
  const size = batchSize(records, pos)
  if (size < BATCH_HEADER_BYTES) {
    throw corrupt(`Record batch size ${size} is less than the minimum record overhead (${BATCH_HEADER_BYTES})`)
  }
  if (pos + size > records.length)
    throw corrupt(`Incomplete record batch: ${size} bytes declared, ${records.length - pos} present`)
  const magic = batchMagic(records, pos)
  if (magic !== 2) {
    // Kafka's ProduceRequest.validateRecords (v3+) rejects other magics with InvalidRecordException.
    throw invalidRecord(
      `Produce requests are only allowed to contain record batches with magic version 2, got ${magic}`,
    )
  }
  return size
}

/**
 * Kafka's leader-side checks (UnifiedLog.analyzeAndValidateRecords + LogValidator) on the batch headers
 * only: the hot path never decompresses. Per batch: complete, >= 61 bytes, magic 2 (INVALID_RECORD, as
 * Kafka's ProduceRequest.validateRecords), baseOffset 0 (INVALID_RECORD), size <= max.message.bytes
 * (MESSAGE_TOO_LARGE), CRC (CORRUPT_MESSAGE), offset range and record count consistent, no control batch
 * and no negative sequence with a producer id (INVALID_RECORD), no LogAppendTime claimed by a producer
 * unless the topic checks its timestamp as a CreateTime (INVALID_TIMESTAMP). Timestamp bounds
 * (message.timestamp.before/after.max.ms) hold for every record, so they are checked by the record walk
 * (recordWorkFor) when set. The whole request larger than segment.bytes is RECORD_LIST_TOO_LARGE. Appends from a
 * coordinator (transaction markers, transactional offset commits) may hold control batches and carry a
 * producer id without sequence numbers, as Kafka's LogValidator checks those two only for clients.
 */
export function validateLeaderAppend(
  records: Buffer,
  config: LogConfig,
  origin: AppendOrigin = AppendOrigin.Client,
): AppendAnalysis {
  const fromClient = origin === AppendOrigin.Client
  if (records.length === 0) throw invalidRecord('Produce request has no record batch')
  const createTime = config.messageTimestampType === MessageTimestampType.CreateTime
  const positions: number[] = []
  let offsetCount = 0
  let recordCount = 0
  let maxTimestamp = NO_TIMESTAMP
  let maxTimestampPosition = 0
  let pos = 0
  while (pos < records.length) {
    const size = checkFrame(records, pos)
    if (batchBaseOffset(records, pos) !== 0) {
      throw invalidRecord(
        `The baseOffset of the record batch in the append should be 0, but it is ${batchBaseOffset(records, pos)}`,
      )
    }
    if (size > config.maxMessageBytes) {
      throw new KafkaProtocolError(
        ErrorCode.MESSAGE_TOO_LARGE,
        `The record batch size in the append is ${size} bytes which exceeds the maximum configured value of ${config.maxMessageBytes}.`,
      )
    }
    if (!isBatchCrcValid(records, pos)) throw corrupt(`Record batch at byte ${pos} is corrupt (CRC mismatch)`)
    const delta = batchLastOffsetDelta(records, pos)
    const count = batchRecordCount(records, pos)
    if (delta < 0) throw invalidRecord(`Batch has an invalid offset range: lastOffsetDelta ${delta}`)
    if (count <= 0) throw invalidRecord(`Invalid reported count for record batch: ${count}`)
    if (count !== delta + 1) {
      throw invalidRecord(`Inconsistent batch offset range [0, ${delta}] and count of records ${count}`)
    }
    if (fromClient && batchIsControl(records, pos))
      throw invalidRecord('Clients are not allowed to write control records')
    if (fromClient && batchProducerId(records, pos) >= 0 && batchBaseSequence(records, pos) < 0) {
      throw invalidRecord(
        `Invalid sequence number ${batchBaseSequence(records, pos)} in record batch with a producer id`,
      )
    }
    const batchMax = batchMaxTimestamp(records, pos)
    checkTimestampType(records, pos, batchMax, createTime)
    if (batchMax > maxTimestamp) {
      maxTimestamp = batchMax
      maxTimestampPosition = pos
    }
    positions.push(pos)
    offsetCount += delta + 1
    recordCount += count
    pos += size
  }
  if (records.length > config.segmentBytes) {
    throw new KafkaProtocolError(
      ErrorCode.RECORD_LIST_TOO_LARGE,
      `Message batch size is ${records.length} bytes, which exceeds the maximum configured segment size of ${config.segmentBytes}.`,
    )
  }
  if (offsetCount > INT32_MAX) throw invalidRecord('Append spans more offsets than a segment can address')
  return { positions, offsetCount, recordCount, maxTimestamp, maxTimestampPosition }
}

/**
 * Kafka's LogValidator.validateTimestamp for a LogAppendTime batch from a producer: its records report the
 * batch's maxTimestamp, which is range-checked like a CreateTime on CreateTime topics; anywhere else (a
 * LogAppendTime topic, or no timestamp) the claim is refused.
 */
function checkTimestampType(records: Buffer, pos: number, batchMax: number, createTime: boolean): void {
  if (batchTimestampType(records, pos) !== TimestampType.LogAppendTime) return
  if (createTime && batchMax !== NO_TIMESTAMP) return
  throw new KafkaProtocolError(
    ErrorCode.INVALID_TIMESTAMP,
    'Invalid timestamp type in message. Producer should not set timestamp type to LogAppendTime.',
  )
}

/** What a follower append carries: positions plus the offset range as the leader assigned it. */
export interface FollowerAppendAnalysis extends AppendAnalysis {
  readonly firstOffset: number
  readonly lastOffset: number
}

/**
 * Checks for appends that keep their offsets (replication, the metadata log): complete v2 batches with a
 * valid CRC and strictly increasing offsets, the first at or after `logEndOffset`.
 */
export function validateFollowerAppend(records: Buffer, logEndOffset: number): FollowerAppendAnalysis {
  if (records.length === 0) throw invalidRecord('Append has no record batch')
  const positions: number[] = []
  let recordCount = 0
  let offsetCount = 0
  let maxTimestamp = NO_TIMESTAMP
  let maxTimestampPosition = 0
  let firstOffset = -1
  let expected = logEndOffset
  let pos = 0
  while (pos < records.length) {
    const size = checkFrame(records, pos)
    if (!isBatchCrcValid(records, pos)) throw corrupt(`Record batch at byte ${pos} is corrupt (CRC mismatch)`)
    const base = batchBaseOffset(records, pos)
    const delta = batchLastOffsetDelta(records, pos)
    if (delta < 0) throw invalidRecord(`Batch has an invalid offset range: lastOffsetDelta ${delta}`)
    if (base < expected) {
      throw invalidRecord(`Out of order offsets in append: batch base offset ${base} is below the expected ${expected}`)
    }
    if (firstOffset < 0) firstOffset = base
    const batchMax = batchMaxTimestamp(records, pos)
    if (batchMax > maxTimestamp) {
      maxTimestamp = batchMax
      maxTimestampPosition = pos
    }
    positions.push(pos)
    recordCount += batchRecordCount(records, pos)
    offsetCount += delta + 1
    expected = base + delta + 1
    pos += size
  }
  return {
    positions,
    offsetCount,
    recordCount,
    maxTimestamp,
    maxTimestampPosition,
    firstOffset,
    lastOffset: expected - 1,
  }
}

/** The CreateTime window every record's timestamp must fall in: [nowMs - beforeMaxMs, nowMs + afterMaxMs]. */
export interface TimestampBounds {
  readonly nowMs: number
  readonly beforeMaxMs: number
  readonly afterMaxMs: number
}

/**
 * Record-level work a leader append needs beyond the header checks (Kafka's LogValidator paths that
 * iterate records): on compacted topics every record must have a key (INVALID_RECORD otherwise); with
 * message.timestamp.before/after.max.ms set on a CreateTime topic every record's timestamp must be within
 * them (INVALID_TIMESTAMP); when the topic's compression.type names a codec other than the batch's, the
 * batch is recompressed to it. `targetCodecs[i]` is the codec batch i is rewritten to, or null to keep it
 * as the producer sent it.
 */
export interface RecordWork {
  readonly checkKeys: boolean
  readonly timestampBounds: TimestampBounds | null
  readonly targetCodecs: readonly (CompressionType | null)[]
}

const CODEC_BY_NAME: Readonly<Record<CompressionTypeName, CompressionType | null>> = {
  producer: null,
  uncompressed: CompressionType.None,
  gzip: CompressionType.Gzip,
  snappy: CompressionType.Snappy,
  lz4: CompressionType.Lz4,
  zstd: CompressionType.Zstd,
}

/** Long.MAX_VALUE, the "unbounded" default of the timestamp bounds, reads as MAX_SAFE_INTEGER in a LogConfig. */
const UNBOUNDED_MS = Number.MAX_SAFE_INTEGER

function timestampBoundsFor(config: LogConfig, nowMs: number): TimestampBounds | null {
  if (config.messageTimestampType !== MessageTimestampType.CreateTime) return null
  const beforeMaxMs = config.messageTimestampBeforeMaxMs
  const afterMaxMs = config.messageTimestampAfterMaxMs
  if (beforeMaxMs >= UNBOUNDED_MS && afterMaxMs >= UNBOUNDED_MS) return null
  return { nowMs, beforeMaxMs, afterMaxMs }
}

/** The record work an append needs, or null for none (the common case: batches stay opaque). */
export function recordWorkFor(
  records: Buffer,
  analysis: AppendAnalysis,
  config: LogConfig,
  nowMs: number,
): RecordWork | null {
  const topicCodec = CODEC_BY_NAME[config.compressionType]
  let recompress = false
  const targetCodecs = analysis.positions.map((pos) => {
    if (topicCodec === null || batchCompression(records, pos) === topicCodec) return null
    recompress = true
    return topicCodec
  })
  const timestampBounds = timestampBoundsFor(config, nowMs)
  if (!recompress && !config.cleanupPolicyCompact && timestampBounds === null) return null
  return { checkKeys: config.cleanupPolicyCompact, timestampBounds, targetCodecs }
}

/**
 * Performs the record work: decompresses where needed (off the event loop), checks keys and timestamps,
 * and rebuilds recompressed batches (same header fields, new codec bits, length and CRC). Returns
 * `records` itself when nothing was rewritten.
 */
export async function applyRecordWork(
  records: Buffer,
  analysis: AppendAnalysis,
  work: RecordWork,
  config: LogConfig,
  topicPartition: string,
): Promise<Buffer> {
  const out: Buffer[] = []
  let rewritten = false
  const checkRecords = work.checkKeys || work.timestampBounds !== null
  for (const [i, pos] of analysis.positions.entries()) {
    const end = pos + batchSize(records, pos)
    const target = work.targetCodecs[i] ?? null
    const codec = batchCompression(records, pos) as CompressionType
    const raw = records.subarray(pos + BATCH_HEADER_BYTES, end)
    let section: Buffer | null = null
    if (checkRecords || target !== null) section = await decompressRecords(codec, raw)
    if (checkRecords) validateRecords(records, pos, section!, work, topicPartition)
    if (target === null) {
      out.push(records.subarray(pos, end))
      continue
    }
    const payload =
      target === CompressionType.None ? section! : await compressAsync(target, section!, levelFor(target, config))
    out.push(withPayload(records, pos, payload, target))
    rewritten = true
  }
  return rewritten ? Buffer.concat(out) : records
}

async function decompressRecords(codec: CompressionType, raw: Buffer): Promise<Buffer> {
  if (codec === CompressionType.None) return raw
  try {
    return await decompressAsync(codec, raw)
  } catch (err) {
    throw new KafkaProtocolError(
      ErrorCode.CORRUPT_MESSAGE,
      `Record batch does not decompress: ${(err as Error).message}`,
    )
  }
}

/**
 * Kafka's LogValidator.validateRecord over one batch's records section: each record gets at most one
 * error, a missing key on a compacted topic first, else a timestamp out of bounds. Any error fails the
 * batch with every record error listed (RecordValidationException): INVALID_TIMESTAMP if one of them is
 * a timestamp, INVALID_RECORD otherwise, with Kafka's messages.
 */
function validateRecords(
  records: Buffer,
  pos: number,
  section: Buffer,
  work: RecordWork,
  topicPartition: string,
): void {
  const bounds = work.timestampBounds
  // A LogAppendTime batch's records all report its maxTimestamp (Kafka's DefaultRecordBatch).
  const logAppendTime = batchTimestampType(records, pos) === TimestampType.LogAppendTime
  const baseTimestamp = batchBaseTimestamp(records, pos)
  const batchMax = batchMaxTimestamp(records, pos)
  const errors: RecordError[] = []
  let timestampErrors = 0
  try {
    const cursor = new RecordCursor(section, 0, section.length, batchRecordCount(records, pos))
    for (let index = 0; cursor.next(); index++) {
      if (work.checkKeys && !cursor.hasKey) {
        errors.push({
          batchIndex: index,
          message: `Compacted topic cannot accept message without key in topic partition ${topicPartition}`,
        })
        continue
      }
      if (bounds === null) continue
      const timestamp = logAppendTime ? batchMax : baseTimestamp + cursor.timestampDelta
      if (timestamp === NO_TIMESTAMP) continue
      const diff = bounds.nowMs - timestamp
      if (diff > bounds.beforeMaxMs || -diff > bounds.afterMaxMs) {
        errors.push({ batchIndex: index, message: timestampMessage(timestamp, cursor.offsetDelta, bounds) })
        timestampErrors++
      }
    }
  } catch (err) {
    throw corrupt(`Record batch is corrupt: ${(err as Error).message}`)
  }
  if (errors.length === 0) return
  if (timestampErrors > 0) {
    throw new KafkaProtocolError(
      ErrorCode.INVALID_TIMESTAMP,
      'One or more records have been rejected due to invalid timestamp',
      errors,
    )
  }
  const shown = errors.slice(0, 3).map((e) => `RecordError(batchIndex=${e.batchIndex}, message='${e.message}')`)
  throw new KafkaProtocolError(
    ErrorCode.INVALID_RECORD,
    `One or more records have been rejected due to ${errors.length} record errors in total, and only showing the first three errors at most: [${shown.join(', ')}]`,
    errors,
  )
}

const LONG_MAX = 2n ** 63n - 1n

/** Kafka's text, window ends included, computed as Java's 64-bit longs would be (an unbounded end wraps). */
function timestampMessage(timestamp: number, offset: number, bounds: TimestampBounds): string {
  const ms = (v: number): bigint => (v >= UNBOUNDED_MS ? LONG_MAX : BigInt(v))
  const now = BigInt(bounds.nowMs)
  const low = BigInt.asIntN(64, now - ms(bounds.beforeMaxMs))
  const high = BigInt.asIntN(64, now + ms(bounds.afterMaxMs))
  return `Timestamp ${timestamp} of message with offset ${offset} is out of range. The timestamp should be within [${low}, ${high}]`
}

/** compression.lz4.level is not here: lz4-napi (lz4_flex) has one level only. */
function levelFor(codec: CompressionType, config: LogConfig): CompressOptions {
  if (codec === CompressionType.Gzip && config.compressionGzipLevel !== -1)
    return { level: config.compressionGzipLevel }
  if (codec === CompressionType.Zstd) return { level: config.compressionZstdLevel }
  return {}
}

/** The batch at `pos` with its records section replaced by `payload` in codec `codec`; new length and CRC. */
function withPayload(records: Buffer, pos: number, payload: Buffer, codec: CompressionType): Buffer {
  const out = Buffer.allocUnsafe(BATCH_HEADER_BYTES + payload.length)
  records.copy(out, 0, pos, pos + BATCH_HEADER_BYTES)
  payload.copy(out, BATCH_HEADER_BYTES)
  out.writeInt32BE(out.length - BATCH_LOG_OVERHEAD, 8)
  const attributes = (batchAttributes(records, pos) & ~Attributes.CompressionMask) | codec
  out.writeInt16BE(attributes, BATCH_ATTRIBUTES_OFFSET)
  out.writeUInt32BE(computeBatchCrc(out, 0), BATCH_CRC_OFFSET)
  return out
}
