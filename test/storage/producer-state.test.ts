import assert from 'node:assert/strict'
import fs from 'node:fs'
import { after, describe, it } from 'node:test'
import { ErrorCode } from '../../src/protocol/error-codes.ts'
import { KafkaProtocolError } from '../../src/protocol/kafka-protocol-error.ts'
import { Attributes } from '../../src/protocol/records/record-batch.ts'
import { encodeControlBatch } from '../../src/protocol/records/records.ts'
import type { PartitionLog } from '../../src/storage/partition-log.ts'
import {
  decodeProducerSnapshot,
  encodeProducerSnapshot,
  snapshotFilePath,
} from '../../src/storage/producer-snapshot-file.ts'
import {
  AppendOrigin,
  incrementSequence,
  SENTINEL_GUARD,
  type VerificationGuard,
} from '../../src/storage/producer-state.ts'
import { txnIndexFilePath } from '../../src/storage/txn-index.ts'
import { buildBatch, fakeScheduler, openTestLog, START_MS, tempDir, testConfig } from './helpers.ts'

const dirs: { cleanup(): void }[] = []
function dir(): string {
  const d = tempDir()
  dirs.push(d)
  return d.path
}
after(() => {
  for (const d of dirs) d.cleanup()
})

const PID = 1000
const TXN = Attributes.Transactional

function data(seq: number, opts: { pid?: number; epoch?: number; count?: number; txn?: boolean } = {}): Buffer {
  return buildBatch({
    count: opts.count ?? 1,
    producerId: opts.pid ?? PID,
    producerEpoch: opts.epoch ?? 0,
    baseSequence: seq,
    attributes: opts.txn === true ? TXN : 0,
    baseTimestamp: START_MS,
  })
}

function marker(type: 'COMMIT' | 'ABORT', opts: { pid?: number; epoch?: number; coordinatorEpoch?: number } = {}) {
  return encodeControlBatch({
    type,
    producerId: opts.pid ?? PID,
    producerEpoch: opts.epoch ?? 0,
    coordinatorEpoch: opts.coordinatorEpoch ?? 0,
    timestamp: START_MS,
  })
}

function rejectsWith(code: number): (err: unknown) => boolean {
  return (err) => err instanceof KafkaProtocolError && err.errorCode === code
}

/** Appends as leader and moves the high watermark past it, as a sole replica does. */
async function append(log: PartitionLog, records: Buffer, origin: AppendOrigin = AppendOrigin.Client) {
  const info = await log.appendAsLeader(records, 0, origin)
  log.setHighWatermark(log.logEndOffset)
  return info
}

