import assert from 'node:assert/strict'
import { readdirSync, rmSync } from 'node:fs'
import { after, describe, it } from 'node:test'
import fc from 'fast-check'
import { ErrorCode } from '../../src/protocol/error-codes.ts'
import { KafkaProtocolError } from '../../src/protocol/kafka-protocol-error.ts'
import { CompressionType } from '../../src/protocol/records/compression/index.ts'
import {
  batchBaseOffset,
  batchLastOffset,
  batchMaxTimestamp,
  batchPartitionLeaderEpoch,
  batchTimestampType,
  forEachBatch,
  isBatchCrcValid,
  TimestampType,
} from '../../src/protocol/records/record-batch.ts'
import { encodeRecordBatch } from '../../src/protocol/records/records.ts'
import { buildBatch, fakeScheduler, openTestLog, readAllBatches, START_MS, tempDir, testConfig } from './helpers.ts'

const dirs: { cleanup(): void }[] = []
function dir(): string {
  const d = tempDir()
  dirs.push(d)
  return d.path
}
after(() => {
  for (const d of dirs) d.cleanup()
})

function batchesOf(records: Buffer): Buffer[] {
  const out: Buffer[] = []
  forEachBatch(records, (p, size) => {
    out.push(records.subarray(p, p + size))
    return true
  })
  return out
}

function rejectsWith(code: number): (err: unknown) => boolean {
  return (err) => err instanceof KafkaProtocolError && err.errorCode === code
}

