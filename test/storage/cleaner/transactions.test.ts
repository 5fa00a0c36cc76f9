/**
 * Compaction of transactional data, as Kafka's LogCleaner does it: committed transactional records are
 * compacted like others (and supersede older values); an aborted transaction's records are removed and
 * never supersede anything; its ABORT marker (and `.txnindex` entry) stays while a pass still removes
 * some of its records, then gets a delete horizon and goes after delete.retention.ms; COMMIT markers
 * stay while their transaction has records; nothing at or past the last stable offset is cleaned; the
 * batch holding an active producer's last sequence stays (emptied) so de-duplication survives.
 */
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, it } from 'node:test'
import type { FakeScheduler } from '../../../src/common/scheduler.ts'
import { ErrorCode } from '../../../src/protocol/error-codes.ts'
import { KafkaProtocolError } from '../../../src/protocol/kafka-protocol-error.ts'
import { decodeRecordBatches, encodeControlBatch, encodeRecordBatch } from '../../../src/protocol/records/records.ts'
import type { LogCleaner } from '../../../src/storage/cleaner/log-cleaner.ts'
import type { PartitionLog } from '../../../src/storage/partition-log.ts'
import { AppendOrigin } from '../../../src/storage/producer-state.ts'
import { fakeScheduler, openTestLog, type TempDir, tempDir, testConfig } from '../helpers.ts'
import { keyedBatch, readRecords, testCleaner } from './helpers.ts'

const RETENTION_MS = 60_000
const dirs: TempDir[] = []
const cleaners: LogCleaner[] = []
const logs: PartitionLog[] = []
afterEach(async () => {
  for (const c of cleaners.splice(0)) await c.shutdown()
  for (const l of logs.splice(0)) await l.close().catch(() => {})
  for (const d of dirs.splice(0)) d.cleanup()
})

async function setup(): Promise<{ log: PartitionLog; scheduler: FakeScheduler; cleaner: LogCleaner }> {
  const d = tempDir('samsa-txn-cleaner-')
  dirs.push(d)
  const scheduler = fakeScheduler()
  const log = await openTestLog(
    d.path,
    testConfig({
      'cleanup.policy': 'compact',
      'segment.bytes': '2048',
      'min.cleanable.dirty.ratio': '0.01',
      'delete.retention.ms': String(RETENTION_MS),
    }),
    scheduler,
  )
  logs.push(log)
  const cleaner = testCleaner(() => [{ log, logDir: d.path }], scheduler)
  cleaners.push(cleaner)
  return { log, scheduler, cleaner }
}

async function append(log: PartitionLog, records: Buffer, origin: AppendOrigin = AppendOrigin.Client): Promise<number> {
  const info = await log.appendAsLeader(records, 0, origin)
  log.setHighWatermark(log.logEndOffset)
  return info.firstOffset
}

function txnBatch(producerId: number, seq: number, kvs: [string, string][], nowMs: number): Buffer {
  return encodeRecordBatch({
    isTransactional: true,
    producerId,
    producerEpoch: 0,
    baseSequence: seq,
    records: kvs.map(([k, v]) => ({ key: Buffer.from(k), value: Buffer.from(v), timestamp: nowMs })),
  })
}

const marker = (type: 'COMMIT' | 'ABORT', producerId: number, nowMs: number) =>
  encodeControlBatch({ type, producerId, producerEpoch: 0, coordinatorEpoch: 0, timestamp: nowMs })

/** Plain writes of other keys, enough to roll a few segments (the dirty part the cleaner works on). */
async function filler(log: PartitionLog, scheduler: FakeScheduler, tag: string): Promise<void> {
  for (let i = 0; i < 60; i++)
    await append(log, keyedBatch([{ key: `f-${i % 20}`, value: `${tag}-${i}` }], scheduler.nowMs()))
}

async function cleanAll(cleaner: LogCleaner): Promise<void> {
  while ((await cleaner.cleanOnce()) !== null) {}
}