describe('idempotent producers', () => {
  it('answers a retried batch with its original offsets and appends nothing', async () => {
    const log = await openTestLog(dir(), testConfig(), fakeScheduler())
    await append(log, data(0, { count: 3 }))
    const second = await append(log, data(3, { count: 2 }))
    const end = log.logEndOffset
    const retry = await append(log, data(3, { count: 2 }))
    assert.deepEqual([retry.firstOffset, retry.lastOffset], [second.firstOffset, second.lastOffset])
    assert.equal(log.logEndOffset, end)
    await log.close()
  })

  it('remembers the last five batches: a retry of the sixth newest is out of order', async () => {
    const log = await openTestLog(dir(), testConfig(), fakeScheduler())
    for (let seq = 0; seq < 6; seq++) await append(log, data(seq))
    const fifth = await append(log, data(1))
    assert.equal(fifth.firstOffset, 1)
    await assert.rejects(append(log, data(0)), rejectsWith(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER))
    await log.close()
  })

  it('refuses a sequence gap and a new epoch that does not start at 0', async () => {
    const log = await openTestLog(dir(), testConfig(), fakeScheduler())
    await append(log, data(0))
    await assert.rejects(append(log, data(2)), rejectsWith(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER))
    await assert.rejects(append(log, data(5, { epoch: 1 })), rejectsWith(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER))
    await append(log, data(0, { epoch: 1 }))
    await assert.rejects(append(log, data(1, { epoch: 0 })), rejectsWith(ErrorCode.INVALID_PRODUCER_EPOCH))
    await log.close()
  })

  it('accepts any first sequence from an unknown producer, and sequences that wrap', async () => {
    const log = await openTestLog(dir(), testConfig(), fakeScheduler())
    await append(log, data(2147483646, { count: 2 }))
    assert.equal(incrementSequence(2147483646, 1), 2147483647)
    await append(log, data(0))
    await append(log, data(42, { pid: 7 }))
    assert.equal(log.activeProducers().length, 2)
    await log.close()
  })

  it('keeps de-duplication across a clean restart and across a crash (snapshot plus replay)', async () => {
    const d = dir()
    const config = testConfig({ 'segment.bytes': '1000' })
    const log = await openTestLog(d, config, fakeScheduler())
    const infos = []
    for (let seq = 0; seq < 40; seq++) infos.push(await append(log, data(seq)))
    assert.ok(log.numberOfSegments > 2, 'the log rolled')
    await log.close()
    const reopened = await openTestLog(d, config, fakeScheduler(), { hadCleanShutdown: true })
    assert.equal((await append(reopened, data(39))).firstOffset, infos[39]!.firstOffset)
    await append(reopened, data(40))
    await reopened.whenIdle()
    // A crash: the log is opened again without closing it (no snapshot at the end, no clean shutdown).
    const crashed = await openTestLog(d, config, fakeScheduler())
    assert.equal((await append(crashed, data(40))).firstOffset, 40)
    await assert.rejects(append(crashed, data(42)), rejectsWith(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER))
    await append(crashed, data(41))
    await crashed.close()
    await reopened.close()
  })

  it('expires idle producers without an open transaction', async () => {
    const log = await openTestLog(dir(), testConfig(), fakeScheduler())
    await append(log, data(0))
    await append(log, data(0, { pid: 9, txn: true }))
    assert.equal(log.removeExpiredProducers(START_MS + 1000, 1000), 1)
    assert.deepEqual(
      log.activeProducers().map((p) => p.producerId),
      [9],
    )
    await log.close()
  })
})