describe('PartitionLog append and read', () => {
  it('assigns dense, monotonic offsets and reads them back whole', async () => {
    const scheduler = fakeScheduler()
    const log = await openTestLog(dir(), testConfig(), scheduler)
    assert.equal(log.logEndOffset, 0)
    const infos = []
    for (let i = 0; i < 20; i++) infos.push(await log.appendAsLeader(buildBatch({ count: (i % 4) + 1 }), 7))
    let expected = 0
    for (const [i, info] of infos.entries()) {
      assert.equal(info.firstOffset, expected)
      assert.equal(info.lastOffset, expected + (i % 4))
      assert.equal(info.logAppendTimeMs, -1)
      assert.equal(info.recordCount, (i % 4) + 1)
      expected = info.lastOffset + 1
    }
    assert.equal(log.logEndOffset, expected)
    const all = await log.read(0, 1 << 20, log.logEndOffset, true)
    const batches = batchesOf(all.records)
    assert.equal(batches.length, 20)
    let next = 0
    for (const b of batches) {
      assert.equal(batchBaseOffset(b), next)
      assert.equal(batchPartitionLeaderEpoch(b), 7)
      assert.ok(isBatchCrcValid(b))
      next = batchLastOffset(b) + 1
    }
    assert.equal(all.nextOffset, expected)
    await log.close()
  })

  it('returns the batch containing a mid-batch offset, and empty records at the log end', async () => {
    const log = await openTestLog(dir(), testConfig(), fakeScheduler())
    await log.appendAsLeader(buildBatch({ count: 5 }), 0)
    await log.appendAsLeader(buildBatch({ count: 5 }), 0)
    const r = await log.read(7, 1 << 20, 10, false)
    assert.equal(r.firstOffset, 5)
    assert.equal(batchesOf(r.records).length, 1)
    const end = await log.read(10, 1 << 20, 10, false)
    assert.equal(end.records.length, 0)
    assert.equal(end.nextOffset, 10)
    await log.close()
  })

  it('throws OFFSET_OUT_OF_RANGE outside [logStartOffset, logEndOffset]', async () => {
    const log = await openTestLog(dir(), testConfig(), fakeScheduler())
    await log.appendAsLeader(buildBatch({ count: 3 }), 0)
    await assert.rejects(log.read(4, 1000, 100, true), rejectsWith(ErrorCode.OFFSET_OUT_OF_RANGE))
    await assert.rejects(log.read(-1, 1000, 100, true), rejectsWith(ErrorCode.OFFSET_OUT_OF_RANGE))
    await log.close()
  })

  it('trims to maxBytes with whole batches, keeps an oversized first batch only with minOneMessage', async () => {
    const log = await openTestLog(dir(), testConfig(), fakeScheduler())
    const sizes: number[] = []
    for (let i = 0; i < 10; i++) {
      const b = buildBatch({ count: 2, valueBytes: 100 })
      sizes.push(b.length)
      await log.appendAsLeader(b, 0)
    }
    const s = sizes[0]!
    const r1 = await log.read(0, s * 3 + 10, 100, false)
    assert.equal(r1.records.length, s * 3)
    assert.equal(r1.nextOffset, 6)
    const r2 = await log.read(0, s - 1, 100, false)
    assert.equal(r2.records.length, 0)
    const r3 = await log.read(0, 1, 100, true)
    assert.equal(r3.records.length, s)
    assert.equal(r3.nextOffset, 2)
    await log.close()
  })

  it('never returns a batch whose base offset is at or past maxOffset', async () => {
    const log = await openTestLog(dir(), testConfig(), fakeScheduler())
    for (let i = 0; i < 5; i++) await log.appendAsLeader(buildBatch({ count: 2 }), 0)
    const r = await log.read(0, 1 << 20, 4, true)
    assert.deepEqual(
      batchesOf(r.records).map((b) => batchBaseOffset(b)),
      [0, 2],
    )
    const r2 = await log.read(4, 1 << 20, 4, true)
    assert.equal(r2.records.length, 0)
    // maxOffset inside a batch: the batch starting before it is returned whole.
    const r3 = await log.read(0, 1 << 20, 5, true)
    assert.deepEqual(
      batchesOf(r3.records).map((b) => batchBaseOffset(b)),
      [0, 2, 4],
    )
    await log.close()
  })

  it('reads across offset index floors with a small index interval', async () => {
    const log = await openTestLog(dir(), testConfig({ 'index.interval.bytes': '200' }), fakeScheduler())
    const bases: number[] = []
    for (let i = 0; i < 200; i++)
      bases.push((await log.appendAsLeader(buildBatch({ count: 1 + (i % 3), valueBytes: 50 }), 0)).firstOffset)
    for (const [i, base] of bases.entries()) {
      const last = i + 1 < bases.length ? bases[i + 1]! - 1 : log.logEndOffset - 1
      for (const target of [base, last]) {
        const r = await log.read(target, 1, log.logEndOffset, true)
        assert.equal(r.firstOffset, base, `offset ${target}`)
      }
    }
    await log.close()
  })

  it('property: any sequence of appends reads back in order at any offset and maxBytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ count: fc.integer({ min: 1, max: 5 }), valueBytes: fc.integer({ min: 0, max: 300 }) }), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 1, max: 4000 }),
        async (specs, interval, maxBytes) => {
          const log = await openTestLog(
            dir(),
            testConfig({ 'index.interval.bytes': String(interval) }),
            fakeScheduler(),
          )
          const appended = await Promise.all(specs.map((s) => log.appendAsLeader(buildBatch(s), 1)))
          const ranges = appended.map((a) => [a.firstOffset, a.lastOffset] as [number, number])
          assert.deepEqual(await readAllBatches(log), ranges)
          for (let offset = 0; offset < log.logEndOffset; offset++) {
            const r = await log.read(offset, maxBytes, log.logEndOffset, false)
            const got = batchesOf(r.records)
            const holder = ranges.find(([b, l]) => b <= offset && offset <= l)!
            if (got.length > 0) assert.equal(batchBaseOffset(got[0]!), holder[0])
            assert.ok(r.records.length <= maxBytes)
          }
          await log.close()
        },
      ),
      { numRuns: 25 },
    )
  })
})

