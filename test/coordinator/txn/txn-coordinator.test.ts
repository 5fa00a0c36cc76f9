import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { listTransactions } from '../../../src/coordinator/txn/txn-coordinator-api.ts'
import { txnCoordinatorConfigFrom } from '../../../src/coordinator/txn/txn-coordinator-config.ts'
import { TRANSACTION_STATE_TOPIC } from '../../../src/metadata/topic-names.ts'
import { ErrorCode } from '../../../src/protocol/error-codes.ts'
import { BrokerConfig } from '../../../src/server/config.ts'
import { settle } from '../memory-coordinator-log.ts'
import { TxnTestContext } from './txn-test-context.ts'

/** A transactional producer initialized on a fresh context. */
async function producer(ctx: TxnTestContext, id = 'tx') {
  const r = await ctx.init(id)
  assert.equal(r.errorCode, ErrorCode.NONE)
  return { id, producerId: r.producerId, epoch: r.producerEpoch }
}

describe('InitProducerId', () => {
  it('hands out producer ids from controller blocks, epoch 0, without a transactional id', async () => {
    const ctx = await TxnTestContext.create({ producerIdBlockSize: 10 })
    const ids: number[] = []
    for (let i = 0; i < 25; i++) {
      const r = await ctx.init(null)
      assert.deepEqual([r.errorCode, r.producerEpoch], [ErrorCode.NONE, 0])
      ids.push(r.producerId)
    }
    assert.deepEqual(
      ids,
      Array.from({ length: 25 }, (_, i) => i),
    )
  })

  it('bumps the epoch of a transactional id on every init; refuses bad timeouts and empty ids', async () => {
    const ctx = await TxnTestContext.create()
    const a = await ctx.init('tx')
    const b = await ctx.init('tx')
    assert.deepEqual([a.producerEpoch, b.producerEpoch, b.producerId], [0, 1, a.producerId])
    assert.equal((await ctx.init('tx', 0)).errorCode, ErrorCode.INVALID_TRANSACTION_TIMEOUT)
    assert.equal((await ctx.init('tx', 900_001)).errorCode, ErrorCode.INVALID_TRANSACTION_TIMEOUT)
    assert.equal((await ctx.init('')).errorCode, ErrorCode.INVALID_REQUEST)
    assert.deepEqual(ctx.written(), [
      ['tx', 'Empty'],
      ['tx', 'Empty'],
    ])
  })

  it('KIP-360: the current epoch bumps; a retry with the previous epoch gets the same answer; others are fenced', async () => {
    const ctx = await TxnTestContext.create()
    const p = await producer(ctx)
    const bumped = await ctx.init('tx', 60_000, { producerId: p.producerId, producerEpoch: p.epoch })
    assert.equal(bumped.producerEpoch, p.epoch + 1)
    const retry = await ctx.init('tx', 60_000, { producerId: p.producerId, producerEpoch: p.epoch })
    assert.deepEqual([retry.errorCode, retry.producerEpoch], [ErrorCode.NONE, p.epoch + 1])
    const stale = await ctx.init('tx', 60_000, { producerId: p.producerId + 99, producerEpoch: 0 })
    assert.equal(stale.errorCode, ErrorCode.PRODUCER_FENCED)
  })

  it('fences an open transaction: aborts it with a bumped epoch, answers CONCURRENT_TRANSACTIONS, then epoch + 2', async () => {
    const ctx = await TxnTestContext.create()
    const p = await producer(ctx)
    assert.equal(await ctx.add('tx', p.producerId, p.epoch, [['foo', 0]]), ErrorCode.NONE)
    const fenced = await ctx.init('tx')
    assert.equal(fenced.errorCode, ErrorCode.CONCURRENT_TRANSACTIONS)
    await settle()
    const marker = ctx.sent.at(-1)!.request.markers[0]!
    assert.deepEqual(
      [marker.producerId, marker.producerEpoch, marker.transactionResult],
      [p.producerId, p.epoch + 1, false],
    )
    const again = await ctx.init('tx')
    assert.deepEqual([again.errorCode, again.producerEpoch], [ErrorCode.NONE, p.epoch + 2])
    // The zombie (old epoch) is fenced everywhere.
    assert.equal(await ctx.add('tx', p.producerId, p.epoch, [['foo', 1]]), ErrorCode.PRODUCER_FENCED)
    assert.equal(await ctx.end('tx', p.producerId, p.epoch, true), ErrorCode.PRODUCER_FENCED)
    assert.deepEqual(
      ctx.written().map(([, s]) => s),
      ['Empty', 'Ongoing', 'PrepareAbort', 'CompleteAbort', 'Empty'],
    )
  })
})