describe('transactions in the log', () => {
  it('holds the last stable offset at an open transaction until its marker is below the high watermark', async () => {
    const log = await openTestLog(dir(), testConfig(), fakeScheduler())
    await append(log, data(0, { pid: 1 }))
    await append(log, data(0, { txn: true, count: 2 }))
    assert.equal(log.lastStableOffset, 1)
    await append(log, data(1, { pid: 1 }))
    assert.equal(log.lastStableOffset, 1)
    await log.appendAsLeader(marker('COMMIT'), 0, AppendOrigin.Coordinator)
    assert.equal(log.lastStableOffset, 1, 'the marker is not below the high watermark yet')
    log.setHighWatermark(log.logEndOffset)
    assert.equal(log.lastStableOffset, log.highWatermark)
    assert.deepEqual(log.collectAbortedTransactions(0, log.logEndOffset), [])
    await log.close()
  })

  it('indexes aborted transactions with the last stable offset and reports the overlapping ones', async () => {
    const d = dir()
    const log = await openTestLog(d, testConfig(), fakeScheduler())
    await append(log, data(0, { txn: true, count: 2 })) // 0-1
    await append(log, data(0, { pid: 2, txn: true })) // 2, another producer's open transaction
    await append(log, marker('ABORT'), AppendOrigin.Coordinator) // 3
    await append(log, data(1, { pid: 2, txn: true })) // 4
    await append(log, marker('COMMIT', { pid: 2 }), AppendOrigin.Coordinator) // 5
    await append(log, data(2, { txn: true })) // 6
    await append(log, marker('ABORT'), AppendOrigin.Coordinator) // 7
    const all = [
      { producerId: PID, firstOffset: 0, lastOffset: 3, lastStableOffset: 2 },
      { producerId: PID, firstOffset: 6, lastOffset: 7, lastStableOffset: 8 },
    ]
    assert.deepEqual(log.collectAbortedTransactions(0, 8), all)
    assert.deepEqual(log.collectAbortedTransactions(4, 8), [all[1]], 'the first abort ended at 3')
    assert.deepEqual(log.collectAbortedTransactions(4, 6), [])
    assert.deepEqual(log.collectAbortedTransactions(0, 1), [all[0]])
    await log.whenIdle()
    assert.equal(fs.statSync(txnIndexFilePath(d, 0)).size, 68)
    await log.close()
    const reopened = await openTestLog(d, testConfig(), fakeScheduler(), { hadCleanShutdown: true })
    assert.deepEqual(reopened.collectAbortedTransactions(0, 8), all)
    await reopened.close()
  })

  it('refuses control batches from clients, plain writes inside a transaction and stale coordinators', async () => {
    const log = await openTestLog(dir(), testConfig(), fakeScheduler())
    await assert.rejects(append(log, marker('COMMIT')), rejectsWith(ErrorCode.INVALID_RECORD))
    await append(log, data(0, { txn: true }))
    await assert.rejects(append(log, data(1)), rejectsWith(ErrorCode.INVALID_TXN_STATE))
    await append(log, marker('ABORT', { coordinatorEpoch: 5 }), AppendOrigin.Coordinator)
    await append(log, data(1, { txn: true }))
    await assert.rejects(
      append(log, marker('COMMIT', { coordinatorEpoch: 4 }), AppendOrigin.Coordinator),
      rejectsWith(ErrorCode.TRANSACTION_COORDINATOR_FENCED),
    )
    await log.close()
  })

  it('fences a zombie: a marker with a bumped epoch makes the old epoch INVALID_PRODUCER_EPOCH', async () => {
    const log = await openTestLog(dir(), testConfig(), fakeScheduler())
    await append(log, data(0, { txn: true, epoch: 3 }))
    await append(log, marker('ABORT', { epoch: 4 }), AppendOrigin.Coordinator)
    await assert.rejects(append(log, data(1, { txn: true, epoch: 3 })), rejectsWith(ErrorCode.INVALID_PRODUCER_EPOCH))
    await append(log, data(0, { txn: true, epoch: 5 }))
    await log.close()
  })

  it('rebuilds open transactions and aborted ones after a crash', async () => {
    const d = dir()
    const config = testConfig({ 'segment.bytes': '1500' })
    const log = await openTestLog(d, config, fakeScheduler())
    for (let seq = 0; seq < 10; seq++) await append(log, data(seq, { pid: 3 }))
    await append(log, data(0, { txn: true }))
    const firstOpen = log.logEndOffset - 1
    for (let seq = 10; seq < 20; seq++) await append(log, data(seq, { pid: 3 }))
    await append(log, data(0, { pid: 4, txn: true }))
    await append(log, marker('ABORT', { pid: 4 }), AppendOrigin.Coordinator)
    await log.whenIdle()
    const crashed = await openTestLog(d, config, fakeScheduler(), { highWatermark: log.logEndOffset })
    assert.equal(crashed.lastStableOffset, firstOpen)
    assert.equal(crashed.collectAbortedTransactions(0, crashed.logEndOffset).length, 1)
    await crashed.appendAsLeader(marker('COMMIT'), 0, AppendOrigin.Coordinator)
    crashed.setHighWatermark(crashed.logEndOffset)
    assert.equal(crashed.lastStableOffset, crashed.logEndOffset)
    await crashed.close()
    await log.close()
  })

  for (const loss of ['deleted', 'torn'] as const) {
    it(`after an unclean shutdown, rebuilds a ${loss} .txnindex of a segment above the recovery point`, async () => {
      const d = dir()
      const config = testConfig({ 'segment.bytes': '1500' })
      const log = await openTestLog(d, config, fakeScheduler())
      for (let seq = 0; seq < 12; seq++) await append(log, data(seq, { pid: 3 }))
      await log.flush()
      const recoveryPoint = log.recoveryPoint
      assert.equal(recoveryPoint, log.logEndOffset)
      let seq = 12
      const segmentsAtFlush = log.numberOfSegments
      while (log.numberOfSegments === segmentsAtFlush) await append(log, data(seq++, { pid: 3 }))
      await append(log, data(0, { txn: true, count: 3 }))
      const abortedFirst = log.logEndOffset - 3
      await append(log, marker('ABORT'), AppendOrigin.Coordinator)
      const markerOffset = log.logEndOffset - 1
      await append(log, data(3, { txn: true }))
      await append(log, marker('COMMIT'), AppendOrigin.Coordinator)
      // Rolls after the abort: the newest snapshot is above its marker, so replaying from it would miss it.
      for (const stop = seq + 18; seq < stop; seq++) await append(log, data(seq, { pid: 3 }))
      await log.whenIdle()
      await log.flush()
      const holding = log
        .segmentInfos()
        .filter((s) => s.baseOffset <= markerOffset)
        .at(-1)!.baseOffset
      assert.ok(holding > recoveryPoint, 'the marker is in a segment above the recovery point')
      assert.ok(
        log.producerState.snapshotOffsets.some((o) => o > markerOffset),
        'a snapshot was taken after the abort',
      )
      const expected = [{ producerId: PID, firstOffset: abortedFirst, lastOffset: markerOffset }]
      const indexPath = txnIndexFilePath(d, holding)
      // The page cache lost the index writes: the file is gone, or holds part of its entry.
      if (loss === 'deleted') fs.rmSync(indexPath)
      else fs.truncateSync(indexPath, 20)

      const end = log.logEndOffset
      const crashed = await openTestLog(d, config, fakeScheduler(), { recoveryPoint, highWatermark: end })
      const aborted = crashed
        .collectAbortedTransactions(0, crashed.lastStableOffset)
        .map(({ producerId, firstOffset, lastOffset }) => ({ producerId, firstOffset, lastOffset }))
      assert.deepEqual(aborted, expected, 'read_committed fetches are told to drop the aborted records')
      assert.equal(crashed.lastStableOffset, end)
      await crashed.whenIdle()
      assert.equal(fs.statSync(indexPath).size, 34, 'the index file was written again')
      await crashed.close()
      await log.close()
    })
  }

  it('truncation reloads the producer state and drops index entries above the offset', async () => {
    const log = await openTestLog(dir(), testConfig(), fakeScheduler())
    await append(log, data(0, { txn: true }))
    await append(log, marker('ABORT'), AppendOrigin.Coordinator)
    const end = log.logEndOffset
    await append(log, data(0, { txn: true, epoch: 1 }))
    await append(log, marker('ABORT', { epoch: 1 }), AppendOrigin.Coordinator)
    assert.equal(log.collectAbortedTransactions(0, log.logEndOffset).length, 2)
    await log.truncateTo(end)
    assert.equal(log.collectAbortedTransactions(0, log.logEndOffset).length, 1)
    assert.equal(log.activeProducers()[0]!.producerEpoch, 0)
    await append(log, data(1, { txn: true }))
    assert.equal(log.lastStableOffset, end)
    await log.close()
  })
})

