/**
 * kafkajs 2.2.4 transactions against a broker process (InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn,
 * EndTxn, TxnOffsetCommit at v1; Produce v7 with transactional batches): commits and aborts interleaved
 * with plain writes, a zombie fenced by a second producer with the same transactional id, and
 * consume-transform-produce with the consumer's offsets inside the transactions (one transaction aborted
 * and redone; the group's stable offsets do not move across the abort). Read back by read_committed
 * consumers of kafkajs and of confluent-kafka (librdkafka): exactly the records the test committed, in
 * order, never an aborted one.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { BrokerProcess } from '../helpers/broker-process.ts'
import {
  assertCommitted,
  confluentMissing,
  expectedCommitted,
  kafka,
  kafkajsMissing,
  kafkajsReadCommitted,
  pythonReadCommitted,
  stableCommittedOffsets,
  writeEnd,
} from './transactions-harness.ts'

const PARTITIONS = 3

describe('kafkajs transactions', { skip: kafkajsMissing ?? false }, () => {
  let broker: BrokerProcess
  before(async () => {
    broker = await BrokerProcess.start({
      overrides: { 'transaction.state.log.num.partitions': '5', 'num.partitions': String(PARTITIONS) },
    })
  })
  after(async () => {
    await broker?.close()
  })

  async function createTopics(...topics: string[]): Promise<void> {
    const admin = kafka(broker.bootstrap, 'txn-admin').admin()
    await admin.connect()
    await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: PARTITIONS })) })
    await admin.disconnect()
  }

  /**
   * Both readers see exactly `committed` (per partition, in order) when given, else the raw log without
   * its aborted records; the log must hold aborted records, so the readers had something to skip.
   */
  async function checkReaders(topic: string, committed?: Map<number, string[]>): Promise<void> {
    await writeEnd(broker.bootstrap, topic, PARTITIONS)
    const { expected: fromLog, aborted } = await expectedCommitted(broker.port, topic, PARTITIONS)
    assert.ok(aborted > 0, 'the log holds aborted records, so the readers had something to skip')
    if (committed !== undefined) assert.deepEqual(fromLog, committed, 'the log holds what was committed, in order')
    const expected = committed ?? fromLog
    assertCommitted('kafkajs reader', await kafkajsReadCommitted(broker.bootstrap, topic, PARTITIONS), expected)
    if (confluentMissing === null)
      assertCommitted(
        'confluent-kafka reader',
        await pythonReadCommitted(broker.bootstrap, topic, PARTITIONS),
        expected,
      )
  }

  it('commits and aborts transactions between plain writes; both read_committed readers see exactly the commits', async () => {
    const topic = 'txn-kafkajs-commit-abort'
    await createTopics(topic)
    const k = kafka(broker.bootstrap, 'txn-producer')
    const producer = k.producer({ transactionalId: 'kafkajs-commit-abort', maxInFlightRequests: 1, idempotent: true })
    const plain = k.producer()
    await producer.connect()
    await plain.connect()
    // What a read_committed reader must get, per partition in write order: the committed records, plain ones.
    const committed = new Map<number, string[]>(Array.from({ length: PARTITIONS }, (_, p) => [p, []]))
    for (let t = 0; t < 24; t++) {
      const abort = t % 3 === 1
      const txn = await producer.transaction()
      const messages = Array.from({ length: 6 }, (_, i) => ({
        partition: (t + i) % PARTITIONS,
        value: `${abort ? 'a' : 'c'}|t${t}|${i}`,
      }))
      await txn.send({ topic, messages })
      if (!abort) for (const m of messages) committed.get(m.partition)!.push(m.value)
      await plain.send({ topic, acks: -1, messages: [{ partition: t % PARTITIONS, value: `n|${t}` }] })
      committed.get(t % PARTITIONS)!.push(`n|${t}`)
      if (abort) await txn.abort()
      else await txn.commit()
    }
    await producer.disconnect()
    await plain.disconnect()
    assert.equal([...committed.values()].flat().length, 16 * 6 + 24)
    await checkReaders(topic, committed)
  })

  it('fences a zombie: a second producer with the same transactional id aborts its open transaction', async () => {
    const topic = 'txn-kafkajs-zombie'
    await createTopics(topic)
    const zombie = kafka(broker.bootstrap, 'zombie').producer({
      transactionalId: 'kafkajs-zombie',
      maxInFlightRequests: 1,
      idempotent: true,
    })
    await zombie.connect()
    const old = await zombie.transaction()
    await old.send({ topic, messages: [{ partition: 0, value: 'a|zombie|0' }] })
    const successor = kafka(broker.bootstrap, 'successor').producer({
      transactionalId: 'kafkajs-zombie',
      maxInFlightRequests: 1,
      idempotent: true,
    })
    await successor.connect()
    // kafkajs initializes the transactional id (InitProducerId, which fences the zombie) in transaction().
    const fresh = await successor.transaction()
    await assert.rejects(old.send({ topic, messages: [{ partition: 1, value: 'a|zombie|1' }] }), /epoch|fenced/i)
    await assert.rejects(old.commit(), /epoch|fenced|transaction/i)
    await fresh.send({ topic, messages: [{ partition: 0, value: 'c|successor|0' }] })
    await fresh.commit()
    await successor.disconnect()
    await zombie.disconnect().catch(() => {})
    await checkReaders(
      topic,
      new Map([
        [0, ['c|successor|0']],
        [1, []],
        [2, []],
      ]),
    )
  })

  it('consume-transform-produce: outputs and input offsets commit together; an aborted batch is redone once', async () => {
    const input = 'txn-kafkajs-ctp-in'
    const output = 'txn-kafkajs-ctp-out'
    const groupId = 'kafkajs-ctp-group'
    const total = 300
    await createTopics(input, output)
    const k = kafka(broker.bootstrap, 'ctp')
    const seed = k.producer()
    await seed.connect()
    await seed.send({
      topic: input,
      acks: -1,
      messages: Array.from({ length: total }, (_, i) => ({ partition: i % PARTITIONS, value: `in|${i}` })),
    })
    await seed.disconnect()
    const producer = k.producer({ transactionalId: 'kafkajs-ctp', maxInFlightRequests: 1, idempotent: true })
    await producer.connect()
    const consumer = k.consumer({ groupId, readUncommitted: false, maxBytesPerPartition: 2000 })
    await consumer.connect()
    await consumer.subscribe({ topic: input, fromBeginning: true })
    let processed = 0
    let batches = 0
    let abortedOnce = false
    // The group's offsets (after every transaction ended) just before and just after the aborted one.
    let aroundAbort: { before: number[]; after: number[]; aborted: [number, number] } | null = null
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const transform = async (commit: boolean, tag: string): Promise<void> => {
              const txn = await producer.transaction()
              await txn.send({
                topic: output,
                messages: batch.messages.map((m) => ({
                  partition: batch.partition,
                  value: `${tag}|${m.value?.toString().slice(3)}`,
                })),
              })
              await txn.sendOffsets({
                consumerGroupId: groupId,
                topics: [
                  {
                    topic: batch.topic,
                    partitions: [{ partition: batch.partition, offset: String(Number(batch.lastOffset()) + 1) }],
                  },
                ],
              })
              if (commit) await txn.commit()
              else await txn.abort()
            }
            if (++batches === 2 && !abortedOnce) {
              abortedOnce = true
              const offsets = () => stableCommittedOffsets(broker.port, groupId, input, PARTITIONS)
              const before = await offsets()
              await transform(false, 'a')
              aroundAbort = {
                before,
                after: await offsets(),
                aborted: [batch.partition, Number(batch.lastOffset()) + 1],
              }
            }
            await transform(true, 'c')
            processed += batch.messages.length
            if (processed >= total) resolve()
          },
        })
        .catch(reject)
    })
    await consumer.disconnect()
    await producer.disconnect()
    assert.equal(processed, total)
    assert.ok(abortedOnce)
    const around = aroundAbort as { before: number[]; after: number[]; aborted: [number, number] } | null
    assert.ok(around !== null)
    const [abortedPartition, abortedOffset] = around.aborted
    assert.notEqual(around.before[abortedPartition], abortedOffset, 'the aborted transaction carried new offsets')
    assert.deepEqual(around.after, around.before, 'the aborted transaction moved no committed offset')
    const admin = k.admin()
    await admin.connect()
    const committed = await admin.fetchOffsets({ groupId, topics: [input] })
    const ends = await admin.fetchTopicOffsets(input)
    await admin.disconnect()
    assert.deepEqual(
      committed[0]!.partitions.map((p) => [p.partition, p.offset]).sort(),
      ends.map((p) => [p.partition, p.high]).sort(),
      'the group committed the end of every input partition',
    )
    await writeEnd(broker.bootstrap, output, PARTITIONS)
    const { expected } = await expectedCommitted(broker.port, output, PARTITIONS)
    const outputs = [...expected.values()].flat().map((v) => Number(v.split('|')[1]))
    assert.deepEqual(
      outputs.sort((a, b) => a - b),
      Array.from({ length: total }, (_, i) => i),
      'every input transformed exactly once',
    )
    assertCommitted('kafkajs reader', await kafkajsReadCommitted(broker.bootstrap, output, PARTITIONS), expected)
    if (confluentMissing === null)
      assertCommitted(
        'confluent-kafka reader',
        await pythonReadCommitted(broker.bootstrap, output, PARTITIONS),
        expected,
      )
  })

  it('wrote no error-level log lines', () => {
    const errors = broker.logLines.filter((l) => typeof l['level'] === 'number' && l['level'] >= 50)
    assert.deepEqual(errors, [])
  })
})
