import type { CompressionType } from './compression/index.ts'
import type { TimestampType } from './record-batch.ts'

export interface RecordHeader {
  key: string
  value: Buffer | null
}

export interface RecordInput {
  key: Buffer | null
  value: Buffer | null
  headers?: RecordHeader[]
  timestamp: number
}

export interface RecordBatchInput {
  /** Default 0: producers send 0 and the leader assigns the offset. */
  baseOffset?: number
  /** Default -1. */
  partitionLeaderEpoch?: number
  compression?: CompressionType
  timestampType?: TimestampType
  /** With LogAppendTime: the broker's append time, written as maxTimestamp. */
  logAppendTimeMs?: number
  isTransactional?: boolean
  isControl?: boolean
  /** Default -1 (no producer id). */
  producerId?: number
  /** Default -1. */
  producerEpoch?: number
  /** Default -1. */
  baseSequence?: number
  records: RecordInput[]
  /** Explicit offset deltas (compacted batches keep their gaps); default 0..n-1. */
  offsetDeltas?: number[]
  /** Compaction keeps lastOffsetDelta even when it removes the last record; default: the last delta. */
  lastOffsetDelta?: number
  /** Compaction's delete horizon (attributes bit 6): written as baseTimestamp, deltas relative to it. */
  deleteHorizonMs?: number
}

export interface DecodedRecord {
  offset: number
  timestamp: number
  /** Views into the batch (or its decompressed records), not copies. */
  key: Buffer | null
  value: Buffer | null
  headers: RecordHeader[]
}

/** A decoded record batch; legacy (magic 0/1) entries decode to this shape too, with v2-only fields at -1. */
export interface DecodedRecordBatch {
  baseOffset: number
  batchLength: number
  partitionLeaderEpoch: number
  magic: number
  crc: number
  attributes: number
  compression: CompressionType
  timestampType: TimestampType
  isTransactional: boolean
  isControl: boolean
  lastOffsetDelta: number
  baseTimestamp: number
  maxTimestamp: number
  producerId: number
  producerEpoch: number
  baseSequence: number
  recordCount: number
  records: DecodedRecord[]
}

export interface DecodeOptions {
  /** Check the batch CRC (CRC-32C for v2, CRC-32 for magic 0/1 messages). Default true. */
  verifyCrc?: boolean
  /** Limit on the decompressed size of one batch's records. Default 64 MiB. */
  decompressedBytesMax?: number
}