describe('transaction verification guards (KIP-890)', () => {
  const verified = (log: PartitionLog, records: Buffer, guard: VerificationGuard) =>
    log.appendAsLeader(records, 0, AppendOrigin.Client, guard)

  it('the first transactional write needs the guard of its verification; later ones need none', async () => {
    const log = await openTestLog(dir(), testConfig(), fakeScheduler())
    await assert.rejects(
      verified(log, data(0, { txn: true }), SENTINEL_GUARD),
      rejectsWith(ErrorCode.INVALID_TXN_STATE),
    )
    await assert.rejects(
      verified(log, data(0, { txn: true }), { producerId: PID }),
      rejectsWith(ErrorCode.INVALID_TXN_STATE),
      'a guard this partition did not hand out',
    )
    assert.equal(log.logEndOffset, 0)
    const guard = log.maybeStartTransactionVerification(PID, 0, 0)
    assert.notEqual(guard, SENTINEL_GUARD)
    assert.equal(log.maybeStartTransactionVerification(PID, 0, 0), guard, 'concurrent requests share it')
    await verified(log, data(0, { txn: true }), guard)
    assert.equal(log.maybeStartTransactionVerification(PID, 1, 0), SENTINEL_GUARD, 'the transaction is open here')
    await verified(log, data(1, { txn: true }), SENTINEL_GUARD)
    await append(log, marker('COMMIT'), AppendOrigin.Coordinator)
    assert.notEqual(log.maybeStartTransactionVerification(PID, 2, 0), SENTINEL_GUARD, 'the next transaction')
    // Verification off (null): the append is not checked, as before KIP-890.
    await append(log, data(0, { pid: 2, txn: true }))
    await log.close()
  })

  it('a marker between the verification and the append voids the guard (no transaction reopened behind it)', async () => {
    const log = await openTestLog(dir(), testConfig(), fakeScheduler())
    const guard = log.maybeStartTransactionVerification(PID, 0, 0)
    await append(log, marker('ABORT'), AppendOrigin.Coordinator)
    await assert.rejects(verified(log, data(0, { txn: true }), guard), rejectsWith(ErrorCode.INVALID_TXN_STATE))
    const again = log.maybeStartTransactionVerification(PID, 0, 0)
    assert.notEqual(again, guard)
    await verified(log, data(0, { txn: true }), again)
    assert.equal(log.lastStableOffset, 1)
    await log.close()
  })

  it('a stale epoch is INVALID_PRODUCER_EPOCH; the lowest verified sequence must be written first', async () => {
    const log = await openTestLog(dir(), testConfig(), fakeScheduler())
    await append(log, data(0, { txn: true, epoch: 2 }))
    await append(log, marker('ABORT', { epoch: 3 }), AppendOrigin.Coordinator)
    const stale = log.maybeStartTransactionVerification(PID, 1, 2)
    await assert.rejects(
      verified(log, data(1, { txn: true, epoch: 2 }), stale),
      rejectsWith(ErrorCode.INVALID_PRODUCER_EPOCH),
    )
    // A producer this partition has no state of: two batches verified, the later one arrives first.
    const guard = log.maybeStartTransactionVerification(9, 7, 0)
    assert.equal(log.maybeStartTransactionVerification(9, 5, 0), guard)
    await assert.rejects(
      verified(log, data(7, { pid: 9, txn: true }), guard),
      rejectsWith(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER),
    )
    await verified(log, data(5, { pid: 9, txn: true, count: 2 }), guard)
    await verified(log, data(7, { pid: 9, txn: true }), SENTINEL_GUARD)
    await log.close()
  })

  it('guards of verifications that never led to a write expire with producer.id.expiration.ms', async () => {
    const log = await openTestLog(dir(), testConfig(), fakeScheduler())
    const guard = log.maybeStartTransactionVerification(PID, 0, 0)
    log.removeExpiredProducers(START_MS + 999, 1000)
    assert.equal(log.maybeStartTransactionVerification(PID, 0, 0), guard)
    log.removeExpiredProducers(START_MS + 1000, 1000)
    assert.notEqual(log.maybeStartTransactionVerification(PID, 0, 0), guard)
    await log.close()
  })
})

