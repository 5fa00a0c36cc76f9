/**
 * kill -9 of the broker in the middle of transactions (kafkajs transactional producer, transaction
 * timeout 3 s; the broker aborts timed-out transactions every 200 ms). After the broker starts again on the
 * same data directory:
 *
 * - an open transaction whose records were acknowledged is aborted once its timeout passes: until then
 *   the last stable offset stays at its first record (a read_committed fetch never returns any of it),
 *   afterwards read_committed readers see everything else and none of it;
 * - while transactions commit in a loop, every transaction is all or nothing for read_committed readers
 *   (kafkajs and confluent-kafka agree record for record), every commit kafkajs saw acknowledged is
 *   visible, and nothing is stored twice;
 * - killed the moment an EndTxn(commit) is answered (PrepareCommit is in the log, its markers may not
 *   be), the restarted coordinator writes the markers again: DescribeTransactions shows CompleteCommit,
 *   every partition's LSO reaches its HW behind COMMIT markers only, and read_committed readers see the
 *   whole transaction.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ErrorCode } from '../../src/protocol/error-codes.ts'
import * as AddPartitions from '../../src/protocol/generated/add-partitions-to-txn.ts'
import { ApiKey } from '../../src/protocol/generated/api-message-types.ts'
import * as DescribeTxns from '../../src/protocol/generated/describe-transactions.ts'
import * as EndTxn from '../../src/protocol/generated/end-txn.ts'
import { decodeFetchResponse, encodeFetchRequest } from '../../src/protocol/generated/fetch.ts'
import { ZERO_UUID } from '../../src/protocol/primitives/uuid.ts'
import { decodeRecordBatches, encodeRecordBatch } from '../../src/protocol/records/records.ts'
import { BrokerProcess } from '../helpers/broker-process.ts'
import { WireClient } from '../helpers/kafka-wire.ts'
import {
  assertCommitted,
  type Consumed,
  confluentMissing,
  kafka,
  kafkajsMissing,
  kafkajsReadCommitted,
  pythonReadCommitted,
  writeEnd,
} from './transactions-harness.ts'

const PARTITIONS = 3
const TXN_TIMEOUT_MS = 3000

/** One read_committed Fetch (v11) of a partition from `offset`: its LSO, HW and the values returned. */
async function fetchCommitted(client: WireClient, topic: string, partition: number, offset: number) {
  const res = await client.request(
    ApiKey.Fetch,
    11,
    (w) =>
      encodeFetchRequest(w, 11, {
        clusterId: null,
        replicaId: -1,
        replicaState: { replicaId: -1, replicaEpoch: -1 },
        maxWaitMs: 200,
        minBytes: 1,
        maxBytes: 1 << 20,
        isolationLevel: 1,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [
          {
            topic,
            topicId: ZERO_UUID,
            partitions: [
              {
                partition,
                currentLeaderEpoch: -1,
                fetchOffset: offset,
                lastFetchedEpoch: -1,
                logStartOffset: -1,
                partitionMaxBytes: 1 << 20,
                replicaDirectoryId: ZERO_UUID,
              },
            ],
          },
        ],
        forgottenTopicsData: [],
        rackId: '',
      }),
    decodeFetchResponse,
  )
  const p = res.responses[0]!.partitions[0]!
  assert.equal(p.errorCode, ErrorCode.NONE)
  // What a read_committed client keeps: a producer's transactional batches from the first offset of an
  // aborted transaction listed in the response up to its ABORT marker are dropped.
  const aborted = [...(p.abortedTransactions ?? [])].sort((a, b) => a.firstOffset - b.firstOffset)
  const abortedProducers = new Set<number>()
  const values: { offset: number; value: string }[] = []
  for (const b of decodeRecordBatches(p.records ?? Buffer.alloc(0))) {
    while (aborted.length > 0 && aborted[0]!.firstOffset <= b.baseOffset + b.lastOffsetDelta)
      abortedProducers.add(aborted.shift()!.producerId)
    if (b.isControl) {
      if (b.records[0]?.key?.readInt16BE(2) === 0) abortedProducers.delete(b.producerId)
      continue
    }
    if (b.isTransactional && abortedProducers.has(b.producerId)) continue
    for (const r of b.records) values.push({ offset: r.offset, value: r.value?.toString() ?? '' })
  }
  return { lastStableOffset: p.lastStableOffset, highWatermark: p.highWatermark, values }
}

/**
 * Waits until every partition's last stable offset reached its high watermark (all transactions
 * decided), checking on every fetch that nothing at or above the last stable offset is returned and
 * `forbidden` records never are.
 */
async function waitUntilStable(port: number, topic: string, forbidden: (value: string) => boolean): Promise<void> {
  const client = await WireClient.connect(port)
  try {
    for (let p = 0; p < PARTITIONS; p++) {
      for (;;) {
        const r = await fetchCommitted(client, topic, p, 0)
        for (const v of r.values) {
          assert.ok(v.offset < r.lastStableOffset, `partition ${p}: offset ${v.offset} returned above the LSO`)
          assert.ok(!forbidden(v.value), `partition ${p}: ${v.value} visible to read_committed`)
        }
        if (r.lastStableOffset === r.highWatermark) break
      }
    }
  } finally {
    client.close()
  }
}

