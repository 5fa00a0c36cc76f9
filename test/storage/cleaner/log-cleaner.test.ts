/**
 * The log cleaner end to end at the storage level: a real PartitionLog, the real worker thread, time on
 * a FakeScheduler. Each scenario checks the invariant that matters: per key, the cleaned part of the
 * log holds exactly the last write, offsets keep increasing (gaps allowed), nothing above the cleaned
 * range changes, and tombstones stay until delete.retention.ms after they were first cleaned.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, it } from 'node:test'
import type { FakeScheduler } from '../../../src/common/scheduler.ts'
import { CompressionType } from '../../../src/protocol/records/compression/index.ts'
import { encodeControlBatch, encodeRecordBatch } from '../../../src/protocol/records/records.ts'
import type { LogCleaner } from '../../../src/storage/cleaner/log-cleaner.ts'
import type { PartitionLog } from '../../../src/storage/partition-log.ts'
import { fakeScheduler, openTestLog, type TempDir, tempDir, testConfig } from '../helpers.ts'
import {
  codecBatch,
  type KV,
  lastWrites,
  type ReadRecord,
  readRecords,
  seededRandom,
  testCleaner,
  type Written,
} from './helpers.ts'

const CODECS = [
  CompressionType.None,
  CompressionType.Gzip,
  CompressionType.Snappy,
  CompressionType.Lz4,
  CompressionType.Zstd,
] as const
const RETENTION_MS = 60_000

const dirs: TempDir[] = []
const cleaners: LogCleaner[] = []
const logs: PartitionLog[] = []
afterEach(async () => {
  for (const c of cleaners.splice(0)) await c.shutdown()
  for (const l of logs.splice(0)) await l.close().catch(() => {})
  for (const d of dirs.splice(0)) d.cleanup()
})

function dir(): string {
  const d = tempDir('samsa-cleaner-')
  dirs.push(d)
  return d.path
}

async function compactedLog(
  path: string,
  scheduler: FakeScheduler,
  extra: Record<string, string> = {},
): Promise<PartitionLog> {
  const config = testConfig({
    'cleanup.policy': 'compact',
    'segment.bytes': '16384',
    'min.cleanable.dirty.ratio': '0.01',
    'delete.retention.ms': String(RETENTION_MS),
    ...extra,
  })
  const log = await openTestLog(path, config, scheduler)
  logs.push(log)
  return log
}

/** Appends `writes` keyed writes over `keys` keys (10% tombstones) in batches of 1-20 rotating codecs. */
async function writeMany(
  log: PartitionLog,
  scheduler: FakeScheduler,
  writes: number,
  keys: number,
  seed: number,
): Promise<Written[]> {
  const random = seededRandom(seed)
  const history: Written[] = []
  let n = 0
  let batchNo = 0
  while (n < writes) {
    const size = Math.min(writes - n, 1 + Math.floor(random() * 20))
    const kvs: KV[] = []
    for (let i = 0; i < size; i++) {
      const key = `key-${Math.floor(random() * keys)}`
      kvs.push({ key, value: random() < 0.1 ? null : `${key}@${seed}.${n + i}` })
    }
    const codec = CODECS[batchNo++ % CODECS.length]!
    const info = await log.appendAsLeader(codecBatch(kvs, scheduler.nowMs(), codec), 0)
    for (const [i, kv] of kvs.entries()) history.push({ offset: info.firstOffset + i, key: kv.key!, value: kv.value })
    n += size
  }
  log.setHighWatermark(log.logEndOffset)
  return history
}

async function cleanAll(cleaner: LogCleaner): Promise<number> {
  let rounds = 0
  while ((await cleaner.cleanOnce()) !== null) rounds++
  return rounds
}

/**
 * Below `endOffset` (the cleaned range): each key at most once, as its last write below endOffset;
 * every last write that is not a tombstone is there; tombstones only when `tombstonesKept`.
 * From `endOffset` on: exactly what was written.
 */