describe('producer snapshot files', () => {
  it('round-trip Kafka version 1 layout with a CRC-32C, and refuse corrupt ones', () => {
    const entries = [
      {
        producerId: 5,
        producerEpoch: 2,
        coordinatorEpoch: 7,
        lastTimestamp: START_MS,
        currentTxnFirstOffset: 40,
        batches: [{ lastSeq: 9, lastOffset: 44, offsetDelta: 4, timestamp: START_MS }],
      },
      {
        producerId: 6,
        producerEpoch: 0,
        coordinatorEpoch: -1,
        lastTimestamp: START_MS + 1,
        currentTxnFirstOffset: -1,
        batches: [],
      },
    ]
    const buf = encodeProducerSnapshot(entries)
    assert.equal(buf.length, 10 + 2 * 46)
    assert.equal(buf.readInt16BE(0), 1)
    assert.deepEqual(decodeProducerSnapshot(buf), entries)
    buf[20] = buf[20]! ^ 1
    assert.match(String(decodeProducerSnapshot(buf)), /CRC/)
  })

  it('are written at each roll and at close, and deleted with retention and above a truncation', async () => {
    const d = dir()
    const config = testConfig({ 'segment.bytes': '1000', 'retention.bytes': '1200' })
    const log = await openTestLog(d, config, fakeScheduler())
    for (let seq = 0; seq < 30; seq++) await append(log, data(seq))
    await log.whenIdle()
    const bases = log.segmentInfos().map((s) => s.baseOffset)
    for (const b of bases.slice(1)) assert.ok(fs.existsSync(snapshotFilePath(d, b)), `snapshot at roll ${b}`)
    await log.deleteOldSegments()
    const first = log.segmentInfos()[0]!.baseOffset
    assert.ok(first > 0)
    for (const o of log.producerState.snapshotOffsets) assert.ok(o >= first)
    assert.ok(!fs.existsSync(snapshotFilePath(d, bases[1]!)) || bases[1]! >= first)
    await log.close()
    assert.ok(fs.existsSync(snapshotFilePath(d, log.logEndOffset)))
  })
})