describe('PartitionLog validation', () => {
  it('rejects what Kafka rejects, with Kafka error codes', async () => {
    const log = await openTestLog(
      dir(),
      testConfig({ 'max.message.bytes': '500', 'segment.bytes': '100000' }),
      fakeScheduler(),
    )
    const corrupt = buildBatch()
    corrupt[corrupt.length - 1]! ^= 0xff
    await assert.rejects(async () => log.appendAsLeader(corrupt, 0), rejectsWith(ErrorCode.CORRUPT_MESSAGE))
    await assert.rejects(
      async () => log.appendAsLeader(buildBatch().subarray(0, 40), 0),
      rejectsWith(ErrorCode.CORRUPT_MESSAGE),
    )
    await assert.rejects(
      async () => log.appendAsLeader(buildBatch({ magic: 1 }), 0),
      rejectsWith(ErrorCode.INVALID_RECORD),
    )
    await assert.rejects(
      async () => log.appendAsLeader(buildBatch({ baseOffset: 5 }), 0),
      rejectsWith(ErrorCode.INVALID_RECORD),
    )
    await assert.rejects(
      async () => log.appendAsLeader(buildBatch({ count: 2, lastOffsetDelta: 3 }), 0),
      rejectsWith(ErrorCode.INVALID_RECORD),
    )
    await assert.rejects(
      async () => log.appendAsLeader(buildBatch({ lastOffsetDelta: -1, recordsCount: 0 }), 0),
      rejectsWith(ErrorCode.INVALID_RECORD),
    )
    await assert.rejects(
      async () => log.appendAsLeader(buildBatch({ attributes: 0x20 }), 0),
      rejectsWith(ErrorCode.INVALID_RECORD),
    )
    await assert.rejects(
      async () => log.appendAsLeader(buildBatch({ producerId: 5, baseSequence: -1 }), 0),
      rejectsWith(ErrorCode.INVALID_RECORD),
    )
    await assert.rejects(
      async () => log.appendAsLeader(buildBatch({ valueBytes: 600 }), 0),
      rejectsWith(ErrorCode.MESSAGE_TOO_LARGE),
    )
    const many = Buffer.concat(Array.from({ length: 300 }, () => buildBatch({ valueBytes: 300 })))
    await assert.rejects(async () => log.appendAsLeader(many, 0), rejectsWith(ErrorCode.RECORD_LIST_TOO_LARGE))
    // A producer may not claim LogAppendTime without a timestamp (Kafka's validateTimestamp).
    await assert.rejects(
      async () => log.appendAsLeader(buildBatch({ attributes: 0x08, baseTimestamp: -1, maxTimestamp: -1 }), 0),
      rejectsWith(ErrorCode.INVALID_TIMESTAMP),
    )
    assert.equal(log.logEndOffset, 0)
    await log.close()
  })

  it('checks timestamps against message.timestamp.before/after.max.ms with CreateTime', async () => {
    const scheduler = fakeScheduler()
    const config = testConfig({ 'message.timestamp.before.max.ms': '1000', 'message.timestamp.after.max.ms': '500' })
    const log = await openTestLog(dir(), config, scheduler)
    await assert.rejects(
      async () => log.appendAsLeader(buildBatch({ baseTimestamp: START_MS - 2000 }), 0),
      rejectsWith(ErrorCode.INVALID_TIMESTAMP),
    )
    await assert.rejects(
      async () => log.appendAsLeader(buildBatch({ baseTimestamp: START_MS + 1000 }), 0),
      rejectsWith(ErrorCode.INVALID_TIMESTAMP),
    )
    await log.appendAsLeader(buildBatch({ baseTimestamp: START_MS - 900 }), 0)
    await log.appendAsLeader(buildBatch({ baseTimestamp: -1, maxTimestamp: -1 }), 0)
    assert.equal(log.logEndOffset, 2)
    await log.close()
  })

  // Kafka's LogValidator checks every record's timestamp (validateTimestamp), not only the batch's first
  // and max: one record too old fails the batch with INVALID_TIMESTAMP and that record's error.
  const HOUR = 3_600_000
  const tooOld = (offset: number, before: number, after: string): string =>
    `Timestamp ${START_MS - 2 * HOUR} of message with offset ${offset} is out of range. The timestamp should be within [${START_MS - before}, ${after}]`
  for (const codec of [CompressionType.None, CompressionType.Gzip, CompressionType.Zstd]) {
    it(`rejects a batch whose middle record is older than message.timestamp.before.max.ms (codec ${codec})`, async () => {
      const log = await openTestLog(
        dir(),
        testConfig({ 'message.timestamp.before.max.ms': `${HOUR}` }),
        fakeScheduler(),
      )
      const batch = (timestamps: number[]): Buffer =>
        encodeRecordBatch({
          compression: codec,
          records: timestamps.map((timestamp, i) => ({ key: null, value: Buffer.from(`v${i}`), timestamp })),
        })
      const err = await log.appendAsLeader(batch([START_MS, START_MS - 2 * HOUR, START_MS]), 0).then(
        () => assert.fail('appended'),
        (e: unknown) => e,
      )
      assert.ok(err instanceof KafkaProtocolError)
      assert.equal(err.errorCode, ErrorCode.INVALID_TIMESTAMP)
      assert.equal(err.message, 'One or more records have been rejected due to invalid timestamp')
      // after.max.ms is unbounded (Long.MAX_VALUE): Kafka prints now + Long.MAX_VALUE as Java's long wraps it.
      const wrapped = (BigInt(START_MS) + 2n ** 63n - 1n - 2n ** 64n).toString()
      assert.deepEqual(err.recordErrors, [{ batchIndex: 1, message: tooOld(1, HOUR, wrapped) }])
      assert.equal(log.logEndOffset, 0)
      await log.appendAsLeader(batch([START_MS, START_MS - HOUR + 1, START_MS]), 0)
      assert.equal(log.logEndOffset, 3)
      await log.close()
    })
  }

  it('lists every out-of-range record of the batch, and checks after.max.ms on each record, not on the header max', async () => {
    const config = testConfig({ 'message.timestamp.before.max.ms': `${HOUR}`, 'message.timestamp.after.max.ms': '500' })
    const log = await openTestLog(dir(), config, fakeScheduler())
    const twoOld = buildBatch({
      baseTimestamp: START_MS - 2 * HOUR,
      records: [0, 2 * HOUR, 0].map((timestampDelta) => ({ value: Buffer.from('x'), timestampDelta })),
    })
    await assert.rejects(log.appendAsLeader(twoOld, 0), (err: unknown) => {
      assert.ok(err instanceof KafkaProtocolError)
      assert.deepEqual(err.recordErrors, [
        { batchIndex: 0, message: tooOld(0, HOUR, `${START_MS + 500}`) },
        { batchIndex: 2, message: tooOld(2, HOUR, `${START_MS + 500}`) },
      ])
      return err.errorCode === ErrorCode.INVALID_TIMESTAMP
    })
    // A producer's maxTimestamp that understates its records does not hide a record from the future.
    const understated = buildBatch({
      baseTimestamp: START_MS,
      maxTimestamp: START_MS,
      records: [0, 10_000].map((timestampDelta) => ({ value: Buffer.from('x'), timestampDelta })),
    })
    await assert.rejects(log.appendAsLeader(understated, 0), (err: unknown) => {
      assert.ok(err instanceof KafkaProtocolError)
      assert.deepEqual(
        err.recordErrors.map((e) => e.batchIndex),
        [1],
      )
      return err.errorCode === ErrorCode.INVALID_TIMESTAMP
    })
    assert.equal(log.logEndOffset, 0)
    await log.close()
  })

  it('on a compacted topic a record without a key and one too old fail together, as INVALID_TIMESTAMP', async () => {
    const config = testConfig({ 'cleanup.policy': 'compact', 'message.timestamp.before.max.ms': `${HOUR}` })
    const log = await openTestLog(dir(), config, fakeScheduler())
    const records = [
      { key: null, value: Buffer.from('a'), timestampDelta: 2 * HOUR },
      { key: Buffer.from('k'), value: Buffer.from('b'), timestampDelta: 0 },
    ]
    await assert.rejects(
      log.appendAsLeader(buildBatch({ baseTimestamp: START_MS - 2 * HOUR, records }), 0),
      (err: unknown) => {
        assert.ok(err instanceof KafkaProtocolError)
        assert.deepEqual(
          err.recordErrors.map((e) => [e.batchIndex, e.message?.split(' ').slice(0, 2).join(' ')]),
          [
            [0, 'Compacted topic'],
            [1, `Timestamp ${START_MS - 2 * HOUR}`],
          ],
        )
        return err.errorCode === ErrorCode.INVALID_TIMESTAMP
      },
    )
    await log.close()
  })

  it('applies LogAppendTime in place with a valid CRC', async () => {
    const scheduler = fakeScheduler()
    scheduler.advance(12345)
    const log = await openTestLog(dir(), testConfig({ 'message.timestamp.type': 'LogAppendTime' }), scheduler)
    const info = await log.appendAsLeader(buildBatch({ count: 3, baseTimestamp: 5 }), 2)
    assert.equal(info.logAppendTimeMs, START_MS + 12345)
    const r = await log.read(0, 1 << 20, 10, true)
    const [b] = batchesOf(r.records)
    assert.ok(b !== undefined && isBatchCrcValid(b))
    assert.equal(batchTimestampType(b), TimestampType.LogAppendTime)
    assert.equal(batchMaxTimestamp(b), START_MS + 12345)
    await log.close()
  })
})

