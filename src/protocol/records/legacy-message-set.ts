import { crc32 } from '@node-rs/crc32'
import { CompressionType, compress, compressAsync, decompress, decompressAsync } from './compression/index.ts'
import { corruptRecord, decodingRecords } from './corrupt-record.ts'
import { BATCH_LOG_OVERHEAD, TimestampType } from './record-batch.ts'
import { readInt64At, writeInt64At } from './record-bytes.ts'
import type { DecodedRecord, DecodedRecordBatch, DecodeOptions } from './record-types.ts'

/**
 * Kafka message format v0 and v1 (magic 0 and 1), a sequence of entries without a count:
 *
 *   offset int64, messageSize int32, then the message:
 *   crc uint32 (CRC-32/IEEE of magic..end), magic int8, attributes int8 (bits 0-2 codec, v1 bit 3
 *   LogAppendTime), [timestamp int64, v1 only], key (int32 length, -1 = null), value (int32 length, -1 = null)
 *
 * A compressed message (codec gzip, snappy or lz4) holds an inner message set in its value. Inner offsets
 * are absolute in magic 0; in magic 1 they are relative and the wrapper's offset is the absolute offset of
 * the last inner message.
 */
/** messageSize of a v0 message with null key and value: crc, magic, attributes, two lengths. */
export const LEGACY_MESSAGE_BYTES_MIN = 14
const LEGACY_MESSAGE_BYTES_MIN_V1 = 22
const LEGACY_TIMESTAMP_TYPE = 0x08
const CRC_OFFSET = BATCH_LOG_OVERHEAD
const MAGIC_OFFSET = BATCH_LOG_OVERHEAD + 4
/** Kafka's marker for "no timestamp", what every magic 0 message has. */
const NO_TIMESTAMP = -1

interface LegacyMessage {
  offset: number
  messageSize: number
  crc: number
  magic: number
  attributes: number
  timestamp: number
  key: Buffer | null
  value: Buffer | null
}

function readLegacyBytes(buf: Buffer, pos: number, end: number): Buffer | null {
  const n = buf.readInt32BE(pos)
  if (n === -1) return null
  if (n < -1 || pos + 4 + n > end) throw corruptRecord(`invalid legacy field length ${n}`)
  return buf.subarray(pos + 4, pos + 4 + n)
}

/** Reads the entry at `pos`, which must lie entirely before `end`. */
function readLegacyMessage(buf: Buffer, pos: number, end: number, verifyCrc: boolean): LegacyMessage {
  if (pos + MAGIC_OFFSET + 1 > end) throw corruptRecord('truncated legacy message header')
  const messageSize = buf.readInt32BE(pos + 8)
  const magic = buf.readInt8(pos + MAGIC_OFFSET)
  if (magic !== 0 && magic !== 1) throw corruptRecord(`unexpected magic ${magic} in a legacy message set`)
  const minimum = magic === 0 ? LEGACY_MESSAGE_BYTES_MIN : LEGACY_MESSAGE_BYTES_MIN_V1
  if (messageSize < minimum) throw corruptRecord(`legacy message size ${messageSize} is below ${minimum}`)
  const messageEnd = pos + BATCH_LOG_OVERHEAD + messageSize
  if (messageEnd > end) throw corruptRecord(`legacy message size ${messageSize} exceeds the bytes given`)
  const crc = buf.readUInt32BE(pos + CRC_OFFSET)
  if (verifyCrc && crc32(buf.subarray(pos + MAGIC_OFFSET, messageEnd)) >>> 0 !== crc) {
    throw corruptRecord('legacy message CRC-32 mismatch')
  }
  let p = pos + MAGIC_OFFSET + 2
  let timestamp = NO_TIMESTAMP
  if (magic === 1) {
    timestamp = readInt64At(buf, p)
    p += 8
  }
  // Four bytes stay reserved for the value length after the key.
  const key = readLegacyBytes(buf, p, messageEnd - 4)
  p += 4 + (key?.length ?? 0)
  const value = readLegacyBytes(buf, p, messageEnd)
  p += 4 + (value?.length ?? 0)
  if (p !== messageEnd) throw corruptRecord(`legacy message has ${messageEnd - p} bytes after its value`)
  const attributes = buf[pos + MAGIC_OFFSET + 1]!
  return { offset: readInt64At(buf, pos), messageSize, crc, magic, attributes, timestamp, key, value }
}

