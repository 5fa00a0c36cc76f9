import assert from 'node:assert/strict'
import { Reader } from '../primitives/reader.ts'
import {
  CompressionType,
  compress,
  compressAsync,
  decompress,
  decompressAsync,
  isCompressionType,
} from './compression/index.ts'
import { corruptRecord, decodingRecords } from './corrupt-record.ts'
import { crc32c } from './crc32c.ts'
import { decodeLegacyEntry, decodeLegacyEntryAsync, LEGACY_MESSAGE_BYTES_MIN } from './legacy-message-set.ts'
import {
  Attributes,
  BATCH_ATTRIBUTES_OFFSET,
  BATCH_CRC_OFFSET,
  BATCH_HEADER_BYTES,
  BATCH_LOG_OVERHEAD,
  BATCH_MAGIC_OFFSET,
  TimestampType,
} from './record-batch.ts'
import {
  readInt64At,
  sizeOfRecordBytes,
  sizeOfVarint,
  writeInt64At,
  writeRecordBytesAt,
  writeVarintAt,
} from './record-bytes.ts'
import type {
  DecodedRecord,
  DecodedRecordBatch,
  DecodeOptions,
  RecordBatchInput,
  RecordHeader,
  RecordInput,
} from './record-types.ts'

export type {
  DecodedRecord,
  DecodedRecordBatch,
  DecodeOptions,
  RecordBatchInput,
  RecordHeader,
  RecordInput,
} from './record-types.ts'

/**
 * Record batch v2 (magic 2) encoding and decoding, record by record. This is not the broker's hot path
 * (which keeps batches opaque, see record-batch.ts); it serves clients, down-conversion and compaction.
 * Record layout: length varint, attributes int8, timestampDelta varlong, offsetDelta varint, key, value,
 * header count varint, headers (key string, value bytes); byte fields are varint length (-1 = null) + bytes.
 */
export const NO_TIMESTAMP = -1
const MAGIC_V2 = 2
/** batchLength of a batch without records: the header after the batchLength field. */
const BATCH_LENGTH_MIN = BATCH_HEADER_BYTES - BATCH_LOG_OVERHEAD

function sizeOfRecordBody(record: RecordInput, timestampDelta: number, offsetDelta: number): number {
  let n = 1 + sizeOfVarint(timestampDelta) + sizeOfVarint(offsetDelta)
  n += sizeOfRecordBytes(record.key) + sizeOfRecordBytes(record.value)
  const headers = record.headers ?? []
  n += sizeOfVarint(headers.length)
  for (const h of headers) {
    const keyBytes = Buffer.byteLength(h.key, 'utf8')
    n += sizeOfVarint(keyBytes) + keyBytes + sizeOfRecordBytes(h.value)
  }
  return n
}

function writeRecord(
  buf: Buffer,
  pos: number,
  record: RecordInput,
  bodyBytes: number,
  tsDelta: number,
  offDelta: number,
) {
  pos = writeVarintAt(buf, pos, bodyBytes)
  buf[pos++] = 0
  pos = writeVarintAt(buf, pos, tsDelta)
  pos = writeVarintAt(buf, pos, offDelta)
  pos = writeRecordBytesAt(buf, pos, record.key)
  pos = writeRecordBytesAt(buf, pos, record.value)
  const headers = record.headers ?? []
  pos = writeVarintAt(buf, pos, headers.length)
  for (const h of headers) {
    pos = writeVarintAt(buf, pos, Buffer.byteLength(h.key, 'utf8'))
    pos += buf.write(h.key, pos, 'utf8')
    pos = writeRecordBytesAt(buf, pos, h.value)
  }
  return pos
}

interface RecordsLayout {
  deltas: readonly number[]
  bodies: number[]
  bytes: number
  baseTimestamp: number
  maxTimestamp: number
}