describe('a transaction', () => {
  it('commits: Ongoing, PrepareCommit (answered), markers to each partition, CompleteCommit', async () => {
    const ctx = await TxnTestContext.create()
    const p = await producer(ctx)
    assert.equal(
      await ctx.add('tx', p.producerId, p.epoch, [
        ['foo', 0],
        ['bar', 1],
      ]),
      ErrorCode.NONE,
    )
    assert.equal(await ctx.add('tx', p.producerId, p.epoch, [['foo', 0]]), ErrorCode.NONE, 'already in: no write')
    const described = ctx.describe('tx')
    assert.equal(described.transactionState, 'Ongoing')
    assert.deepEqual(described.topics, [
      { topic: 'bar', partitions: [1] },
      { topic: 'foo', partitions: [0] },
    ])
    assert.equal(await ctx.end('tx', p.producerId, p.epoch, true), ErrorCode.NONE)
    await settle()
    const marker = ctx.sent[0]!.request.markers[0]!
    assert.equal(marker.transactionResult, true)
    const leaderEpoch = ctx.image.topics.getPartition(TRANSACTION_STATE_TOPIC, 0)!.leaderEpoch
    assert.equal(marker.coordinatorEpoch, leaderEpoch, 'the coordinator epoch is the partition leader epoch')
    assert.deepEqual(
      marker.topics.map((t) => [t.name, t.partitionIndexes]),
      [
        ['bar', [1]],
        ['foo', [0]],
      ],
    )
    assert.equal(ctx.describe('tx').transactionState, 'CompleteCommit')
    assert.deepEqual(
      ctx.written().map(([, s]) => s),
      ['Empty', 'Ongoing', 'PrepareCommit', 'CompleteCommit'],
    )
    assert.equal(await ctx.end('tx', p.producerId, p.epoch, true), ErrorCode.NONE, 'a retried commit')
    assert.equal(await ctx.end('tx', p.producerId, p.epoch, false), ErrorCode.INVALID_TXN_STATE)
  })

  it('answers CONCURRENT_TRANSACTIONS while markers are pending, and retries markers a leader refused', async () => {
    const ctx = await TxnTestContext.create({ markerRetryBackoffMs: 100 })
    const p = await producer(ctx)
    await ctx.add('tx', p.producerId, p.epoch, [
      ['foo', 0],
      ['foo', 1],
    ])
    let refusals = 2
    ctx.markerError = (_t, partition) =>
      partition === 1 && refusals-- > 0 ? ErrorCode.NOT_LEADER_OR_FOLLOWER : ErrorCode.NONE
    assert.equal(await ctx.end('tx', p.producerId, p.epoch, false), ErrorCode.NONE)
    await settle()
    assert.equal(ctx.describe('tx').transactionState, 'PrepareAbort')
    assert.equal(await ctx.add('tx', p.producerId, p.epoch, [['foo', 2]]), ErrorCode.CONCURRENT_TRANSACTIONS)
    assert.equal(await ctx.end('tx', p.producerId, p.epoch, false), ErrorCode.CONCURRENT_TRANSACTIONS)
    assert.equal((await ctx.init('tx')).errorCode, ErrorCode.CONCURRENT_TRANSACTIONS)
    await ctx.advance(100)
    await ctx.advance(100)
    assert.equal(ctx.describe('tx').transactionState, 'CompleteAbort')
    const retried = ctx.sent.slice(1).map((s) => s.request.markers[0]!.topics[0]!.partitionIndexes)
    assert.deepEqual(retried, [[1], [1]])
  })

  it('skips partitions that were deleted and gives up when a leader says the producer was fenced', async () => {
    const ctx = await TxnTestContext.create()
    const p = await producer(ctx)
    await ctx.add('tx', p.producerId, p.epoch, [['foo', 0]])
    ctx.markerError = () => ErrorCode.INVALID_PRODUCER_EPOCH
    await ctx.end('tx', p.producerId, p.epoch, true)
    await settle()
    assert.equal(ctx.describe('tx').transactionState, 'PrepareCommit', 'not completed by a fenced coordinator')
    await ctx.publish([{ type: 'RemoveTopicRecord', data: { topicId: 'AAAAAAAAAAAAAAAAAAAAFA' } }])
    await ctx.reload()
    await settle()
    assert.equal(
      ctx.describe('tx').transactionState,
      'CompleteCommit',
      'after a reload, the deleted partition is skipped',
    )
  })

  it('retries UNKNOWN_TOPIC_OR_PARTITION until the topic is gone from the metadata, then completes without it', async () => {
    const ctx = await TxnTestContext.create({ markerRetryBackoffMs: 100 })
    const p = await producer(ctx)
    await ctx.add('tx', p.producerId, p.epoch, [
      ['foo', 0],
      ['bar', 1],
    ])
    // The leader of foo already deleted its log; the controller's record has not arrived here yet.
    ctx.markerError = (topic) => (topic === 'foo' ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.NONE)
    await ctx.end('tx', p.producerId, p.epoch, true)
    await ctx.advance(100)
    await ctx.advance(100)
    assert.equal(ctx.describe('tx').transactionState, 'PrepareCommit', 'a known partition is retried, not dropped')
    assert.deepEqual(
      ctx.sent.slice(1).map((s) => s.request.markers[0]!.topics.map((t) => t.name)),
      [['foo'], ['foo']],
    )
    await ctx.publish([{ type: 'RemoveTopicRecord', data: { topicId: 'AAAAAAAAAAAAAAAAAAAAFA' } }])
    await ctx.advance(100)
    assert.equal(ctx.describe('tx').transactionState, 'CompleteCommit')
  })

  it('an unexpected marker error leaves the transaction pending (no Complete* record) until the coordinator reloads', async () => {
    const ctx = await TxnTestContext.create({ markerRetryBackoffMs: 100 })
    const p = await producer(ctx)
    await ctx.add('tx', p.producerId, p.epoch, [
      ['foo', 0],
      ['bar', 1],
    ])
    ctx.markerError = (topic) => (topic === 'foo' ? ErrorCode.CORRUPT_MESSAGE : ErrorCode.NONE)
    await ctx.end('tx', p.producerId, p.epoch, false)
    await ctx.advance(100)
    await ctx.advance(100)
    assert.equal(ctx.sent.length, 1, 'not sent again')
    assert.equal(ctx.describe('tx').transactionState, 'PrepareAbort', 'the partition was not dropped')
    assert.equal((await ctx.init('tx')).errorCode, ErrorCode.CONCURRENT_TRANSACTIONS)
    ctx.markerError = () => ErrorCode.NONE
    await ctx.reload()
    await settle()
    assert.equal(ctx.describe('tx').transactionState, 'CompleteAbort')
    assert.deepEqual(
      ctx.sent[1]!.request.markers[0]!.topics.map((t) => [t.name, t.partitionIndexes]),
      [
        ['bar', [1]],
        ['foo', [0]],
      ],
      'every partition of the transaction gets its marker again',
    )
  })

  it('rejects EndTxn without a transaction, with another producer id, or a stale epoch', async () => {
    const ctx = await TxnTestContext.create()
    const p = await producer(ctx)
    assert.equal(await ctx.end('tx', p.producerId, p.epoch, true), ErrorCode.INVALID_TXN_STATE)
    assert.equal(await ctx.end('tx', p.producerId + 1, p.epoch, true), ErrorCode.INVALID_PRODUCER_ID_MAPPING)
    assert.equal(await ctx.end('nope', p.producerId, p.epoch, true), ErrorCode.INVALID_PRODUCER_ID_MAPPING)
    assert.equal(await ctx.add('tx', p.producerId, p.epoch + 1, [['foo', 0]]), ErrorCode.PRODUCER_FENCED)
  })
})