const isLegacyCodec = (codec: number): codec is CompressionType =>
  codec === CompressionType.Gzip || codec === CompressionType.Snappy || codec === CompressionType.Lz4

/**
 * The messages inside a compressed wrapper, with absolute offsets (Kafka's DeepRecordsIterator).
 * `decompressed`: the wrapper's value already decompressed (by the async decoder).
 */
function readInnerMessages(
  wrapper: LegacyMessage,
  codec: number,
  options: DecodeOptions,
  decompressed: Buffer | null,
): DecodedRecord[] {
  if (!isLegacyCodec(codec)) throw corruptRecord(`compression type ${codec} is not valid for magic ${wrapper.magic}`)
  if (wrapper.value === null) throw corruptRecord('compressed legacy message with a null value')
  const inner = decompressed ?? decompress(codec, wrapper.value, options.decompressedBytesMax)
  const logAppendTime = wrapper.magic === 1 && (wrapper.attributes & LEGACY_TIMESTAMP_TYPE) !== 0
  const records: DecodedRecord[] = []
  let pos = 0
  while (pos < inner.length) {
    const m = readLegacyMessage(inner, pos, inner.length, options.verifyCrc !== false)
    if ((m.attributes & 0x07) !== 0) throw corruptRecord('inner legacy messages must not be compressed')
    const timestamp = m.magic === 0 ? NO_TIMESTAMP : logAppendTime ? wrapper.timestamp : m.timestamp
    records.push({ offset: m.offset, timestamp, key: m.key, value: m.value, headers: [] })
    pos += BATCH_LOG_OVERHEAD + m.messageSize
  }
  const last = records.at(-1)
  if (last === undefined) throw corruptRecord('compressed legacy message without inner messages')
  // Magic 1: relative inner offsets. A wrapper offset of 0 comes from producers (librdkafka, kafka-python).
  if (wrapper.magic === 1 && wrapper.offset !== 0) {
    if (wrapper.offset < last.offset) throw corruptRecord('wrapper offset below the last inner offset')
    const base = wrapper.offset - last.offset
    for (const r of records) r.offset += base
  }
  return records
}

/** Decodes the legacy entry at `pos` as a batch: one record, or every message of a compressed wrapper. */
export function decodeLegacyEntry(buf: Buffer, pos: number, options: DecodeOptions): DecodedRecordBatch {
  return entryAsBatch(readLegacyMessage(buf, pos, buf.length, options.verifyCrc !== false), options, null)
}

/** Like decodeLegacyEntry, decompressing a wrapper on libuv's thread pool. */
export async function decodeLegacyEntryAsync(
  buf: Buffer,
  pos: number,
  options: DecodeOptions,
): Promise<DecodedRecordBatch> {
  const m = decodingRecords('legacy message', () =>
    readLegacyMessage(buf, pos, buf.length, options.verifyCrc !== false),
  )
  const codec = m.attributes & 0x07
  const inner =
    isLegacyCodec(codec) && m.value !== null
      ? await decompressAsync(codec, m.value, options.decompressedBytesMax)
      : null
  return decodingRecords('legacy message', () => entryAsBatch(m, options, inner))
}

function entryAsBatch(m: LegacyMessage, options: DecodeOptions, inner: Buffer | null): DecodedRecordBatch {
  const codec = m.attributes & 0x07
  const records =
    codec === CompressionType.None
      ? [{ offset: m.offset, timestamp: m.timestamp, key: m.key, value: m.value, headers: [] }]
      : readInnerMessages(m, codec, options, inner)
  const first = records[0]!
  return {
    baseOffset: first.offset,
    batchLength: m.messageSize,
    partitionLeaderEpoch: -1,
    magic: m.magic,
    crc: m.crc,
    attributes: m.attributes,
    compression: codec as CompressionType,
    timestampType:
      m.magic === 1 && m.attributes & LEGACY_TIMESTAMP_TYPE ? TimestampType.LogAppendTime : TimestampType.CreateTime,
    isTransactional: false,
    isControl: false,
    lastOffsetDelta: records.at(-1)!.offset - first.offset,
    baseTimestamp: first.timestamp,
    maxTimestamp: m.timestamp,
    producerId: -1,
    producerEpoch: -1,
    baseSequence: -1,
    recordCount: records.length,
    records,
  }
}