function layoutRecords(input: RecordBatchInput): RecordsLayout {
  const { records } = input
  const deltas = input.offsetDeltas ?? records.map((_, i) => i)
  assert.equal(deltas.length, records.length, 'offsetDeltas must have one delta per record')
  const baseTimestamp = input.deleteHorizonMs ?? records[0]?.timestamp ?? NO_TIMESTAMP
  // Like Kafka's MemoryRecordsBuilder: maxTimestamp starts at NO_TIMESTAMP.
  let maxTimestamp = NO_TIMESTAMP
  let bytes = 0
  const bodies = new Array<number>(records.length)
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!
    const body = sizeOfRecordBody(record, record.timestamp - baseTimestamp, deltas[i]!)
    bodies[i] = body
    bytes += sizeOfVarint(body) + body
    if (record.timestamp > maxTimestamp) maxTimestamp = record.timestamp
  }
  return { deltas, bodies, bytes, baseTimestamp, maxTimestamp }
}

function writeRecords(buf: Buffer, pos: number, input: RecordBatchInput, layout: RecordsLayout): void {
  const { records } = input
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!
    const tsDelta = record.timestamp - layout.baseTimestamp
    pos = writeRecord(buf, pos, record, layout.bodies[i]!, tsDelta, layout.deltas[i]!)
  }
}

function batchAttributes(input: RecordBatchInput): number {
  let attributes = input.compression ?? CompressionType.None
  if (input.timestampType === TimestampType.LogAppendTime) attributes |= Attributes.TimestampTypeLogAppendTime
  if (input.isTransactional === true) attributes |= Attributes.Transactional
  if (input.isControl === true) attributes |= Attributes.Control
  if (input.deleteHorizonMs !== undefined) attributes |= Attributes.DeleteHorizon
  return attributes
}

function writeBatchHeader(buf: Buffer, input: RecordBatchInput, layout: RecordsLayout): void {
  const logAppendTime = input.timestampType === TimestampType.LogAppendTime ? input.logAppendTimeMs : undefined
  writeInt64At(buf, 0, input.baseOffset ?? 0)
  buf.writeInt32BE(buf.length - BATCH_LOG_OVERHEAD, 8)
  buf.writeInt32BE(input.partitionLeaderEpoch ?? -1, 12)
  buf.writeInt8(MAGIC_V2, BATCH_MAGIC_OFFSET)
  buf.writeInt16BE(batchAttributes(input), BATCH_ATTRIBUTES_OFFSET)
  buf.writeInt32BE(input.lastOffsetDelta ?? layout.deltas.at(-1) ?? 0, 23)
  writeInt64At(buf, 27, layout.baseTimestamp)
  writeInt64At(buf, 35, logAppendTime ?? layout.maxTimestamp)
  writeInt64At(buf, 43, input.producerId ?? -1)
  buf.writeInt16BE(input.producerEpoch ?? -1, 51)
  buf.writeInt32BE(input.baseSequence ?? -1, 53)
  buf.writeInt32BE(input.records.length, 57)
  buf.writeUInt32BE(crc32c(buf.subarray(BATCH_ATTRIBUTES_OFFSET)), BATCH_CRC_OFFSET)
}

/**
 * Encodes one record batch v2: baseTimestamp from the first record (or the delete horizon), maxTimestamp,
 * lastOffsetDelta, the compressed records section and the CRC-32C. Kafka's producers send such batches
 * with baseOffset 0; the leader then assigns offsets in place.
 */
export function encodeRecordBatch(input: RecordBatchInput): Buffer {
  const layout = layoutRecords(input)
  const compression = input.compression ?? CompressionType.None
  if (compression === CompressionType.None) return uncompressedBatch(input, layout)
  return compressedBatch(input, layout, compress(compression, recordsSection(input, layout)))
}

/** Like encodeRecordBatch, compressing on libuv's thread pool (for request paths). */
export async function encodeRecordBatchAsync(input: RecordBatchInput): Promise<Buffer> {
  const layout = layoutRecords(input)
  const compression = input.compression ?? CompressionType.None
  if (compression === CompressionType.None) return uncompressedBatch(input, layout)
  return compressedBatch(input, layout, await compressAsync(compression, recordsSection(input, layout)))
}

function uncompressedBatch(input: RecordBatchInput, layout: RecordsLayout): Buffer {
  const batch = Buffer.allocUnsafe(BATCH_HEADER_BYTES + layout.bytes)
  writeRecords(batch, BATCH_HEADER_BYTES, input, layout)
  writeBatchHeader(batch, input, layout)
  return batch
}

function recordsSection(input: RecordBatchInput, layout: RecordsLayout): Buffer {
  const section = Buffer.allocUnsafe(layout.bytes)
  writeRecords(section, 0, input, layout)
  return section
}

