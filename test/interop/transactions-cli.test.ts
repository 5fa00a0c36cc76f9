/**
 * `samsa transactions list|describe|describe-producers` (the built CLI) against a broker process while a
 * kafkajs transactional producer has a transaction open, and after it committed; an unknown id fails
 * with Kafka's error name.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { BrokerProcess, CLI } from '../helpers/broker-process.ts'
import { run } from '../helpers/interop.ts'
import { kafka, kafkajsMissing } from './transactions-harness.ts'

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