describe('PartitionLog write path', () => {
  it('keeps order of concurrent appends and coalesces them into few writes', async () => {
    const log = await openTestLog(dir(), testConfig(), fakeScheduler())
    const pending = Array.from({ length: 500 }, (_, i) => log.appendAsLeader(buildBatch({ count: 1 + (i % 2) }), 0))
    const infos = await Promise.all(pending)
    let next = 0
    for (const info of infos) {
      assert.equal(info.firstOffset, next)
      next = info.lastOffset + 1
    }
    assert.ok(log.stats.writes <= 3, `expected few writes, got ${log.stats.writes}`)
    assert.deepEqual(
      (await readAllBatches(log)).map(([b]) => b),
      infos.map((i) => i.firstOffset),
    )
    await log.close()
  })

  it('continues offsets across close and reopen', async () => {
    const d = dir()
    const scheduler = fakeScheduler()
    const log = await openTestLog(d, testConfig({ 'segment.bytes': '2000' }), scheduler)
    for (let i = 0; i < 30; i++) await log.appendAsLeader(buildBatch({ count: 3, valueBytes: 50 }), 0)
    const end = log.logEndOffset
    await log.close()
    for (const clean of [true, false]) {
      const again = await openTestLog(d, testConfig({ 'segment.bytes': '2000' }), scheduler, {
        hadCleanShutdown: clean,
      })
      assert.equal(again.logEndOffset, end)
      const info = await again.appendAsLeader(buildBatch(), 0)
      assert.equal(info.firstOffset, end)
      await again.truncateTo(end)
      assert.equal((await readAllBatches(again)).length, 30)
      await again.close()
    }
  })
})