export interface LegacyMessageInput {
  offset: number
  timestamp: number
  key: Buffer | null
  value: Buffer | null
}

function legacyEntryBytes(magic: 0 | 1, m: LegacyMessageInput): number {
  const base = magic === 0 ? LEGACY_MESSAGE_BYTES_MIN : LEGACY_MESSAGE_BYTES_MIN_V1
  return BATCH_LOG_OVERHEAD + base + (m.key?.length ?? 0) + (m.value?.length ?? 0)
}

function writeLegacyBytes(buf: Buffer, pos: number, b: Buffer | null): number {
  if (b === null) return buf.writeInt32BE(-1, pos)
  buf.writeInt32BE(b.length, pos)
  return pos + 4 + b.copy(buf, pos + 4)
}

function writeLegacyEntry(buf: Buffer, pos: number, magic: 0 | 1, attributes: number, m: LegacyMessageInput): number {
  const end = pos + legacyEntryBytes(magic, m)
  writeInt64At(buf, pos, m.offset)
  buf.writeInt32BE(end - pos - BATCH_LOG_OVERHEAD, pos + 8)
  buf.writeInt8(magic, pos + MAGIC_OFFSET)
  buf.writeInt8(attributes, pos + MAGIC_OFFSET + 1)
  let p = pos + MAGIC_OFFSET + 2
  if (magic === 1) p = writeInt64At(buf, p, m.timestamp)
  p = writeLegacyBytes(buf, p, m.key)
  writeLegacyBytes(buf, p, m.value)
  buf.writeUInt32BE(crc32(buf.subarray(pos + MAGIC_OFFSET, end)) >>> 0, pos + CRC_OFFSET)
  return end
}

/** Encodes messages as a legacy message set, all with the same magic and attributes. */
export function encodeLegacyMessages(
  magic: 0 | 1,
  attributes: number,
  messages: readonly LegacyMessageInput[],
): Buffer {
  let bytes = 0
  for (const m of messages) bytes += legacyEntryBytes(magic, m)
  const buf = Buffer.allocUnsafe(bytes)
  let pos = 0
  for (const m of messages) pos = writeLegacyEntry(buf, pos, magic, attributes, m)
  return buf
}

/**
 * Encodes messages as one compressed wrapper message, as Kafka's MemoryRecordsBuilder does: inner offsets
 * absolute (magic 0) or relative to the first (magic 1), the wrapper at the last offset with the given
 * timestamp, and for LZ4 in magic 0 the pre-0.10 frame header checksum.
 */
export function encodeLegacyWrapper(
  magic: 0 | 1,
  codec: CompressionType,
  timestampAttribute: number,
  wrapperTimestamp: number,
  messages: readonly LegacyMessageInput[],
): Buffer {
  const value = compress(codec, innerMessageSet(magic, timestampAttribute, messages), {
    lz4BrokenHeaderChecksum: magic === 0,
  })
  return wrapperMessage(magic, codec, timestampAttribute, wrapperTimestamp, messages, value)
}

/** Like encodeLegacyWrapper, compressing on libuv's thread pool (for request paths). */
export async function encodeLegacyWrapperAsync(
  magic: 0 | 1,
  codec: CompressionType,
  timestampAttribute: number,
  wrapperTimestamp: number,
  messages: readonly LegacyMessageInput[],
): Promise<Buffer> {
  const value = await compressAsync(codec, innerMessageSet(magic, timestampAttribute, messages), {
    lz4BrokenHeaderChecksum: magic === 0,
  })
  return wrapperMessage(magic, codec, timestampAttribute, wrapperTimestamp, messages, value)
}

function innerMessageSet(magic: 0 | 1, timestampAttribute: number, messages: readonly LegacyMessageInput[]): Buffer {
  const first = messages[0]?.offset ?? 0
  const inner = magic === 0 ? messages : messages.map((m) => ({ ...m, offset: m.offset - first }))
  return encodeLegacyMessages(magic, timestampAttribute, inner)
}

function wrapperMessage(
  magic: 0 | 1,
  codec: CompressionType,
  timestampAttribute: number,
  wrapperTimestamp: number,
  messages: readonly LegacyMessageInput[],
  value: Buffer,
): Buffer {
  const wrapper = { offset: messages.at(-1)?.offset ?? 0, timestamp: wrapperTimestamp, key: null, value }
  return encodeLegacyMessages(magic, codec | timestampAttribute, [wrapper])
}