describe('timeouts, expiry and reload', () => {
  it('aborts a transaction past its timeout with a bumped epoch (the producer is fenced)', async () => {
    const ctx = await TxnTestContext.create({ abortTimedOutTransactionsIntervalMs: 1000 })
    ctx.tc.startup()
    const r = await ctx.init('tx', 5000)
    await ctx.add('tx', r.producerId, r.producerEpoch, [['foo', 0]])
    await ctx.advance(4000)
    assert.equal(ctx.describe('tx').transactionState, 'Ongoing')
    await ctx.advance(2000)
    await settle()
    const d = ctx.describe('tx')
    assert.deepEqual([d.transactionState, d.producerEpoch], ['CompleteAbort', r.producerEpoch + 1])
    assert.equal(await ctx.end('tx', r.producerId, r.producerEpoch, true), ErrorCode.PRODUCER_FENCED)
    ctx.tc.shutdown()
  })

  it('expires idle transactional ids with a tombstone', async () => {
    const ctx = await TxnTestContext.create({ transactionalIdExpirationMs: 10_000 })
    await producer(ctx, 'old')
    await ctx.advance(6000)
    await producer(ctx, 'young')
    await ctx.advance(5000)
    assert.equal(await ctx.tc.expireTransactionalIds(), 1)
    assert.equal(ctx.describe('old').errorCode, ErrorCode.TRANSACTIONAL_ID_NOT_FOUND)
    assert.equal(ctx.describe('young').errorCode, ErrorCode.NONE)
    assert.deepEqual(ctx.written().at(-1), ['old', null])
  })

  it('expires idle transactional ids on the scheduler every transaction.remove.expired.transaction.cleanup.interval.ms', async () => {
    const ctx = await TxnTestContext.create({
      transactionalIdExpirationMs: 10_000,
      removeExpiredTransactionalIdsIntervalMs: 60_000,
    })
    ctx.tc.startup()
    await producer(ctx, 'old')
    await ctx.advance(55_000)
    await producer(ctx, 'young')
    await ctx.advance(4_999)
    assert.equal(ctx.describe('old').errorCode, ErrorCode.NONE, 'idle long enough, but the cleanup has not run yet')
    await ctx.advance(1)
    await settle()
    assert.equal(ctx.describe('old').errorCode, ErrorCode.TRANSACTIONAL_ID_NOT_FOUND)
    assert.equal(ctx.describe('young').errorCode, ErrorCode.NONE)
    await ctx.advance(60_000)
    await settle()
    assert.equal(ctx.describe('young').errorCode, ErrorCode.TRANSACTIONAL_ID_NOT_FOUND, 'the next cleanup')
    ctx.tc.shutdown()
  })

  it("reads the cleanup intervals from the broker config with Kafka's names and defaults", () => {
    assert.equal(txnCoordinatorConfigFrom(BrokerConfig.from()).removeExpiredTransactionalIdsIntervalMs, 3_600_000)
    const c = txnCoordinatorConfigFrom(
      BrokerConfig.from(
        new Map([
          ['transaction.remove.expired.transaction.cleanup.interval.ms', '1234'],
          ['transaction.abort.timed.out.transaction.cleanup.interval.ms', '567'],
        ]),
      ),
    )
    assert.deepEqual([c.removeExpiredTransactionalIdsIntervalMs, c.abortTimedOutTransactionsIntervalMs], [1234, 567])
    assert.throws(
      () => BrokerConfig.from(new Map([['transaction.remove.expired.transaction.cleanup.interval.ms', '0']])),
      /transaction\.remove\.expired\.transaction\.cleanup\.interval\.ms/,
    )
  })

  it('reloads by replay, and writes the markers of a prepared transaction again', async () => {
    const ctx = await TxnTestContext.create()
    const p = await producer(ctx)
    await ctx.add('tx', p.producerId, p.epoch, [['foo', 2]])
    ctx.markerError = () => ErrorCode.NOT_LEADER_OR_FOLLOWER
    await ctx.end('tx', p.producerId, p.epoch, true)
    await settle()
    ctx.markerError = () => ErrorCode.NONE
    ctx.sent.length = 0
    await ctx.reload()
    await settle()
    assert.equal(ctx.sent.length, 1)
    const d = ctx.describe('tx')
    assert.deepEqual([d.transactionState, d.producerId, d.producerEpoch], ['CompleteCommit', p.producerId, p.epoch])
  })

  it('ListTransactions filters by state, producer id and duration and reports unknown state names', async () => {
    const ctx = await TxnTestContext.create()
    const a = await producer(ctx, 'a')
    const b = await producer(ctx, 'b')
    await ctx.add('b', b.producerId, b.epoch, [['bar', 0]])
    await ctx.advance(5000)
    const all = listTransactions(ctx.tc, [], [], -1, ctx.now())
    assert.deepEqual(all.transactionStates.map((t) => [t.transactionalId, t.transactionState]).sort(), [
      ['a', 'Empty'],
      ['b', 'Ongoing'],
    ])
    const ongoing = listTransactions(ctx.tc, ['Ongoing', 'Bogus'], [], -1, ctx.now())
    assert.deepEqual(
      ongoing.transactionStates.map((t) => t.transactionalId),
      ['b'],
    )
    assert.deepEqual(ongoing.unknownStateFilters, ['Bogus'])
    assert.deepEqual(
      listTransactions(ctx.tc, [], [a.producerId], -1, ctx.now()).transactionStates.map((t) => t.transactionalId),
      ['a'],
    )
    assert.deepEqual(listTransactions(ctx.tc, ['Ongoing'], [], 10_000, ctx.now()).transactionStates, [])
  })
})
