import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { silentLogger } from '../../src/common/log.ts'
import { FakeScheduler } from '../../src/common/scheduler.ts'
import { crc32c } from '../../src/protocol/records/crc32c.ts'
import { buildLogConfig, type LogConfig } from '../../src/storage/log-config.ts'
import { PartitionLog, type PartitionLogOptions } from '../../src/storage/partition-log.ts'

/** Storage test kit: v2 batches built by hand (61-byte header + records, CRC-32C) and temp log dirs. */

export interface TestRecord {
  key?: Buffer | null
  value?: Buffer | null
  timestampDelta?: number
}

export interface BatchSpec {
  records?: TestRecord[]
  /** Number of records with 10-byte values, when `records` is not given. */
  count?: number
  valueBytes?: number
  baseTimestamp?: number
  maxTimestamp?: number
  baseOffset?: number
  partitionLeaderEpoch?: number
  attributes?: number
  producerId?: number
  producerEpoch?: number
  baseSequence?: number
  /** Override lastOffsetDelta / recordsCount to build invalid batches. */
  lastOffsetDelta?: number
  recordsCount?: number
  magic?: number
}

function varint(n: number): number[] {
  let v = n >= 0 ? n * 2 : -n * 2 - 1
  const out: number[] = []
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80)
    v = Math.floor(v / 0x80)
  }
  out.push(v)
  return out
}

function encodeRecord(r: TestRecord, offsetDelta: number): Buffer {
  const key = r.key ?? null
  const value = r.value === undefined ? Buffer.from('v') : r.value
  const body: number[] = [0, ...varint(r.timestampDelta ?? 0), ...varint(offsetDelta)]
  const parts: Buffer[] = [Buffer.from(body)]
  parts.push(Buffer.from(varint(key === null ? -1 : key.length)))
  if (key !== null) parts.push(key)
  parts.push(Buffer.from(varint(value === null ? -1 : value.length)))
  if (value !== null) parts.push(value)
  parts.push(Buffer.from(varint(0)))
  const b = Buffer.concat(parts)
  return Buffer.concat([Buffer.from(varint(b.length)), b])
}

function writeInt64(buf: Buffer, pos: number, v: number): void {
  const hi = Math.floor(v / 4294967296)
  buf.writeInt32BE(hi, pos)
  buf.writeUInt32BE(v - hi * 4294967296, pos + 4)
}

export function buildBatch(spec: BatchSpec = {}): Buffer {
  const records =
    spec.records ??
    Array.from({ length: spec.count ?? 1 }, (_, i) => ({
      value: Buffer.alloc(spec.valueBytes ?? 10, i & 0xff),
      timestampDelta: i,
    }))
  const body = Buffer.concat(records.map((r, i) => encodeRecord(r, i)))
  const baseTimestamp = spec.baseTimestamp ?? 1_700_000_000_000
  const maxDelta = records.reduce((m, r) => Math.max(m, r.timestampDelta ?? 0), 0)
  const buf = Buffer.alloc(61 + body.length)
  writeInt64(buf, 0, spec.baseOffset ?? 0)
  buf.writeInt32BE(buf.length - 12, 8)
  buf.writeInt32BE(spec.partitionLeaderEpoch ?? -1, 12)
  buf.writeInt8(spec.magic ?? 2, 16)
  buf.writeInt16BE(spec.attributes ?? 0, 21)
  buf.writeInt32BE(spec.lastOffsetDelta ?? records.length - 1, 23)
  writeInt64(buf, 27, baseTimestamp)
  writeInt64(buf, 35, spec.maxTimestamp ?? baseTimestamp + maxDelta)
  writeInt64(buf, 43, spec.producerId ?? -1)
  buf.writeInt16BE(spec.producerEpoch ?? -1, 51)
  buf.writeInt32BE(spec.baseSequence ?? -1, 53)
  buf.writeInt32BE(spec.recordsCount ?? records.length, 57)
  body.copy(buf, 61)
  buf.writeUInt32BE(crc32c(buf.subarray(21)), 17)
  return buf
}

export interface TempDir {
  readonly path: string
  cleanup(): void
}

export function tempDir(prefix = 'samsa-storage-'): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix))
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) }
}

export function testConfig(overrides: Record<string, string> = {}): LogConfig {
  return buildLogConfig(overrides, {})
}

export const START_MS = 1_700_000_000_000

export function openTestLog(
  dir: string,
  config: LogConfig,
  scheduler: FakeScheduler,
  opts: Partial<Omit<PartitionLogOptions, 'scheduler' | 'logger'>> = {},
): Promise<PartitionLog> {
  return PartitionLog.open(dir, 'topic', 0, config, { scheduler, logger: silentLogger(), ...opts })
}

export function fakeScheduler(): FakeScheduler {
  return new FakeScheduler(START_MS)
}

/** Reads every batch from `from` to the log end, returning [baseOffset, lastOffset] pairs. */
export async function readAllBatches(log: PartitionLog, from = log.logStartOffset): Promise<[number, number][]> {
  const out: [number, number][] = []
  let offset = from
  while (offset < log.logEndOffset) {
    const r = await log.read(offset, 1 << 20, log.logEndOffset, true)
    if (r.records.length === 0) break
    let p = 0
    while (p < r.records.length) {
      const base = r.records.readInt32BE(p) * 4294967296 + r.records.readUInt32BE(p + 4)
      const last = base + r.records.readInt32BE(p + 23)
      out.push([base, last])
      p += 12 + r.records.readInt32BE(p + 8)
    }
    offset = r.nextOffset
  }
  return out
}