async function readBoth(broker: BrokerProcess, topic: string): Promise<Consumed[]> {
  await writeEnd(broker.bootstrap, topic, PARTITIONS)
  const fromKafkajs = await kafkajsReadCommitted(broker.bootstrap, topic, PARTITIONS)
  if (confluentMissing === null) {
    const fromPython = await pythonReadCommitted(broker.bootstrap, topic, PARTITIONS)
    const byPartition = new Map<number, string[]>()
    for (let p = 0; p < PARTITIONS; p++)
      byPartition.set(
        p,
        fromKafkajs.filter((r) => r.partition === p).map((r) => r.value),
      )
    assertCommitted('confluent-kafka reader (against kafkajs)', fromPython, byPartition)
  }
  return fromKafkajs
}

describe('transactions across kill -9 of the broker', { skip: kafkajsMissing ?? false }, () => {
  let broker: BrokerProcess
  before(async () => {
    broker = await BrokerProcess.start({
      overrides: {
        'transaction.state.log.num.partitions': '3',
        'transaction.abort.timed.out.transaction.cleanup.interval.ms': '200',
        'num.partitions': String(PARTITIONS),
      },
    })
  })
  after(async () => {
    await broker?.close()
  })

  it('an open transaction is aborted on timeout after the restart and never exposed', async () => {
    const topic = 'txn-crash-open'
    const k = kafka(broker.bootstrap, 'crash-open')
    const admin = k.admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] })
    await admin.disconnect()
    const producer = k.producer({
      transactionalId: 'crash-open',
      maxInFlightRequests: 1,
      idempotent: true,
      transactionTimeout: TXN_TIMEOUT_MS,
    })
    await producer.connect()
    const done = await producer.transaction()
    await done.send({
      topic,
      messages: Array.from({ length: 6 }, (_, i) => ({ partition: i % PARTITIONS, value: `c|done|${i}` })),
    })
    await done.commit()
    const open = await producer.transaction()
    await open.send({
      topic,
      messages: Array.from({ length: 6 }, (_, i) => ({ partition: i % PARTITIONS, value: `a|open|${i}` })),
    })
    await broker.kill()
    await producer.disconnect().catch(() => {})
    await broker.startAgain()
    await waitUntilStable(broker.port, topic, (v) => v.startsWith('a|'))
    const client = await WireClient.connect(broker.port)
    const described = await client.request(
      ApiKey.DescribeTransactions,
      0,
      (w) => DescribeTxns.encodeDescribeTransactionsRequest(w, 0, { transactionalIds: ['crash-open'] }),
      DescribeTxns.decodeDescribeTransactionsResponse,
    )
    client.close()
    assert.equal(described.transactionStates[0]!.transactionState, 'CompleteAbort')
    const read = await readBoth(broker, topic)
    assert.deepEqual(read.map((r) => r.value).sort(), Array.from({ length: 6 }, (_, i) => `c|done|${i}`).sort())
  })

  it('transactions committing in a loop are all or nothing after the crash; acknowledged commits survive', async () => {
    const topic = 'txn-crash-loop'
    const perTxn = 5
    // Few, short retries: after the kill the loop must give up rather than commit against the restarted broker.
    const k = kafka(broker.bootstrap, 'crash-loop', 5)
    const admin = k.admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] })
    await admin.disconnect()
    const producer = k.producer({
      transactionalId: 'crash-loop',
      maxInFlightRequests: 1,
      idempotent: true,
      transactionTimeout: TXN_TIMEOUT_MS,
    })
    await producer.connect()
    const acknowledged: number[] = []
    let stop = false
    let reached: () => void = () => {}
    const enough = new Promise<void>((resolve) => {
      reached = resolve
    })
    let failedEarly: unknown = null
    const loop = (async () => {
      for (let t = 0; !stop; t++) {
        const txn = await producer.transaction()
        await txn.send({
          topic,
          messages: Array.from({ length: perTxn }, (_, i) => ({
            partition: (t + i) % PARTITIONS,
            value: `c|t${t}|${i}`,
          })),
        })
        await txn.commit()
        acknowledged.push(t)
        if (acknowledged.length === 15) reached()
      }
    })().catch((err: unknown) => {
      if (!stop) failedEarly = err
      reached()
    })
    await enough
    assert.equal(failedEarly, null, 'the loop was still committing when the kill came')
    await broker.kill()
    stop = true
    await producer.disconnect().catch(() => {})
    await loop
    await broker.startAgain()
    await waitUntilStable(broker.port, topic, () => false)
    const read = await readBoth(broker, topic)
    const byTxn = new Map<string, Set<string>>()
    for (const r of read) {
      const [, t] = r.value.split('|')
      const seen = byTxn.get(t!) ?? new Set<string>()
      assert.ok(!seen.has(r.value), `${r.value} read twice`)
      seen.add(r.value)
      byTxn.set(t!, seen)
    }
    for (const [t, records] of byTxn) assert.equal(records.size, perTxn, `transaction ${t} is all or nothing`)
    for (const t of acknowledged) assert.ok(byTxn.has(`t${t}`), `acknowledged transaction t${t} is visible`)
    assert.ok(byTxn.size >= acknowledged.length)
  })

  it('kill -9 right after the EndTxn(commit) answer: after the restart the commit completes on every partition', async (t) => {
    const topic = 'txn-crash-commit'
    const id = 'crash-commit'
    const client = await WireClient.connect(broker.port)
    assert.equal((await client.createTopic(topic, PARTITIONS)).topics[0]?.errorCode, ErrorCode.NONE)
    // A long timeout: after the restart only the coordinator's commit can end it, never the timeout's abort.
    const p = await client.initProducerId(id, 600_000)
    const added = await client.request(
      ApiKey.AddPartitionsToTxn,
      1,
      (w) =>
        AddPartitions.encodeAddPartitionsToTxnRequest(w, 1, {
          transactions: [],
          v3AndBelowTransactionalId: id,
          v3AndBelowProducerId: p.producerId,
          v3AndBelowProducerEpoch: p.producerEpoch,
          v3AndBelowTopics: [{ name: topic, partitions: [0, 1, 2] }],
        }),
      AddPartitions.decodeAddPartitionsToTxnResponse,
    )
    assert.ok(added.resultsByTopicV3AndBelow[0]!.resultsByPartition.every((r) => r.partitionErrorCode === 0))
    for (let partition = 0; partition < PARTITIONS; partition++) {
      for (let seq = 0; seq < 2; seq++) {
        const batch = encodeRecordBatch({
          isTransactional: true,
          producerId: p.producerId,
          producerEpoch: p.producerEpoch,
          baseSequence: seq,
          records: [{ key: null, value: Buffer.from(`c|kill|${partition}|${seq}`), timestamp: Date.now() }],
        })
        assert.equal((await client.produce(topic, partition, batch, { transactionalId: id })).errorCode, 0)
      }
    }
    const ended = await client.request(
      ApiKey.EndTxn,
      1,
      (w) =>
        EndTxn.encodeEndTxnRequest(w, 1, {
          transactionalId: id,
          producerId: p.producerId,
          producerEpoch: p.producerEpoch,
          committed: true,
        }),
      EndTxn.decodeEndTxnResponse,
    )
    // No await between the answer and the kill: the markers are being written (or not yet) when it lands.
    const killed = broker.kill()
    assert.equal(ended.errorCode, ErrorCode.NONE)
    await killed
    client.close()
    const linesBeforeRestart = broker.logLines.length
    await broker.startAgain()
    const rewritten = broker.logLines
      .slice(linesBeforeRestart)
      .some((l) => l['msg'] === 'writing the markers of prepared transactions again')
    t.diagnostic(
      rewritten ? 'the restarted coordinator wrote the markers again' : 'the markers were written before the kill',
    )
    const after = await WireClient.connect(broker.port)
    try {
      let state = ''
      for (let attempt = 0; state !== 'CompleteCommit'; attempt++) {
        assert.ok(attempt < 500, `the transaction completed (state ${state})`)
        if (attempt > 0) await new Promise<void>((resolve) => setTimeout(resolve, 20))
        const d = await after.request(
          ApiKey.DescribeTransactions,
          0,
          (w) => DescribeTxns.encodeDescribeTransactionsRequest(w, 0, { transactionalIds: [id] }),
          DescribeTxns.decodeDescribeTransactionsResponse,
        )
        state = d.transactionStates[0]!.errorCode === ErrorCode.NONE ? d.transactionStates[0]!.transactionState : ''
      }
      for (let partition = 0; partition < PARTITIONS; partition++) {
        const r = await fetchCommitted(after, topic, partition, 0)
        assert.equal(r.lastStableOffset, r.highWatermark, `partition ${partition}: LSO == HW`)
        assert.deepEqual(
          r.values.map((v) => v.value),
          [`c|kill|${partition}|0`, `c|kill|${partition}|1`],
          `partition ${partition}: read_committed sees the whole transaction`,
        )
        const raw = (await after.fetch(topic, partition, 0)).responses[0]!.partitions[0]!
        const markers = decodeRecordBatches(raw.records ?? Buffer.alloc(0))
          .filter((b) => b.isControl)
          .map((b) => (b.records[0]?.key?.readInt16BE(2) === 1 ? 'COMMIT' : 'ABORT'))
        assert.ok(markers.length >= 1 && markers.every((m) => m === 'COMMIT'), `partition ${partition}: ${markers}`)
      }
    } finally {
      after.close()
    }
    const read = await readBoth(broker, topic)
    assert.deepEqual(
      read.map((r) => r.value).sort(),
      Array.from({ length: PARTITIONS * 2 }, (_, i) => `c|kill|${Math.floor(i / 2)}|${i % 2}`),
    )
  })

  it('wrote no error-level log lines', () => {
    const errors = broker.logLines.filter((l) => typeof l['level'] === 'number' && l['level'] >= 50)
    assert.deepEqual(errors, [])
    assert.deepEqual(broker.rawLines, [])
  })
})