function compressedBatch(input: RecordBatchInput, layout: RecordsLayout, compressed: Buffer): Buffer {
  const batch = Buffer.allocUnsafe(BATCH_HEADER_BYTES + compressed.length)
  compressed.copy(batch, BATCH_HEADER_BYTES)
  writeBatchHeader(batch, input, layout)
  return batch
}

function readRecordBytes(r: Reader): Buffer | null {
  const n = r.readVarint()
  if (n === -1) return null
  if (n < -1) throw corruptRecord(`invalid field length ${n}`)
  return r.readRaw(n)
}

function readHeaders(r: Reader): RecordHeader[] {
  const count = r.readVarint()
  if (count < 0 || count > r.remaining) throw corruptRecord(`invalid header count ${count}`)
  const headers: RecordHeader[] = []
  for (let i = 0; i < count; i++) {
    const keyBytes = r.readVarint()
    if (keyBytes < 0) throw corruptRecord(`invalid header key length ${keyBytes}`)
    const key = r.readRaw(keyBytes).toString('utf8')
    headers.push({ key, value: readRecordBytes(r) })
  }
  return headers
}

interface RecordContext {
  baseOffset: number
  baseTimestamp: number
  /** With LogAppendTime every record takes the batch's maxTimestamp. */
  fixedTimestamp: number | null
}

function readRecord(section: Reader, ctx: RecordContext): DecodedRecord {
  const length = section.readVarint()
  if (length < 0 || length > section.remaining) throw corruptRecord(`record length ${length} exceeds the batch`)
  const end = section.pos + length
  const r = new Reader(section.buf, section.pos, end)
  r.readInt8() // record attributes: unused
  const timestampDelta = r.readVarlong()
  const offsetDelta = r.readVarint()
  const key = readRecordBytes(r)
  const value = readRecordBytes(r)
  const headers = readHeaders(r)
  if (r.pos !== end) throw corruptRecord(`record declares ${length} bytes but uses ${r.pos - (end - length)}`)
  section.pos = end
  const timestamp = ctx.fixedTimestamp ?? ctx.baseTimestamp + timestampDelta
  return { offset: ctx.baseOffset + offsetDelta, timestamp, key, value, headers }
}

function readRecords(section: Buffer, count: number, ctx: RecordContext): DecodedRecord[] {
  // Each record takes at least one byte, so a count above the byte count is a lie, caught before looping.
  if (count > section.length) throw corruptRecord(`record count ${count} exceeds the ${section.length} record bytes`)
  const r = new Reader(section)
  const records: DecodedRecord[] = []
  for (let i = 0; i < count; i++) records.push(readRecord(r, ctx))
  if (r.remaining !== 0) throw corruptRecord(`${r.remaining} bytes left after the declared ${count} records`)
  return records
}