function checkCompacted(
  records: ReadRecord[],
  history: Written[],
  endOffset: number,
  tombstones: 'kept' | 'expired' | 'either',
): void {
  for (let i = 1; i < records.length; i++) assert.ok(records[i]!.offset > records[i - 1]!.offset, 'offsets increase')
  const expected = lastWrites(history, endOffset)
  const seen = new Set<string>()
  for (const r of records.filter((x) => x.offset < endOffset)) {
    assert.ok(r.key !== null, 'no keyless record survives')
    assert.ok(!seen.has(r.key), `${r.key} appears once in the cleaned range`)
    seen.add(r.key)
    const last = expected.get(r.key)
    assert.deepEqual(
      { offset: r.offset, value: r.value },
      { offset: last?.offset, value: last?.value },
      `${r.key}: the last write`,
    )
    if (r.value === null) {
      assert.notEqual(tombstones, 'expired', `tombstone of ${r.key} at ${r.offset} should have expired`)
      assert.ok(r.deleteHorizon, 'a retained tombstone carries a delete horizon')
    }
  }
  for (const [key, w] of expected) {
    if (w.value !== null) assert.ok(seen.has(key), `${key}: last write ${w.offset} is kept`)
    else if (tombstones === 'kept') assert.ok(seen.has(key), `${key}: tombstone ${w.offset} is kept until its horizon`)
  }
  const above = records.filter((x) => x.offset >= endOffset).map((r) => [r.offset, r.key, r.value])
  const written = history.filter((h) => h.offset >= endOffset).map((h) => [h.offset, h.key, h.value])
  assert.deepEqual(above, written, 'nothing at or above the end of the cleaned range changed')
}