describe('PartitionLog segment rolls', () => {
  it('rolls when the active segment would exceed segment.bytes, naming segments by base offset', async () => {
    const d = dir()
    const log = await openTestLog(d, testConfig({ 'segment.bytes': '1000' }), fakeScheduler())
    const size = buildBatch({ count: 2, valueBytes: 60 }).length
    const perSegment = Math.floor(1000 / size)
    for (let i = 0; i < perSegment * 3; i++) await log.appendAsLeader(buildBatch({ count: 2, valueBytes: 60 }), 0)
    const infos = log.segmentInfos()
    assert.equal(infos.length, 3)
    assert.deepEqual(
      infos.map((s) => s.baseOffset),
      [0, perSegment * 2, perSegment * 4],
    )
    for (const s of infos) assert.ok(s.sizeBytes <= 1000)
    const names = readdirSync(d).filter((n) => n.endsWith('.log'))
    assert.deepEqual(
      names.sort(),
      infos.map((s) => `${String(s.baseOffset).padStart(20, '0')}.log`),
    )
    // Reads work across segment boundaries (one segment per read).
    assert.equal((await readAllBatches(log)).length, perSegment * 3)
    const r = await log.read(perSegment * 2 - 1, 1 << 20, log.logEndOffset, true)
    assert.equal(r.nextOffset, perSegment * 2)
    await log.whenIdle()
    assert.equal(log.recoveryPoint, perSegment * 4, 'a roll flushes the previous segments')
    await log.close()
  })

  it('rolls by time from the first batch timestamp, with segment.ms', async () => {
    const scheduler = fakeScheduler()
    const log = await openTestLog(dir(), testConfig({ 'segment.ms': '60000' }), scheduler)
    await log.appendAsLeader(buildBatch({ baseTimestamp: START_MS }), 0)
    scheduler.advance(30_000)
    await log.appendAsLeader(buildBatch({ baseTimestamp: START_MS + 30_000 }), 0)
    assert.equal(log.numberOfSegments, 1)
    scheduler.advance(31_000)
    await log.appendAsLeader(buildBatch({ baseTimestamp: START_MS + 61_000 }), 0)
    assert.deepEqual(
      log.segmentInfos().map((s) => s.baseOffset),
      [0, 2],
    )
    await log.close()
  })

  it('rolls when the offset index is full (segment.index.bytes)', async () => {
    const log = await openTestLog(
      dir(),
      testConfig({ 'segment.index.bytes': '32', 'index.interval.bytes': '1' }),
      fakeScheduler(),
    )
    for (let i = 0; i < 30; i++) await log.appendAsLeader(buildBatch(), 0)
    assert.ok(log.numberOfSegments >= 5, `segments: ${log.numberOfSegments}`)
    assert.equal((await readAllBatches(log)).length, 30)
    await log.close()
  })

  it('rolls when a follower offset would overflow the segment relative offset', async () => {
    const log = await openTestLog(dir(), testConfig(), fakeScheduler())
    await log.appendAsFollower(buildBatch({ baseOffset: 0 }))
    const far = 2 ** 31 + 10
    await log.appendAsFollower(buildBatch({ baseOffset: far, count: 2 }))
    assert.deepEqual(
      log.segmentInfos().map((s) => s.baseOffset),
      [0, far],
    )
    assert.equal(log.logEndOffset, far + 2)
    assert.deepEqual(await readAllBatches(log), [
      [0, 0],
      [far, far + 1],
    ])
    await log.close()
  })
})

