/**
 * `samsa transactions list|describe|describe-producers` (the built CLI) against a broker process while a
 * kafkajs transactional producer has a transaction open, and after it committed; an unknown id fails
 * with Kafka's error name. `find-hanging` and `abort` against transactions left hanging on a broker
 * without KIP-890 verification: found (and the coordinator's own open transaction not), aborted by start
 * offset and by producer id, after which the last stable offset advances.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ErrorCode } from '../../src/protocol/error-codes.ts'
import * as AddPartitions from '../../src/protocol/generated/add-partitions-to-txn.ts'
import { ApiKey } from '../../src/protocol/generated/api-message-types.ts'
import * as EndTxn from '../../src/protocol/generated/end-txn.ts'
import { encodeRecordBatch } from '../../src/protocol/records/records.ts'
import { BrokerProcess, CLI } from '../helpers/broker-process.ts'
import { run } from '../helpers/interop.ts'
import { WireClient } from '../helpers/kafka-wire.ts'
import { kafka, kafkajsMissing, kafkajsReadCommitted, writeEnd } from './transactions-harness.ts'

describe('samsa transactions', { skip: kafkajsMissing ?? false }, () => {
  let broker: BrokerProcess
  before(async () => {
    broker = await BrokerProcess.start({ overrides: { 'transaction.state.log.num.partitions': '4' } })
  })
  after(async () => {
    await broker?.close()
  })

  const samsa = (...args: string[]) => run(process.execPath, [CLI, 'transactions', ...args, '-b', broker.bootstrap])

  it('lists and describes an open transaction and the producers of its partition, then the committed one', async () => {
    const topic = 'txn-cli'
    const k = kafka(broker.bootstrap, 'cli-producer')
    const admin = k.admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] })
    await admin.disconnect()
    const producer = k.producer({ transactionalId: 'cli-tx', maxInFlightRequests: 1, idempotent: true })
    await producer.connect()
    const txn = await producer.transaction()
    await txn.send({ topic, messages: [{ partition: 1, value: 'c|cli|0' }] })

    const listed = JSON.parse((await samsa('list', '--json')).stdout) as {
      transactionalId: string
      transactionState: string
    }[]
    assert.deepEqual(
      listed.filter((t) => t.transactionalId === 'cli-tx').map((t) => t.transactionState),
      ['Ongoing'],
    )
    const ongoing = JSON.parse((await samsa('list', '--state', 'Ongoing', '--json')).stdout) as unknown[]
    assert.equal(ongoing.length, 1)
    const described = JSON.parse((await samsa('describe', '--transactional-id', 'cli-tx', '--json')).stdout) as {
      transactionState: string
      topicPartitions: string[]
      coordinator: number
    }
    assert.deepEqual([described.transactionState, described.topicPartitions], ['Ongoing', [`${topic}-1`]])
    const table = (await samsa('describe', '--transactional-id', 'cli-tx')).stdout
    assert.match(table, /TransactionalId\s+ProducerId\s+ProducerEpoch\s+TransactionState/)
    assert.match(table, /cli-tx\s+\d+\s+0\s+Ongoing\s+60000/)
    const producers = JSON.parse(
      (await samsa('describe-producers', '--topic', topic, '--partition', '1', '--json')).stdout,
    ) as { currentTxnStartOffset: number }[]
    assert.deepEqual(
      producers.map((p) => p.currentTxnStartOffset),
      [0],
    )

    await txn.commit()
    await producer.disconnect()
    let state = ''
    // The markers follow the commit's answer: CompleteCommit once they are written.
    while (state !== 'CompleteCommit')
      state = (
        JSON.parse((await samsa('describe', '--transactional-id', 'cli-tx', '--json')).stdout) as {
          transactionState: string
        }
      ).transactionState
    await assert.rejects(samsa('describe', '--transactional-id', 'nobody'), /TRANSACTIONAL_ID_NOT_FOUND/)
    await assert.rejects(samsa('list', '--state', 'Bogus'), /unknown transaction states: Bogus/)
  })
})

describe('samsa transactions find-hanging and abort (KIP-664)', { skip: kafkajsMissing ?? false }, () => {
  let broker: BrokerProcess
  before(async () => {
    // Without KIP-890 verification a transactional write the coordinator never recorded is accepted.
    broker = await BrokerProcess.start({
      overrides: {
        'transaction.state.log.num.partitions': '2',
        'transaction.partition.verification.enable': 'false',
      },
    })
  })
  after(async () => {
    await broker?.close()
  })

  const samsa = (...args: string[]) => run(process.execPath, [CLI, 'transactions', ...args, '-b', broker.bootstrap])

  it('finds hanging transactions (not the ones their coordinator knows), aborts them, and the LSO advances', async () => {
    const topic = 'txn-hanging'
    const client = await WireClient.connect(broker.port)
    try {
      assert.equal((await client.createTopic(topic, 2)).topics[0]?.errorCode, ErrorCode.NONE)
      const anHourAgo = Date.now() - 3_600_000
      const batch = (p: { producerId: number; producerEpoch: number }, value: string, timestamp = anHourAgo) =>
        encodeRecordBatch({
          isTransactional: true,
          producerId: p.producerId,
          producerEpoch: p.producerEpoch,
          baseSequence: 0,
          records: [{ key: null, value: Buffer.from(value), timestamp }],
        })
      // Two hanging transactions (never added to a transaction) and one the coordinator has open, all idle an hour.
      const hanging = await client.initProducerId('hanging-a')
      const other = await client.initProducerId('hanging-b')
      const open = await client.initProducerId('still-open')
      const added = await client.request(
        ApiKey.AddPartitionsToTxn,
        1,
        (w) =>
          AddPartitions.encodeAddPartitionsToTxnRequest(w, 1, {
            transactions: [],
            v3AndBelowTransactionalId: 'still-open',
            v3AndBelowProducerId: open.producerId,
            v3AndBelowProducerEpoch: open.producerEpoch,
            v3AndBelowTopics: [{ name: topic, partitions: [1] }],
          }),
        AddPartitions.decodeAddPartitionsToTxnResponse,
      )
      assert.equal(added.resultsByTopicV3AndBelow[0]!.resultsByPartition[0]!.partitionErrorCode, ErrorCode.NONE)
      const plain = encodeRecordBatch({ records: [{ key: null, value: Buffer.from('n|0'), timestamp: Date.now() }] })
      for (const [p, partition, value, id] of [
        [hanging, 0, 'a|hanging|0', 'hanging-a'],
        [other, 1, 'a|hanging|1', 'hanging-b'],
        [open, 1, 'c|open|1', 'still-open'],
      ] as const) {
        const r = await client.produce(topic, partition, batch(p, value), { transactionalId: id })
        assert.equal(r.errorCode, ErrorCode.NONE)
      }
      assert.equal((await client.produce(topic, 0, plain)).errorCode, ErrorCode.NONE)
      const stability = async (partition: number) => {
        const p = (await client.fetch(topic, partition, 0, { isolationLevel: 1 })).responses[0]!.partitions[0]!
        return [p.lastStableOffset, p.highWatermark]
      }
      assert.deepEqual(await stability(0), [0, 2], 'the hanging transaction holds the LSO back')

      type Hanging = { topic: string; partition: number; producerId: number; startOffset: number }
      const find = async (...args: string[]) =>
        (JSON.parse((await samsa('find-hanging', ...args, '--json')).stdout) as Hanging[])
          .map((h) => [h.topic, h.partition, h.producerId, h.startOffset])
          .sort()
      assert.deepEqual(await find('--topic', topic), [
        [topic, 0, hanging.producerId, 0],
        [topic, 1, other.producerId, 0],
      ])
      assert.deepEqual(await find('--broker-id', '1', '--max-transaction-timeout', '15'), await find('--topic', topic))
      assert.deepEqual(await find('--topic', topic, '--max-transaction-timeout', '120'), [], 'idle less than that')
      const table = (await samsa('find-hanging', '--topic', topic, '--partition', '0')).stdout
      assert.match(
        table,
        /Topic\s+Partition\s+ProducerId\s+ProducerEpoch\s+CoordinatorEpoch\s+StartOffset\s+LastTimestamp\s+Duration\(min\)/,
      )
      assert.match(table, new RegExp(`${topic}\\s+0\\s+${hanging.producerId}\\s+0\\s+-1\\s+0\\s+${anHourAgo}\\s+60`))

      await assert.rejects(
        samsa('abort', '--topic', topic, '--partition', '0', '--start-offset', '1'),
        /Could not find any open transactions starting at offset 1 on partition txn-hanging-0/,
      )
      await samsa('abort', '--topic', topic, '--partition', '0', '--start-offset', '0')
      await samsa(
        'abort',
        '--topic',
        topic,
        '--partition',
        '1',
        '--producer-id',
        String(other.producerId),
        '--producer-epoch',
        String(other.producerEpoch),
        '--coordinator-epoch',
        '-1',
      )
      assert.deepEqual(await stability(0), [3, 3], 'the ABORT marker ended it')
      assert.deepEqual(await stability(1), [1, 3], 'behind the transaction its coordinator still has open')
      assert.deepEqual(await find('--topic', topic), [])
      const aborted = (await client.fetch(topic, 0, 0, { isolationLevel: 1 })).responses[0]!.partitions[0]!
      assert.deepEqual(aborted.abortedTransactions, [{ producerId: hanging.producerId, firstOffset: 0 }])

      const end = await client.request(
        ApiKey.EndTxn,
        1,
        (w) =>
          EndTxn.encodeEndTxnRequest(w, 1, {
            transactionalId: 'still-open',
            producerId: open.producerId,
            producerEpoch: open.producerEpoch,
            committed: true,
          }),
        EndTxn.decodeEndTxnResponse,
      )
      assert.equal(end.errorCode, ErrorCode.NONE)
      await writeEnd(broker.bootstrap, topic, 2)
      const read = await kafkajsReadCommitted(broker.bootstrap, topic, 2)
      assert.deepEqual(read.map((r) => r.value).sort(), ['c|open|1', 'n|0'], 'read_committed skips the aborted ones')
    } finally {
      client.close()
    }
  })
})