describe('log cleaner', () => {
  it('leaves, per key, exactly the last write; tombstones expire after delete.retention.ms', async () => {
    const scheduler = fakeScheduler()
    const path = dir()
    const log = await compactedLog(path, scheduler)
    const history = await writeMany(log, scheduler, 4000, 300, 1)
    assert.ok(log.numberOfSegments > 5, 'several segments to clean')
    const cleaner = testCleaner(() => [{ log, logDir: path }], scheduler)
    cleaners.push(cleaner)
    const sizeBefore = log.size
    assert.ok((await cleanAll(cleaner)) >= 1)
    const endOffset = cleaner.firstDirtyOffset('topic', 0)!
    assert.equal(endOffset, log.activeSegmentBaseOffset, 'everything below the active segment was cleaned')
    assert.ok(log.size < sizeBefore / 3, `the log shrank (${sizeBefore} -> ${log.size} bytes)`)
    let records = await readRecords(log)
    checkCompacted(records, history, endOffset, 'kept')
    const codecs = new Set(records.filter((r) => r.offset < endOffset).map((r) => r.compression))
    assert.equal(codecs.size, CODECS.length, 'rewritten batches keep their codec')

    // Not yet past the horizon: nothing to do; past it: the tombstones go.
    scheduler.advance(RETENTION_MS - 1)
    assert.equal(await cleaner.cleanOnce(), null)
    scheduler.advance(2)
    assert.notEqual(await cleaner.cleanOnce(), null, 'a log whose delete horizon passed is cleaned')
    records = await readRecords(log)
    checkCompacted(records, history, endOffset, 'expired')

    // More writes: the next round maps only the new dirty section and cleans the whole log again.
    const more = await writeMany(log, scheduler, 1500, 300, 2)
    await cleanAll(cleaner)
    const end2 = cleaner.firstDirtyOffset('topic', 0)!
    assert.ok(end2 > endOffset)
    const all = [...history, ...more]
    checkCompacted(await readRecords(log), all, end2, 'either')
  })

  it('never cleans the active segment, segments at or above the high watermark, or younger than min.compaction.lag.ms', async () => {
    const scheduler = fakeScheduler()
    const path = dir()
    const log = await compactedLog(path, scheduler, { 'min.compaction.lag.ms': '10000' })
    const cleaner = testCleaner(() => [{ log, logDir: path }], scheduler)
    cleaners.push(cleaner)
    const history = await writeMany(log, scheduler, 1500, 50, 3)
    assert.equal(await cleaner.cleanOnce(), null, 'every segment is younger than the lag')
    scheduler.advance(11_000) // past the lag for every record (batches span up to 20 ms)
    const young = await writeMany(log, scheduler, 1500, 50, 4)
    log.setHighWatermark(log.inactiveSegments()[4]!.baseOffset + 1)
    const round = await cleaner.cleanOnce()
    assert.ok(round !== null, 'the old segments below the high watermark are cleaned')
    const ltc = await cleaner.logToClean({ log, logDir: path }, scheduler.nowMs())
    const hwSegment = log.inactiveSegments().find((s) => s.baseOffset >= round.endOffset)
    assert.ok(hwSegment !== undefined, 'dirty segments remain')
    assert.ok(round.endOffset <= history.at(-1)!.offset + 1, 'segments written within the lag stay dirty')
    assert.ok(round.endOffset <= log.highWatermark, 'nothing at or above the high watermark was cleaned')
    assert.equal(ltc.firstDirtyOffset, round.endOffset)
    checkCompacted(await readRecords(log), [...history, ...young], round.endOffset, 'kept')
  })

  it('cleans nothing below min.cleanable.dirty.ratio until max.compaction.lag.ms passes', async () => {
    const scheduler = fakeScheduler()
    const path = dir()
    const log = await compactedLog(path, scheduler, {
      'min.cleanable.dirty.ratio': '0.99',
      'max.compaction.lag.ms': '50000',
    })
    const cleaner = testCleaner(() => [{ log, logDir: path }], scheduler)
    cleaners.push(cleaner)
    const history = await writeMany(log, scheduler, 1000, 40, 5)
    await cleanAll(cleaner)
    await writeMany(log, scheduler, 20, 40, 6).then((h) => history.push(...h))
    // Roll so that the new writes are in an inactive (dirty) segment.
    await log.appendAsLeader(codecBatch([{ key: 'roll', value: 'x'.repeat(15000) }], scheduler.nowMs(), 0), 0)
    log.setHighWatermark(log.logEndOffset)
    const ltc = await cleaner.logToClean({ log, logDir: path }, scheduler.nowMs())
    assert.ok(ltc.cleanableRatio > 0 && ltc.cleanableRatio < 0.99, `ratio ${ltc.cleanableRatio}`)
    assert.equal(await cleaner.cleanOnce(), null)
    scheduler.advance(51_000)
    const late = await cleaner.logToClean({ log, logDir: path }, scheduler.nowMs())
    assert.equal(late.needCompactionNow, true, JSON.stringify({ ...late, entry: undefined }))
    assert.notEqual(await cleaner.cleanOnce(), null)
  })

  it('keeps a cleaner-offset-checkpoint per data directory; an invalid one is reset to the log start', async () => {
    const scheduler = fakeScheduler()
    const path = dir()
    const log = await compactedLog(path, scheduler)
    const cleaner = testCleaner(() => [{ log, logDir: path }], scheduler)
    cleaners.push(cleaner)
    await writeMany(log, scheduler, 1000, 40, 7)
    await cleanAll(cleaner)
    const end = cleaner.firstDirtyOffset('topic', 0)!
    assert.equal(readFileSync(join(path, 'cleaner-offset-checkpoint'), 'utf8'), `0\n1\ntopic 0 ${end}\n`)
    const again = testCleaner(() => [{ log, logDir: path }], scheduler)
    cleaners.push(again)
    again.loadCheckpointsSync([path])
    assert.equal(again.firstDirtyOffset('topic', 0), end)
    writeFileSync(join(path, 'cleaner-offset-checkpoint'), `0\n1\ntopic 0 ${log.logEndOffset + 100}\n`)
    const reset = testCleaner(() => [{ log, logDir: path }], scheduler)
    cleaners.push(reset)
    reset.loadCheckpointsSync([path])
    assert.equal(
      (await reset.logToClean({ log, logDir: path }, scheduler.nowMs())).firstDirtyOffset,
      log.logStartOffset,
    )
  })

  it('drops the records of an aborted transaction, which never supersede other records; keeps its marker', async () => {
    const scheduler = fakeScheduler()
    const path = dir()
    const log = await compactedLog(path, scheduler)
    const now = scheduler.nowMs()
    await log.appendAsLeader(codecBatch([{ key: 'a', value: 'committed' }], now, 0), 0)
    const txn = encodeRecordBatch({
      isTransactional: true,
      producerId: 7,
      producerEpoch: 0,
      baseSequence: 0,
      records: [{ key: Buffer.from('a'), value: Buffer.from('in-a-transaction'), timestamp: now }],
    })
    await log.appendAsLeader(txn, 0)
    const marker = encodeControlBatch({
      type: 'ABORT',
      producerId: 7,
      producerEpoch: 0,
      coordinatorEpoch: 0,
      timestamp: now,
    })
    await log.appendAsFollower(withBaseOffset(marker, log.logEndOffset))
    await writeMany(log, scheduler, 1500, 30, 8)
    const cleaner = testCleaner(() => [{ log, logDir: path }], scheduler)
    cleaners.push(cleaner)
    await cleanAll(cleaner)
    const records = await readRecords(log)
    // Kafka's cleaner: the aborted batch loses its record (the batch stays, empty, as the producer's last),
    // the ABORT marker stays while this pass removed some of its transaction.
    assert.deepEqual(
      records.filter((r) => r.offset <= 2).map((r) => [r.offset, r.value, r.isTransactional, r.isControl]),
      [
        [0, 'committed', false, false],
        [2, '\u0000\u0000\u0000\u0000\u0000\u0000', true, true],
      ],
    )
  })

  it('with cleanup.policy=compact,delete retention deletes old segments and the cleaner compacts the rest', async () => {
    const scheduler = fakeScheduler()
    const path = dir()
    const log = await compactedLog(path, scheduler, { 'cleanup.policy': 'compact,delete', 'retention.ms': '100000' })
    const cleaner = testCleaner(() => [{ log, logDir: path }], scheduler)
    cleaners.push(cleaner)
    const old = await writeMany(log, scheduler, 1000, 40, 9)
    scheduler.advance(101_000)
    const recent = await writeMany(log, scheduler, 1000, 40, 10)
    assert.ok((await log.deleteOldSegments()) > 0, 'retention deleted segments')
    assert.ok(log.logStartOffset > 0 && log.logStartOffset <= old.at(-1)!.offset + 1, `log start ${log.logStartOffset}`)
    await cleanAll(cleaner)
    const end = cleaner.firstDirtyOffset('topic', 0)!
    const kept = [...old, ...recent].filter((h) => h.offset >= log.logStartOffset)
    checkCompacted(await readRecords(log), kept, end, 'kept')
  })

  it('leaves no trace of a cleaning whose cleaned files were never committed', async () => {
    const scheduler = fakeScheduler()
    const path = dir()
    const log = await compactedLog(path, scheduler)
    const history = await writeMany(log, scheduler, 800, 30, 11)
    const before = await readRecords(log)
    await log.close()
    logs.length = 0
    writeFileSync(join(path, '00000000000000000000.log.cleaned'), Buffer.alloc(100, 7))
    writeFileSync(join(path, '00000000000000000000.index.cleaned'), Buffer.alloc(16, 7))
    const reopened = await compactedLog(path, scheduler)
    assert.deepEqual(
      readdirSync(path).filter((n) => n.endsWith('.cleaned')),
      [],
    )
    assert.deepEqual(await readRecords(reopened), before)
    assert.equal(history.length, before.length)
  })
})

/** A control batch with its base offset set, CRC unaffected (the base offset is outside it). */
function withBaseOffset(batch: Buffer, offset: number): Buffer {
  const b = Buffer.from(batch)
  b.writeInt32BE(Math.floor(offset / 4294967296), 0)
  b.writeUInt32BE(offset % 4294967296, 4)
  return b
}
