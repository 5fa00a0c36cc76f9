import { silentLogger } from '../../../src/common/log.ts'
import type { FakeScheduler } from '../../../src/common/scheduler.ts'
import type { CompressionType } from '../../../src/protocol/records/compression/index.ts'
import { decodeRecordBatches, encodeRecordBatch } from '../../../src/protocol/records/records.ts'
import {
  DEFAULT_LOG_CLEANER_CONFIG,
  LogCleaner,
  type LogCleanerConfig,
} from '../../../src/storage/cleaner/log-cleaner.ts'
import type { PartitionLog, SwapHooks } from '../../../src/storage/partition-log.ts'
import { buildBatch, type TestRecord } from '../helpers.ts'

/** Test kit for compaction: keyed batches, a cleaner over given logs, and the log read back record by record. */

export interface KV {
  key: string | null
  /** null = tombstone. */
  value: string | null
}

export function keyedBatch(records: readonly KV[], baseTimestamp: number, attributes = 0): Buffer {
  const recs: TestRecord[] = records.map((r, i) => ({
    key: r.key === null ? null : Buffer.from(r.key),
    value: r.value === null ? null : Buffer.from(r.value),
    timestampDelta: i,
  }))
  return buildBatch({ records: recs, baseTimestamp, attributes })
}

/** A producer batch (base offset 0) of keyed records in `codec`, one millisecond apart. */
export function codecBatch(records: readonly KV[], timestampMs: number, codec: CompressionType): Buffer {
  return encodeRecordBatch({
    compression: codec,
    records: records.map((r, i) => ({
      key: r.key === null ? null : Buffer.from(r.key),
      value: r.value === null ? null : Buffer.from(r.value),
      headers: [{ key: 'h', value: Buffer.from(`${r.key}`) }],
      timestamp: timestampMs + i,
    })),
  })
}

/** A deterministic pseudo-random sequence (mulberry32), so failures replay. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface ReadRecord {
  offset: number
  key: string | null
  value: string | null
  timestamp: number
  batchBaseOffset: number
  deleteHorizon: boolean
  compression: number
  isControl: boolean
  isTransactional: boolean
}

/** Every record from the log start to the log end, decoded. */
export async function readRecords(log: PartitionLog): Promise<ReadRecord[]> {
  const out: ReadRecord[] = []
  let offset = log.logStartOffset
  while (offset < log.logEndOffset) {
    const r = await log.read(offset, 1 << 20, log.logEndOffset, true)
    if (r.records.length === 0) break
    for (const batch of decodeRecordBatches(r.records)) {
      for (const rec of batch.records) {
        if (rec.offset < offset) continue
        out.push({
          offset: rec.offset,
          key: rec.key === null ? null : rec.key.toString(),
          value: rec.value === null ? null : rec.value.toString(),
          timestamp: rec.timestamp,
          batchBaseOffset: batch.baseOffset,
          deleteHorizon: (batch.attributes & 0x40) !== 0,
          compression: batch.compression,
          isControl: batch.isControl,
          isTransactional: batch.isTransactional,
        })
      }
    }
    offset = r.nextOffset
  }
  return out
}

export interface Written {
  readonly offset: number
  readonly key: string
  readonly value: string | null
}

/** The last write per key among `history` entries below `endOffset`. */
export function lastWrites(history: readonly Written[], endOffset = Number.POSITIVE_INFINITY): Map<string, Written> {
  const out = new Map<string, Written>()
  for (const h of history) if (h.offset < endOffset) out.set(h.key, h)
  return out
}

export function testCleaner(
  logs: () => { log: PartitionLog; logDir: string }[],
  scheduler: FakeScheduler,
  config: Partial<LogCleanerConfig> = {},
  swapHooks?: SwapHooks,
): LogCleaner {
  return new LogCleaner({
    scheduler,
    logger: silentLogger(),
    logs,
    config: () => ({ ...DEFAULT_LOG_CLEANER_CONFIG, dedupeBufferBytes: 4 * 1024 * 1024, ...config }),
    ...(swapHooks === undefined ? {} : { swapHooks }),
  })
}
