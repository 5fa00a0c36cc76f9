import assert from 'node:assert/strict'
import fs from 'node:fs'
import { after, describe, it } from 'node:test'
import { ErrorCode } from '../../src/protocol/error-codes.ts'
import { KafkaProtocolError } from '../../src/protocol/kafka-protocol-error.ts'
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

const BATCH = () => buildBatch({ count: 2, valueBytes: 60 })
const BATCH_BYTES = BATCH().length

describe('retention', () => {
  it('deletes whole segments older than retention.ms, never past the high watermark', async () => {
    const d = dir()
    const scheduler = fakeScheduler()
    const config = testConfig({
      'segment.bytes': String(BATCH_BYTES * 3),
      'retention.ms': '1000',
      'file.delete.delay.ms': '500',
    })
    const log = await openTestLog(d, config, scheduler)
    // Three segments of three batches, timestamps 0, 100, 200... ms after START_MS.
    for (let i = 0; i < 9; i++)
      await log.appendAsLeader(buildBatch({ count: 2, valueBytes: 60, baseTimestamp: START_MS + 100 * i }), 0)
    await log.appendAsLeader(buildBatch({ count: 2, valueBytes: 60, baseTimestamp: START_MS + 5000 }), 0)
    assert.equal(log.numberOfSegments, 4)
    scheduler.advance(1600) // now = START_MS + 1600: the first segment (max 201) is expired, the second (501) too
    assert.equal(await log.deleteOldSegments(), 0, 'the high watermark is still 0')
    log.setHighWatermark(log.logEndOffset)
    assert.equal(await log.deleteOldSegments(), 2)
    assert.equal(log.logStartOffset, 12)
    assert.deepEqual(
      log.segmentInfos().map((s) => s.baseOffset),
      [12, 18],
    )
    await assert.rejects(
      log.read(0, 1000, 100, true),
      (e) => e instanceof KafkaProtocolError && e.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE,
    )
    // Files are renamed to .deleted at once, removed after file.delete.delay.ms.
    await log.whenIdle()
    assert.equal(fs.readdirSync(d).filter((n) => n.endsWith('.deleted')).length, 6)
    scheduler.advance(500)
    await log.whenIdle()
    assert.equal(fs.readdirSync(d).filter((n) => n.endsWith('.deleted')).length, 0)
    await log.close()
  })

  it('deletes the oldest segments while the log exceeds retention.bytes', async () => {
    const scheduler = fakeScheduler()
    const config = testConfig({ 'segment.bytes': String(BATCH_BYTES * 2), 'retention.bytes': String(BATCH_BYTES * 5) })
    const log = await openTestLog(dir(), config, scheduler)
    for (let i = 0; i < 10; i++) await log.appendAsLeader(BATCH(), 0)
    log.setHighWatermark(log.logEndOffset)
    assert.equal(log.size, BATCH_BYTES * 10)
    assert.equal(await log.deleteOldSegments(), 2)
    assert.equal(log.size, BATCH_BYTES * 6)
    assert.equal(log.logStartOffset, 8)
    assert.deepEqual((await readAllBatches(log))[0], [8, 9])
    await log.close()
  })

  it('keeps everything with cleanup.policy=compact (only the log start offset deletes)', async () => {
    // Compacted topics take keyed records only (Kafka's LogValidator).
    const keyed = () =>
      buildBatch({
        records: [0, 1].map((i) => ({ key: Buffer.from(`k${i}`), value: Buffer.alloc(60, i), timestampDelta: i })),
      })
    const config = testConfig({
      'segment.bytes': String(keyed().length * 2),
      'retention.bytes': '1',
      'cleanup.policy': 'compact',
    })
    const log = await openTestLog(dir(), config, fakeScheduler())
    for (let i = 0; i < 6; i++) await log.appendAsLeader(keyed(), 0)
    log.setHighWatermark(log.logEndOffset)
    assert.equal(await log.deleteOldSegments(), 0)
    log.maybeIncrementLogStartOffset(5)
    assert.equal(await log.deleteOldSegments(), 1)
    assert.equal(log.logStartOffset, 5)
    await log.close()
  })

  it('deleteRecordsBefore moves the log start offset, deletes whole segments below it, -1 means the high watermark', async () => {
    const config = testConfig({ 'segment.bytes': String(BATCH_BYTES * 2) })
    const log = await openTestLog(dir(), config, fakeScheduler())
    for (let i = 0; i < 6; i++) await log.appendAsLeader(BATCH(), 0)
    log.setHighWatermark(9)
    await assert.rejects(
      log.deleteRecordsBefore(10),
      (e) => e instanceof KafkaProtocolError && e.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE,
    )
    assert.equal(await log.deleteRecordsBefore(5), 5)
    assert.deepEqual(
      log.segmentInfos().map((s) => s.baseOffset),
      [4, 8],
    )
    // The batch holding offset 5 starts at 4 and is still returned whole.
    assert.equal((await log.read(5, 1000, 9, true)).firstOffset, 4)
    await assert.rejects(log.read(4, 1000, 9, true), (e) => e instanceof KafkaProtocolError)
    assert.equal(await log.deleteRecordsBefore(-1), 9)
    await log.close()
  })

  it('persists the log start offset through reopen when given back by the caller', async () => {
    const d = dir()
    const config = testConfig({ 'segment.bytes': String(BATCH_BYTES * 2) })
    const log = await openTestLog(d, config, fakeScheduler())
    for (let i = 0; i < 4; i++) await log.appendAsLeader(BATCH(), 0)
    log.setHighWatermark(8)
    log.maybeIncrementLogStartOffset(3)
    await log.close()
    const again = await openTestLog(d, config, fakeScheduler(), {
      logStartOffset: 3,
      highWatermark: 8,
      hadCleanShutdown: true,
    })
    assert.equal(again.logStartOffset, 3)
    assert.equal(again.highWatermark, 8)
    await again.close()
  })
})
