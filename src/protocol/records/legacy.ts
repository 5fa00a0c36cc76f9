import { SamsaError } from '../../common/errors.ts'
import { ErrorCode } from '../error-codes.ts'
import { KafkaProtocolError } from '../kafka-protocol-error.ts'
import { CompressionType } from './compression/index.ts'
import { corruptRecord } from './corrupt-record.ts'
import type { LegacyMessageInput } from './legacy-message-set.ts'
import { encodeLegacyMessages, encodeLegacyWrapperAsync, LEGACY_MESSAGE_BYTES_MIN } from './legacy-message-set.ts'
import {
  Attributes,
  BATCH_HEADER_BYTES,
  BATCH_LOG_OVERHEAD,
  BATCH_MAGIC_OFFSET,
  TimestampType,
} from './record-batch.ts'
import type { DecodedRecordBatch, RecordInput } from './record-types.ts'
import { decodeRecordBatchAsync, encodeRecordBatchAsync, NO_TIMESTAMP } from './records.ts'

/**
 * Conversion between Kafka's legacy message sets (magic 0/1) and record batches v2: up-conversion for
 * Produce v0-v2 (Sarama's default still sends magic 0) and down-conversion for Fetch v0-v3. Kafka 4.0
 * dropped both (KIP-724); Samsa keeps them for old clients. Both run on request paths, so compression
 * and decompression go to libuv's thread pool (the async codecs), off the event loop.
 */
const LEGACY_TIMESTAMP_TYPE = 0x08

/** True when the first entry of `buf` is a magic 0 or 1 message. */
export function isLegacyMessageSet(buf: Buffer): boolean {
  if (buf.length <= BATCH_MAGIC_OFFSET) return false
  const magic = buf[BATCH_MAGIC_OFFSET]
  return magic === 0 || magic === 1
}

export interface UpConvertOptions {
  /** The broker's clock, written as maxTimestamp when the topic uses LogAppendTime. */
  nowMs: number
  /** The topic's message.timestamp.type; default CreateTime. */
  timestampType?: TimestampType
  /** The topic's compression.type when it is not `producer`; default: the producer's codec. */
  compression?: CompressionType
}

/** Decodes one produced legacy entry, mapping every defect to the error code Kafka answers with. */
async function decodeProducedEntry(buf: Buffer, pos: number): Promise<DecodedRecordBatch> {
  const magic = buf[pos + BATCH_MAGIC_OFFSET]
  if (magic !== 0 && magic !== 1) {
    throw new KafkaProtocolError(ErrorCode.INVALID_RECORD, `magic ${magic} in a legacy message set`)
  }
  if ((buf[pos + BATCH_MAGIC_OFFSET + 1]! & 0x07) === CompressionType.Zstd) {
    // ProduceRequest: zstd needs Produce v7+ (and magic 2).
    throw new KafkaProtocolError(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE)
  }
  try {
    return await decodeRecordBatchAsync(buf, pos, { verifyCrc: true })
  } catch (err) {
    if (err instanceof SamsaError) throw new KafkaProtocolError(ErrorCode.CORRUPT_MESSAGE, err.message)
    throw err
  }
}

/**
 * What the broker does with a Produce v0-v2 message set: checks every message's CRC-32 (wrappers and inner
 * messages; a mismatch is CORRUPT_MESSAGE) and returns one v2 record batch holding all the records, like
 * Kafka's LogValidator: compressed with the producer's codec (the last compressed wrapper's), producerId
 * -1, timestamps from magic 1 messages and -1 (NO_TIMESTAMP) for magic 0. A partial trailing message is
 * dropped, as Kafka trims it; an input without a complete message yields an empty Buffer.
 */
export async function upConvertMessageSet(buf: Buffer, options: UpConvertOptions): Promise<Buffer> {
  const records: RecordInput[] = []
  let sourceCompression: CompressionType = CompressionType.None
  let pos = 0
  while (pos + BATCH_LOG_OVERHEAD <= buf.length) {
    const length = buf.readInt32BE(pos + 8)
    if (length < LEGACY_MESSAGE_BYTES_MIN) {
      throw new KafkaProtocolError(ErrorCode.CORRUPT_MESSAGE, `message size ${length} is below the minimum`)
    }
    if (pos + BATCH_LOG_OVERHEAD + length > buf.length) break
    const batch = await decodeProducedEntry(buf, pos)
    if (batch.compression !== CompressionType.None) sourceCompression = batch.compression
    for (const r of batch.records) records.push({ key: r.key, value: r.value, timestamp: r.timestamp })
    pos += BATCH_LOG_OVERHEAD + length
  }
  if (records.length === 0) return Buffer.alloc(0)
  const timestampType = options.timestampType ?? TimestampType.CreateTime
  return encodeRecordBatchAsync({
    compression: options.compression ?? sourceCompression,
    timestampType,
    ...(timestampType === TimestampType.LogAppendTime ? { logAppendTimeMs: options.nowMs } : {}),
    producerId: -1,
    producerEpoch: -1,
    baseSequence: -1,
    records,
  })
}

