/**
 * The record-level work of leader appends (Kafka's LogValidator paths that read records): compacted
 * topics refuse records without a key, and compression.type other than `producer` recompresses batches
 * in another codec, while batches already in the topic's codec stay exactly as the producer sent them.
 * Appends that need this work and those behind them still get offsets in call order.
 */
import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { ErrorCode } from '../../../src/protocol/error-codes.ts'
import { KafkaProtocolError } from '../../../src/protocol/kafka-protocol-error.ts'
import { CompressionType } from '../../../src/protocol/records/compression/index.ts'
import { isBatchCrcValid } from '../../../src/protocol/records/record-batch.ts'
import type { PartitionLog } from '../../../src/storage/partition-log.ts'
import { fakeScheduler, openTestLog, type TempDir, tempDir, testConfig } from '../helpers.ts'
import { codecBatch, readRecords } from './helpers.ts'

const dirs: TempDir[] = []
const logs: PartitionLog[] = []
afterEach(async () => {
  for (const l of logs.splice(0)) await l.close()
  for (const d of dirs.splice(0)) d.cleanup()
})

async function open(overrides: Record<string, string>): Promise<{ log: PartitionLog; now: number }> {
  const d = tempDir('samsa-append-')
  dirs.push(d)
  const scheduler = fakeScheduler()
  const log = await openTestLog(d.path, testConfig(overrides), scheduler)
  logs.push(log)
  return { log, now: scheduler.nowMs() }
}

const isInvalidRecord = (e: unknown): boolean =>
  e instanceof KafkaProtocolError &&
  e.errorCode === ErrorCode.INVALID_RECORD &&
  /Compacted topic cannot accept message without key/.test(e.message)

describe('leader appends that read records', () => {
  for (const codec of [CompressionType.None, CompressionType.Lz4, CompressionType.Zstd]) {
    it(`a compacted topic refuses a record without a key (INVALID_RECORD, codec ${codec}) and appends nothing`, async () => {
      const { log, now } = await open({ 'cleanup.policy': 'compact' })
      await log.appendAsLeader(codecBatch([{ key: 'a', value: '1' }], now, codec), 0)
      await assert.rejects(
        log.appendAsLeader(
          codecBatch(
            [
              { key: 'b', value: '2' },
              { key: null, value: '3' },
            ],
            now,
            codec,
          ),
          0,
        ),
        isInvalidRecord,
      )
      assert.equal(log.logEndOffset, 1)
      await log.appendAsLeader(codecBatch([{ key: 'c', value: '4' }], now, codec), 0)
      assert.deepEqual(
        (await readRecords(log)).map((r) => [r.offset, r.key]),
        [
          [0, 'a'],
          [1, 'c'],
        ],
      )
    })
  }

  it('a delete-policy topic takes records without a key, batches untouched', async () => {
    const { log, now } = await open({})
    const b = codecBatch([{ key: null, value: 'x' }], now, CompressionType.Gzip)
    const copy = Buffer.from(b)
    await log.appendAsLeader(b, 0)
    const r = await log.read(0, 1 << 20, 1, true)
    assert.deepEqual(
      r.records.subarray(17),
      copy.subarray(17),
      'bytes after the offset and epoch are the producer batch',
    )
  })

  const cases: [string, CompressionType, CompressionType][] = [
    ['zstd', CompressionType.Gzip, CompressionType.Zstd],
    ['gzip', CompressionType.None, CompressionType.Gzip],
    ['uncompressed', CompressionType.Lz4, CompressionType.None],
    ['snappy', CompressionType.Zstd, CompressionType.Snappy],
    ['lz4', CompressionType.Snappy, CompressionType.Lz4],
  ]
  for (const [name, from, to] of cases) {
    it(`compression.type=${name} recompresses a batch in codec ${from} to ${to}; records unchanged`, async () => {
      const { log, now } = await open({ 'compression.type': name })
      const kvs = Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `value ${i} `.repeat(10) }))
      await log.appendAsLeader(codecBatch(kvs, now, from), 0)
      const r = await log.read(0, 1 << 20, log.logEndOffset, true)
      assert.ok(isBatchCrcValid(r.records))
      const records = await readRecords(log)
      assert.deepEqual(
        records.map((x) => [x.offset, x.key, x.value, x.timestamp, x.compression]),
        kvs.map((kv, i) => [i, kv.key, kv.value, now + i, to]),
      )
    })
  }

  it('a batch already in the topic codec is stored as the producer sent it', async () => {
    const { log, now } = await open({ 'compression.type': 'gzip' })
    const b = codecBatch([{ key: 'a', value: 'x'.repeat(100) }], now, CompressionType.Gzip)
    const copy = Buffer.from(b)
    await log.appendAsLeader(b, 0)
    const r = await log.read(0, 1 << 20, 1, true)
    assert.deepEqual(r.records.subarray(17), copy.subarray(17))
  })

  it('keeps call order when appends needing work and plain appends interleave', async () => {
    const { log, now } = await open({ 'compression.type': 'zstd' })
    const pending: Promise<{ firstOffset: number }>[] = []
    for (let i = 0; i < 40; i++) {
      const codec = i % 3 === 0 ? CompressionType.Zstd : CompressionType.Gzip
      pending.push(log.appendAsLeader(codecBatch([{ key: `k${i}`, value: `v${i}` }], now, codec), 0))
    }
    const infos = await Promise.all(pending)
    assert.deepEqual(
      infos.map((x) => x.firstOffset),
      infos.map((_, i) => i),
    )
    assert.deepEqual(
      (await readRecords(log)).map((r) => r.value),
      infos.map((_, i) => `v${i}`),
    )
  })

  it('with LogAppendTime the broker time is set on the recompressed batch', async () => {
    const { log, now } = await open({ 'compression.type': 'lz4', 'message.timestamp.type': 'LogAppendTime' })
    const info = await log.appendAsLeader(codecBatch([{ key: 'a', value: 'b' }], now - 5000, CompressionType.Gzip), 0)
    assert.equal(info.logAppendTimeMs, now)
    const [rec] = await readRecords(log)
    assert.equal(rec?.timestamp, now)
    assert.equal(rec?.compression, CompressionType.Lz4)
  })
})