describe('PartitionLog timestamps', () => {
  it('finds the first offset at or after a timestamp through the time index, across segments', async () => {
    const log = await openTestLog(
      dir(),
      testConfig({ 'index.interval.bytes': '100', 'segment.bytes': '3000' }),
      fakeScheduler(),
    )
    // Batch i holds records at START_MS + 100*i + {0, 10, 20}.
    for (let i = 0; i < 60; i++) {
      await log.appendAsLeader(
        buildBatch({
          baseTimestamp: START_MS + 100 * i,
          records: [0, 10, 20].map((t) => ({ value: Buffer.alloc(20), timestampDelta: t })),
        }),
        0,
      )
    }
    assert.ok(log.numberOfSegments > 1)
    for (const [target, offset, timestamp] of [
      [START_MS, 0, START_MS],
      [START_MS + 5, 1, START_MS + 10],
      [START_MS + 1005, 31, START_MS + 1010],
      [START_MS + 5920, 179, START_MS + 5920],
      [START_MS - 1000, 0, START_MS],
    ] as const) {
      const found = await log.fetchOffsetByTimestamp(target)
      assert.deepEqual(
        found && { offset: found.offset, timestamp: found.timestamp },
        { offset, timestamp },
        `target ${target}`,
      )
    }
    assert.equal(await log.fetchOffsetByTimestamp(START_MS + 5921), null)
    const max = await log.offsetOfMaxTimestamp()
    assert.deepEqual({ offset: max.offset, timestamp: max.timestamp }, { offset: 179, timestamp: START_MS + 5920 })
    await log.close()
  })

  it('answers -1/-1 for the max timestamp of an empty log and uses the exact record for out-of-order timestamps', async () => {
    const log = await openTestLog(dir(), testConfig(), fakeScheduler())
    assert.deepEqual(await log.offsetOfMaxTimestamp(), { offset: -1, timestamp: -1, leaderEpoch: -1 })
    await log.appendAsLeader(
      buildBatch({ records: [50, 500, 20].map((t) => ({ value: Buffer.from('x'), timestampDelta: t })) }),
      3,
    )
    const max = await log.offsetOfMaxTimestamp()
    assert.deepEqual(max, { offset: 1, timestamp: START_MS + 500, leaderEpoch: 3 })
    const found = await log.fetchOffsetByTimestamp(START_MS + 100)
    assert.deepEqual(found, { offset: 1, timestamp: START_MS + 500, leaderEpoch: 3 })
    await log.close()
  })
})

describe('PartitionLog truncation and flush', () => {
  it('truncates to an offset, dropping later segments, and accepts appends after it', async () => {
    const log = await openTestLog(dir(), testConfig({ 'segment.bytes': '1000' }), fakeScheduler())
    for (let i = 0; i < 30; i++) await log.appendAsLeader(buildBatch({ count: 2, valueBytes: 50 }), 0)
    log.setHighWatermark(60)
    assert.equal(await log.truncateTo(20), true)
    assert.equal(log.logEndOffset, 20)
    assert.equal(log.highWatermark, 20)
    assert.deepEqual((await readAllBatches(log)).at(-1), [18, 19])
    assert.equal((await log.appendAsLeader(buildBatch(), 0)).firstOffset, 20)
    assert.equal(await log.truncateTo(100), false)
    await log.truncateFullyAndStartAt(500)
    assert.equal(log.logStartOffset, 500)
    assert.equal((await log.appendAsLeader(buildBatch(), 0)).firstOffset, 500)
    await log.close()
  })

  it('flush advances the recovery point; flush.messages=1 fsyncs before an append resolves', async () => {
    const log = await openTestLog(dir(), testConfig({ 'flush.messages': '1' }), fakeScheduler())
    const appends = Array.from({ length: 50 }, () => log.appendAsLeader(buildBatch(), 0))
    await Promise.all(appends)
    assert.equal(log.recoveryPoint, 50)
    assert.ok(log.stats.flushes <= 3, `group commit expected, got ${log.stats.flushes} flushes`)
    await log.close()
  })

  it('flush.ms schedules a flush through the scheduler', async () => {
    const scheduler = fakeScheduler()
    const log = await openTestLog(dir(), testConfig({ 'flush.ms': '1000' }), scheduler)
    await log.appendAsLeader(buildBatch(), 0)
    assert.equal(log.recoveryPoint, 0)
    scheduler.advance(1000)
    await log.whenIdle()
    assert.equal(log.recoveryPoint, 1)
    await log.close()
  })
})