/** `section`: the records section already decompressed (by the async decoder), else decompressed here. */
function decodeBatchV2(
  buf: Buffer,
  pos: number,
  options: DecodeOptions,
  section: Buffer | null = null,
): DecodedRecordBatch {
  if (pos + BATCH_HEADER_BYTES > buf.length) throw corruptRecord('truncated record batch header')
  const batchLength = buf.readInt32BE(pos + 8)
  const end = pos + BATCH_LOG_OVERHEAD + batchLength
  if (batchLength < BATCH_LENGTH_MIN) throw corruptRecord(`batch length ${batchLength} is below the header size`)
  if (end > buf.length) throw corruptRecord(`batch length ${batchLength} exceeds the ${buf.length - pos} bytes given`)
  const crc = buf.readUInt32BE(pos + BATCH_CRC_OFFSET)
  if (options.verifyCrc !== false && crc32c(buf.subarray(pos + BATCH_ATTRIBUTES_OFFSET, end)) !== crc) {
    throw corruptRecord('record batch CRC-32C mismatch')
  }
  const attributes = buf.readInt16BE(pos + BATCH_ATTRIBUTES_OFFSET)
  const compression = attributes & Attributes.CompressionMask
  if (!isCompressionType(compression)) throw corruptRecord(`unknown compression type ${compression}`)
  const timestampType =
    attributes & Attributes.TimestampTypeLogAppendTime ? TimestampType.LogAppendTime : TimestampType.CreateTime
  const baseOffset = readInt64At(buf, pos)
  const baseTimestamp = readInt64At(buf, pos + 27)
  const maxTimestamp = readInt64At(buf, pos + 35)
  const recordCount = buf.readInt32BE(pos + 57)
  if (recordCount < 0) throw corruptRecord(`negative record count ${recordCount}`)
  let records: DecodedRecord[] = []
  // Like Kafka, an empty batch (left by compaction) is not decompressed.
  if (recordCount > 0) {
    const raw = buf.subarray(pos + BATCH_HEADER_BYTES, end)
    const fixedTimestamp = timestampType === TimestampType.LogAppendTime ? maxTimestamp : null
    records = readRecords(section ?? decompress(compression, raw, options.decompressedBytesMax), recordCount, {
      baseOffset,
      baseTimestamp,
      fixedTimestamp,
    })
  }
  return {
    baseOffset,
    batchLength,
    partitionLeaderEpoch: buf.readInt32BE(pos + 12),
    magic: MAGIC_V2,
    crc,
    attributes,
    compression,
    timestampType,
    isTransactional: (attributes & Attributes.Transactional) !== 0,
    isControl: (attributes & Attributes.Control) !== 0,
    lastOffsetDelta: buf.readInt32BE(pos + 23),
    baseTimestamp,
    maxTimestamp,
    producerId: readInt64At(buf, pos + 43),
    producerEpoch: buf.readInt16BE(pos + 51),
    baseSequence: buf.readInt32BE(pos + 53),
    recordCount,
    records,
  }
}

/**
 * Decodes the batch at `pos`: a v2 record batch, or a legacy (magic 0/1) message, whose compressed wrapper
 * yields all its inner messages. Malformed input raises SamsaError(SAMSA_ERR_PROTOCOL_CORRUPT_RECORD), or
 * SAMSA_ERR_PROTOCOL_COMPRESSION when the records section does not decompress.
 */
export function decodeRecordBatch(buf: Buffer, pos = 0, options: DecodeOptions = {}): DecodedRecordBatch {
  if (!Number.isInteger(pos) || pos < 0 || pos + BATCH_MAGIC_OFFSET + 1 > buf.length) {
    throw corruptRecord('truncated record batch')
  }
  const magic = buf.readInt8(pos + BATCH_MAGIC_OFFSET)
  if (magic === MAGIC_V2) return decodingRecords('record batch', () => decodeBatchV2(buf, pos, options))
  if (magic === 0 || magic === 1) return decodingRecords('legacy message', () => decodeLegacyEntry(buf, pos, options))
  throw corruptRecord(`unknown magic ${magic}`)
}

/**
 * Like decodeRecordBatch, decompressing on libuv's thread pool where the codec allows (for request paths,
 * e.g. down-conversion for old fetchers). Same results and errors.
 */
export async function decodeRecordBatchAsync(
  buf: Buffer,
  pos = 0,
  options: DecodeOptions = {},
): Promise<DecodedRecordBatch> {
  if (!Number.isInteger(pos) || pos < 0 || pos + BATCH_MAGIC_OFFSET + 1 > buf.length) {
    throw corruptRecord('truncated record batch')
  }
  const magic = buf.readInt8(pos + BATCH_MAGIC_OFFSET)
  if (magic === 0 || magic === 1) return decodeLegacyEntryAsync(buf, pos, options)
  if (magic !== MAGIC_V2) throw corruptRecord(`unknown magic ${magic}`)
  const section = await compressedSectionAsync(buf, pos, options)
  if (section === null) return decodingRecords('record batch', () => decodeBatchV2(buf, pos, options))
  // The CRC was checked before decompressing.
  return decodingRecords('record batch', () => decodeBatchV2(buf, pos, { ...options, verifyCrc: false }, section))
}

/**
 * The decompressed records section of the v2 batch at `pos`; null when there is nothing to decompress or
 * the header is malformed (the synchronous decoder then reports it, in its usual order).
 */