export interface DownConvertOptions {
  /**
   * The fetch offset. Records of uncompressed batches below it are dropped (each becomes its own message
   * in magic 0/1, and some librdkafka versions rely on not seeing them), as Kafka's RecordsUtil does.
   */
  firstOffset?: number
}

/** Converts one decoded batch to legacy entries (Kafka's RecordsUtil.convertRecordBatch). */
async function convertBatch(batch: DecodedRecordBatch, toMagic: 0 | 1, firstOffset: number): Promise<Buffer | null> {
  const compressed = batch.compression !== CompressionType.None
  const records = compressed ? batch.records : batch.records.filter((r) => r.offset >= firstOffset)
  if (records.length === 0) return null
  const logAppendTime = batch.timestampType === TimestampType.LogAppendTime
  const timestampAttribute = toMagic === 1 && logAppendTime ? LEGACY_TIMESTAMP_TYPE : 0
  let maxTimestamp = NO_TIMESTAMP
  const messages: LegacyMessageInput[] = records.map((r) => {
    const timestamp = toMagic === 0 ? NO_TIMESTAMP : logAppendTime ? batch.maxTimestamp : r.timestamp
    if (timestamp > maxTimestamp) maxTimestamp = timestamp
    return { offset: r.offset, timestamp, key: r.key, value: r.value }
  })
  if (!compressed) return encodeLegacyMessages(toMagic, timestampAttribute, messages)
  return encodeLegacyWrapperAsync(toMagic, batch.compression, timestampAttribute, maxTimestamp, messages)
}

/**
 * What Fetch v0-v3 needs: converts the record batches in `batches` to a legacy message set of magic
 * `toMagic` with the same offsets, keys, values and (magic 1) timestamps; headers are dropped. A compressed
 * batch becomes one wrapper message with the same codec. Control batches are skipped and a truncated
 * trailing batch is ignored, as in Kafka. Entries already at or below `toMagic` are copied unchanged.
 * Throws KafkaProtocolError(UNSUPPORTED_COMPRESSION_TYPE) for a zstd batch, which magic 0/1 cannot hold.
 */
export async function downConvertBatches(
  batches: Buffer,
  toMagic: 0 | 1,
  options: DownConvertOptions = {},
): Promise<Buffer> {
  const firstOffset = options.firstOffset ?? 0
  const out: Buffer[] = []
  let pos = 0
  while (pos + BATCH_LOG_OVERHEAD <= batches.length) {
    const length = batches.readInt32BE(pos + 8)
    if (length < LEGACY_MESSAGE_BYTES_MIN) throw corruptRecord(`batch length ${length} at position ${pos} is too small`)
    const size = BATCH_LOG_OVERHEAD + length
    if (pos + size > batches.length) break
    const magic = batches.readInt8(pos + BATCH_MAGIC_OFFSET)
    if ((magic === 0 || magic === 1) && magic <= toMagic) {
      out.push(batches.subarray(pos, pos + size))
    } else if (magic !== 2 || size < BATCH_HEADER_BYTES || !shouldSkipBatch(batches, pos)) {
      const batch = await decodeRecordBatchAsync(batches, pos, { verifyCrc: false })
      const converted = await convertBatch(batch, toMagic, firstOffset)
      if (converted !== null) out.push(converted)
    }
    pos += size
  }
  return Buffer.concat(out)
}

/** Control batches are dropped; zstd cannot be expressed (Kafka answers UNSUPPORTED_COMPRESSION_TYPE). */
function shouldSkipBatch(buf: Buffer, pos: number): boolean {
  const attributes = buf.readInt16BE(pos + 21)
  if ((attributes & Attributes.Control) !== 0) return true
  if ((attributes & Attributes.CompressionMask) === CompressionType.Zstd) {
    throw new KafkaProtocolError(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, 'zstd batches cannot be down-converted')
  }
  return false
}