describe('PartitionLog failures', () => {
  it('goes offline after an I/O error: pending and later operations fail with KAFKA_STORAGE_ERROR', async () => {
    const d = dir()
    const failures: Error[] = []
    const log = await openTestLog(d, testConfig({ 'segment.bytes': '300' }), fakeScheduler(), {
      onFailure: (e) => failures.push(e),
    })
    await log.appendAsLeader(buildBatch({ valueBytes: 150 }), 0)
    // The next append rolls; creating the new segment's files fails because the directory is gone.
    rmSync(d, { recursive: true, force: true })
    await assert.rejects(
      log.appendAsLeader(buildBatch({ valueBytes: 150 }), 0),
      rejectsWith(ErrorCode.KAFKA_STORAGE_ERROR),
    )
    assert.equal(log.isOffline, true)
    assert.equal(failures.length, 1)
    await assert.rejects(log.appendAsLeader(buildBatch(), 0), rejectsWith(ErrorCode.KAFKA_STORAGE_ERROR))
    await assert.rejects(log.read(0, 100, 10, true), rejectsWith(ErrorCode.KAFKA_STORAGE_ERROR))
    await log.close()
  })
})

describe('PartitionLog follower appends', () => {
  it('keeps offsets, allows gaps, rejects offsets below the log end, and truncates into a gap', async () => {
    const log = await openTestLog(dir(), testConfig({ 'segment.bytes': '400' }), fakeScheduler())
    await log.appendAsFollower(buildBatch({ baseOffset: 0, count: 2, partitionLeaderEpoch: 4 }))
    await log.appendAsFollower(buildBatch({ baseOffset: 10, count: 2, partitionLeaderEpoch: 4 }))
    await assert.rejects(log.appendAsFollower(buildBatch({ baseOffset: 5 })), rejectsWith(ErrorCode.INVALID_RECORD))
    for (let i = 0; i < 5; i++) await log.appendAsFollower(buildBatch({ baseOffset: 100 + 10 * i, valueBytes: 100 }))
    assert.equal(log.logEndOffset, 141)
    const r = await log.read(5, 1 << 20, 141, true)
    assert.equal(r.firstOffset, 10)
    assert.equal(batchPartitionLeaderEpoch(r.records), 4)
    await log.truncateTo(50)
    assert.equal(log.logEndOffset, 50)
    assert.equal((await log.appendAsLeader(buildBatch(), 5)).firstOffset, 50)
    assert.deepEqual(await readAllBatches(log), [
      [0, 1],
      [10, 11],
      [50, 50],
    ])
    await log.close()
  })
})

describe('PartitionLog concurrency', () => {
  it('keeps order across rolls under concurrent appends, and survives an unclean reopen', async () => {
    const d = dir()
    const config = testConfig({ 'segment.bytes': '2000', 'index.interval.bytes': '300' })
    const log = await openTestLog(d, config, fakeScheduler())
    const infos = await Promise.all(
      Array.from({ length: 300 }, (_, i) => log.appendAsLeader(buildBatch({ count: 1 + (i % 3), valueBytes: 30 }), 0)),
    )
    const ranges = infos.map((i) => [i.firstOffset, i.lastOffset] as [number, number])
    assert.ok(log.numberOfSegments > 10)
    assert.deepEqual(await readAllBatches(log), ranges)
    await log.whenIdle()
    assert.equal(log.recoveryPoint, log.segmentInfos().at(-1)!.baseOffset)
    const end = log.logEndOffset
    await log.close()
    const again = await openTestLog(d, config, fakeScheduler(), { recoveryPoint: 0 })
    assert.equal(again.logEndOffset, end)
    assert.deepEqual(await readAllBatches(again), ranges)
    await again.close()
  })
})