async function compressedSectionAsync(buf: Buffer, pos: number, options: DecodeOptions): Promise<Buffer | null> {
  if (pos + BATCH_HEADER_BYTES > buf.length) return null
  const batchLength = buf.readInt32BE(pos + 8)
  const end = pos + BATCH_LOG_OVERHEAD + batchLength
  if (batchLength < BATCH_LENGTH_MIN || end > buf.length) return null
  const compression = buf.readInt16BE(pos + BATCH_ATTRIBUTES_OFFSET) & Attributes.CompressionMask
  if (compression === CompressionType.None || !isCompressionType(compression)) return null
  if (buf.readInt32BE(pos + 57) <= 0) return null
  const crc = buf.readUInt32BE(pos + BATCH_CRC_OFFSET)
  if (options.verifyCrc !== false && crc32c(buf.subarray(pos + BATCH_ATTRIBUTES_OFFSET, end)) !== crc) return null
  return decompressAsync(compression, buf.subarray(pos + BATCH_HEADER_BYTES, end), options.decompressedBytesMax)
}

/**
 * Decodes every complete batch in `buf` (v2 batches and legacy messages alike). A truncated trailing batch,
 * which Fetch responses may end with, is ignored.
 */
export function decodeRecordBatches(buf: Buffer, options: DecodeOptions = {}): DecodedRecordBatch[] {
  const batches: DecodedRecordBatch[] = []
  let pos = 0
  while (pos + BATCH_LOG_OVERHEAD <= buf.length) {
    const length = buf.readInt32BE(pos + 8)
    if (length < LEGACY_MESSAGE_BYTES_MIN) throw corruptRecord(`batch length ${length} at position ${pos} is too small`)
    const size = BATCH_LOG_OVERHEAD + length
    if (pos + size > buf.length) break
    batches.push(decodeRecordBatch(buf, pos, options))
    pos += size
  }
  return batches
}

/** The key types of control records (ControlRecordType.java); 2-6 appear only in KRaft logs. */
export const ControlRecordType = {
  Abort: 0,
  Commit: 1,
  LeaderChange: 2,
  SnapshotHeader: 3,
  SnapshotFooter: 4,
  KRaftVersion: 5,
  KRaftVoters: 6,
} as const
export type ControlRecordType = (typeof ControlRecordType)[keyof typeof ControlRecordType]

export interface ControlBatchInput {
  type: 'ABORT' | 'COMMIT'
  producerId: number
  producerEpoch: number
  coordinatorEpoch: number
  timestamp: number
  baseOffset?: number
  partitionLeaderEpoch?: number
}

/**
 * A transaction marker: a transactional control batch with one record whose key is (version 0, type) and
 * whose value is (version 0, coordinatorEpoch), as Kafka's EndTransactionMarker writes it. The 6-byte
 * value matters: Sarama decodes it unconditionally.
 */
export function encodeControlBatch(input: ControlBatchInput): Buffer {
  const key = Buffer.alloc(4)
  key.writeInt16BE(0, 0)
  key.writeInt16BE(input.type === 'COMMIT' ? ControlRecordType.Commit : ControlRecordType.Abort, 2)
  const value = Buffer.alloc(6)
  value.writeInt16BE(0, 0)
  value.writeInt32BE(input.coordinatorEpoch, 2)
  return encodeRecordBatch({
    baseOffset: input.baseOffset ?? 0,
    partitionLeaderEpoch: input.partitionLeaderEpoch ?? -1,
    isTransactional: true,
    isControl: true,
    producerId: input.producerId,
    producerEpoch: input.producerEpoch,
    baseSequence: -1,
    records: [{ key, value, timestamp: input.timestamp }],
  })
}

/** The key of a control record. Versions above 0 are read as 0, as Kafka does (it only logs them). */
export function decodeControlRecordKey(key: Buffer | null): { version: number; type: number } {
  if (key === null || key.length < 4) throw corruptRecord('control record key shorter than 4 bytes')
  const version = key.readInt16BE(0)
  if (version < 0) throw corruptRecord(`invalid control record key version ${version}`)
  return { version, type: key.readInt16BE(2) }
}

/** The value of an ABORT or COMMIT control record. */
export function decodeEndTxnMarkerValue(value: Buffer | null): { version: number; coordinatorEpoch: number } {
  if (value === null || value.length < 6) throw corruptRecord('end transaction marker value shorter than 6 bytes')
  const version = value.readInt16BE(0)
  if (version < 0) throw corruptRecord(`invalid end transaction marker version ${version}`)
  return { version, coordinatorEpoch: value.readInt32BE(2) }
}