describe('compaction of transactions', () => {
  it('compacts committed records, drops aborted ones, keeps then expires their markers and index entries', async () => {
    const { log, scheduler, cleaner } = await setup()
    const now = scheduler.nowMs()
    await append(log, keyedBatch([{ key: 'a', value: 'plain-1' }], now))
    await append(log, txnBatch(1, 0, [['a', 'committed-2']], now))
    await append(log, marker('COMMIT', 1, now), AppendOrigin.Coordinator)
    const abortedAt = await append(
      log,
      txnBatch(
        2,
        0,
        [
          ['a', 'aborted'],
          ['b', 'aborted'],
        ],
        now,
      ),
    )
    const abortMarker = await append(log, marker('ABORT', 2, now), AppendOrigin.Coordinator)
    await append(log, txnBatch(2, 2, [['e', 'committed-e']], now))
    const commitE = await append(log, marker('COMMIT', 2, now), AppendOrigin.Coordinator)
    await filler(log, scheduler, 'one')
    await cleanAll(cleaner)

    let records = await readRecords(log)
    const head = records.filter((r) => r.offset <= commitE)
    assert.deepEqual(
      head.filter((r) => !r.isControl).map((r) => [r.key, r.value]),
      [
        ['a', 'committed-2'],
        ['e', 'committed-e'],
      ],
      'the committed value superseded the plain one; the aborted records are gone and superseded nothing',
    )
    assert.deepEqual(
      head.filter((r) => r.isControl).map((r) => r.offset),
      [2, abortMarker, commitE],
      'every marker stays in the pass that removed records of its transaction',
    )
    assert.deepEqual(log.collectAbortedTransactions(0, log.logEndOffset), [
      { producerId: 2, firstOffset: abortedAt, lastOffset: abortMarker, lastStableOffset: abortMarker + 1 },
    ])

    // A later pass finds nothing left of the aborted transaction: its marker gets a delete horizon and its
    // index entry goes; after delete.retention.ms the marker goes too.
    await filler(log, scheduler, 'two')
    await cleanAll(cleaner)
    records = await readRecords(log)
    const abort = records.find((r) => r.offset === abortMarker)
    assert.ok(abort?.deleteHorizon === true, 'the ABORT marker has a delete horizon')
    assert.deepEqual(log.collectAbortedTransactions(0, log.logEndOffset), [])
    scheduler.advance(RETENTION_MS + 1)
    await filler(log, scheduler, 'three')
    await cleanAll(cleaner)
    records = await readRecords(log)
    assert.equal(
      records.find((r) => r.offset === abortMarker),
      undefined,
      'the ABORT marker is gone',
    )
    assert.deepEqual(
      records.filter((r) => r.isControl).map((r) => r.offset),
      [2, commitE],
      'COMMIT markers stay while their transactions have records',
    )
    assert.deepEqual(
      records.filter((r) => r.key === 'a' || r.key === 'e').map((r) => r.value),
      ['committed-2', 'committed-e'],
    )
  })

  it('cleans nothing at or past the last stable offset (an open transaction)', async () => {
    const { log, scheduler, cleaner } = await setup()
    const now = scheduler.nowMs()
    await filler(log, scheduler, 'before')
    const open = await append(log, txnBatch(3, 0, [['f-1', 'open']], now))
    await filler(log, scheduler, 'after')
    assert.equal(log.lastStableOffset, open)
    await cleanAll(cleaner)
    const records = await readRecords(log)
    const tail = records.filter((r) => r.offset >= open)
    assert.equal(tail.length, log.logEndOffset - open, 'everything from the open transaction on is untouched')
    const firstDirty = cleaner.firstDirtyOffset('topic', 0) ?? 0
    assert.ok(firstDirty <= open, `cleaned up to ${firstDirty}, the LSO is ${open}`)
  })

  it("keeps an active producer's last batch, emptied, so its next sequence is still checked after a reload", async () => {
    const { log, scheduler, cleaner } = await setup()
    const now = scheduler.nowMs()
    const at = await append(log, txnBatch(4, 0, [['k', 'aborted']], now))
    await append(log, marker('ABORT', 4, now), AppendOrigin.Coordinator)
    await filler(log, scheduler, 'x')
    await cleanAll(cleaner)
    const records = await readRecords(log)
    assert.equal(
      records.find((r) => r.key === 'k'),
      undefined,
      'the aborted record is gone',
    )
    const first = decodeRecordBatches((await log.read(at, 1 << 16, log.logEndOffset, true)).records)[0]!
    assert.deepEqual(
      [first.baseOffset, first.recordCount, first.producerId, first.baseSequence, first.isTransactional],
      [at, 0, 4, 0, true],
      'the batch stays as an empty header',
    )
    // A reload that replays the log from the start (no snapshot) rebuilds the producer from that header.
    await log.whenIdle()
    for (const name of fs.readdirSync(log.dir)) if (name.endsWith('.snapshot')) fs.rmSync(join(log.dir, name))
    const reloaded = await openTestLog(log.dir, log.config, scheduler)
    logs.push(reloaded)
    assert.deepEqual(
      reloaded.activeProducers().map((p) => [p.producerId, p.batches.at(-1)?.lastSeq]),
      [[4, 0]],
    )
    await assert.rejects(
      reloaded.appendAsLeader(txnBatch(4, 5, [['k', 'gap']], now), 0),
      (err: unknown) => err instanceof KafkaProtocolError && err.errorCode === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    )
    await reloaded.appendAsLeader(txnBatch(4, 1, [['k', 'next']], now), 0)
  })
})
