/**
 * The transaction APIs over the wire against an embedded broker, at the versions clients send
 * (kafkajs <= 1, librdkafka InitProducerId <= 4, EndTxn <= 1, TxnOffsetCommit <= 3, AddPartitionsToTxn
 * and AddOffsetsToTxn 0) and the newer ones: InitProducerId, FindCoordinator (key type 1),
 * AddPartitionsToTxn (incl. the v4 batched and verify-only form), Produce of transactional batches,
 * read_committed Fetch (last stable offset, aborted transactions), EndTxn, WriteTxnMarkers,
 * TxnOffsetCommit, DescribeTransactions, ListTransactions, DescribeProducers, with each version's errors;
 * isolation levels while a transaction is open (Fetch and ListOffsets); KIP-890 transaction verification.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ErrorCode } from '../../../src/protocol/error-codes.ts'
import * as AddOffsets from '../../../src/protocol/generated/add-offsets-to-txn.ts'
import * as AddPartitions from '../../../src/protocol/generated/add-partitions-to-txn.ts'
import { ApiKey } from '../../../src/protocol/generated/api-message-types.ts'
import * as DescribeProducers from '../../../src/protocol/generated/describe-producers.ts'
import * as DescribeTxns from '../../../src/protocol/generated/describe-transactions.ts'
import * as EndTxn from '../../../src/protocol/generated/end-txn.ts'
import * as Fetch from '../../../src/protocol/generated/fetch.ts'
import * as FindCoordinator from '../../../src/protocol/generated/find-coordinator.ts'
import * as InitProducerId from '../../../src/protocol/generated/init-producer-id.ts'
import * as ListOffsets from '../../../src/protocol/generated/list-offsets.ts'
import * as ListTxns from '../../../src/protocol/generated/list-transactions.ts'
import * as Produce from '../../../src/protocol/generated/produce.ts'
import * as TxnOffsetCommit from '../../../src/protocol/generated/txn-offset-commit.ts'
import * as WriteTxnMarkers from '../../../src/protocol/generated/write-txn-markers.ts'
import { ZERO_UUID } from '../../../src/protocol/primitives/uuid.ts'
import { Writer } from '../../../src/protocol/primitives/writer.ts'
import { decodeRecordBatches, encodeRecordBatch } from '../../../src/protocol/records/records.ts'
import { type EmbeddedBroker, startBroker } from '../../../src/server/embed.ts'
import { WireClient } from '../../helpers/kafka-wire.ts'
import { BROKER, incrementalAlterConfigs, Op } from './config-wire.ts'

const TOPIC = 'txn-wire'

let broker: EmbeddedBroker
let client: WireClient

before(async () => {
  broker = await startBroker({ config: { 'transaction.state.log.num.partitions': '3' } })
  client = await WireClient.connect(broker.port)
  const created = await client.createTopic(TOPIC, 2)
  assert.equal(created.topics[0]?.errorCode, ErrorCode.NONE)
})

after(async () => {
  client?.close()
  await broker?.close()
})

function init(version: number, transactionalId: string | null, producerId = -1, producerEpoch = -1) {
  return client.request(
    ApiKey.InitProducerId,
    version,
    (w) =>
      InitProducerId.encodeInitProducerIdRequest(w, version, {
        transactionalId,
        transactionTimeoutMs: 60_000,
        producerId,
        producerEpoch,
      }),
    InitProducerId.decodeInitProducerIdResponse,
  )
}

function addPartitions(version: number, id: string, producerId: number, epoch: number, partitions: number[]) {
  return client.request(
    ApiKey.AddPartitionsToTxn,
    version,
    (w) =>
      AddPartitions.encodeAddPartitionsToTxnRequest(w, version, {
        transactions: [],
        v3AndBelowTransactionalId: id,
        v3AndBelowProducerId: producerId,
        v3AndBelowProducerEpoch: epoch,
        v3AndBelowTopics: [{ name: TOPIC, partitions }],
      }),
    AddPartitions.decodeAddPartitionsToTxnResponse,
  )
}

function endTxn(version: number, id: string, producerId: number, producerEpoch: number, committed: boolean) {
  return client.request(
    ApiKey.EndTxn,
    version,
    (w) => EndTxn.encodeEndTxnRequest(w, version, { transactionalId: id, producerId, producerEpoch, committed }),
    EndTxn.decodeEndTxnResponse,
  )
}

function transactionalBatch(producerId: number, epoch: number, seq: number, value: string): Buffer {
  return encodeRecordBatch({
    isTransactional: true,
    producerId,
    producerEpoch: epoch,
    baseSequence: seq,
    records: [{ key: null, value: Buffer.from(value), timestamp: Date.now() }],
  })
}

function produce(transactionalId: string | null, partition: number, records: Buffer, topic = TOPIC, c = client) {
  return c.request(
    ApiKey.Produce,
    9,
    (w) =>
      Produce.encodeProduceRequest(w, 9, {
        transactionalId,
        acks: -1,
        timeoutMs: 30_000,
        topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
      }),
    Produce.decodeProduceResponse,
  )
}

function fetchCommitted(partition: number, fetchOffset: number) {
  return fetchAt(client, TOPIC, partition, fetchOffset, 1)
}

/** One Fetch (v11) of a partition from `fetchOffset` at `isolationLevel` (0 read_uncommitted, 1 read_committed). */
function fetchAt(c: WireClient, topic: string, partition: number, fetchOffset: number, isolationLevel: number) {
  const version = 11
  return c.request(
    ApiKey.Fetch,
    version,
    (w) =>
      Fetch.encodeFetchRequest(w, version, {
        clusterId: null,
        replicaId: -1,
        replicaState: { replicaId: -1, replicaEpoch: -1 },
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: 1 << 20,
        isolationLevel,
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
                fetchOffset,
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
    Fetch.decodeFetchResponse,
  )
}

/** Retries while the answer is CONCURRENT_TRANSACTIONS (markers still being written), as clients do. */
async function untilSettled<T>(op: () => Promise<T>, code: (r: T) => number): Promise<T> {
  for (;;) {
    const r = await op()
    if (code(r) !== ErrorCode.CONCURRENT_TRANSACTIONS) return r
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
}

describe('byte layouts', () => {
  it('AddPartitionsToTxn v1 results: topic, then partition index and error code, no tag buffers (v3+ only)', () => {
    const response: AddPartitions.AddPartitionsToTxnResponse = {
      throttleTimeMs: 0,
      errorCode: 0,
      resultsByTransaction: [],
      resultsByTopicV3AndBelow: [{ name: 't', resultsByPartition: [{ partitionIndex: 2, partitionErrorCode: 51 }] }],
    }
    const w = new Writer()
    AddPartitions.encodeAddPartitionsToTxnResponse(w, 1, response)
    assert.deepEqual(w.toBuffer(), Buffer.from([0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0x74, 0, 0, 0, 1, 0, 0, 0, 2, 0, 51]))
    const flexible = new Writer()
    AddPartitions.encodeAddPartitionsToTxnResponse(flexible, 3, response)
    assert.deepEqual(flexible.toBuffer(), Buffer.from([0, 0, 0, 0, 2, 2, 0x74, 2, 0, 0, 0, 2, 0, 51, 0, 0, 0]))
  })
})

describe('InitProducerId and FindCoordinator', () => {
  it('gives idempotent producers distinct ids at epoch 0 at every version', async () => {
    const ids = new Set<number>()
    for (const v of [0, 1, 2, 3, 4, 5]) {
      const r = await init(v, null)
      assert.deepEqual([r.errorCode, r.producerEpoch], [ErrorCode.NONE, 0], `v${v}`)
      ids.add(r.producerId)
    }
    assert.equal(ids.size, 6)
    assert.equal((await init(3, null, -1, 4)).errorCode, ErrorCode.INVALID_REQUEST)
  })

  it('finds the transaction coordinator (creating __transaction_state) at v1-v3 and batched v4+', async () => {
    for (const v of [1, 3]) {
      const r = await client.request(
        ApiKey.FindCoordinator,
        v,
        (w) => FindCoordinator.encodeFindCoordinatorRequest(w, v, { key: 'wire-tx', keyType: 1, coordinatorKeys: [] }),
        FindCoordinator.decodeFindCoordinatorResponse,
      )
      assert.deepEqual([r.errorCode, r.port], [ErrorCode.NONE, broker.port])
    }
    const b = await client.request(
      ApiKey.FindCoordinator,
      4,
      (w) => FindCoordinator.encodeFindCoordinatorRequest(w, 4, { key: '', keyType: 1, coordinatorKeys: ['a', 'b'] }),
      FindCoordinator.decodeFindCoordinatorResponse,
    )
    assert.deepEqual(
      b.coordinators.map((c) => [c.key, c.errorCode, c.port]),
      [
        ['a', 0, broker.port],
        ['b', 0, broker.port],
      ],
    )
  })
})

describe('a transaction over the wire', () => {
  it('aborts and commits; read_committed stops at the last stable offset and lists the aborted transaction', async () => {
    const p = await untilSettled(
      () => init(1, 'wire-tx'),
      (r) => r.errorCode,
    )
    assert.equal(p.errorCode, ErrorCode.NONE)
    const added = await addPartitions(0, 'wire-tx', p.producerId, p.producerEpoch, [0])
    assert.equal(added.resultsByTopicV3AndBelow[0]?.resultsByPartition[0]?.partitionErrorCode, ErrorCode.NONE)
    const w1 = await produce('wire-tx', 0, transactionalBatch(p.producerId, p.producerEpoch, 0, 'aborted'))
    assert.equal(w1.responses[0]?.partitionResponses[0]?.errorCode, ErrorCode.NONE)
    const open = (await fetchCommitted(0, 0)).responses[0]!.partitions[0]!
    assert.deepEqual([open.lastStableOffset, open.records?.length ?? 0], [0, 0], 'nothing is stable yet')
    assert.equal((await endTxn(1, 'wire-tx', p.producerId, p.producerEpoch, false)).errorCode, ErrorCode.NONE)
    await untilSettled(
      () => addPartitions(1, 'wire-tx', p.producerId, p.producerEpoch, [0]),
      (r) => r.resultsByTopicV3AndBelow[0]!.resultsByPartition[0]!.partitionErrorCode,
    )
    await produce('wire-tx', 0, transactionalBatch(p.producerId, p.producerEpoch, 1, 'committed'))
    assert.equal((await endTxn(3, 'wire-tx', p.producerId, p.producerEpoch, true)).errorCode, ErrorCode.NONE)
    let data = (await fetchCommitted(0, 0)).responses[0]!.partitions[0]!
    while (data.lastStableOffset < data.highWatermark) data = (await fetchCommitted(0, 0)).responses[0]!.partitions[0]!
    assert.deepEqual(data.abortedTransactions, [{ producerId: p.producerId, firstOffset: 0 }])
    const batches = decodeRecordBatches(data.records!)
    assert.deepEqual(
      batches.map((b) => (b.isControl ? `marker@${b.baseOffset}` : `${b.records[0]!.value}@${b.baseOffset}`)),
      ['aborted@0', 'marker@1', 'committed@2', 'marker@3'],
    )
  })

  it('refuses transactional batches without a transactional id, and fences a zombie (v0-1: INVALID_PRODUCER_EPOCH)', async () => {
    const p = await untilSettled(
      () => init(1, 'zombie-tx'),
      (r) => r.errorCode,
    )
    const noId = await produce(null, 1, transactionalBatch(p.producerId, p.producerEpoch, 0, 'x'))
    assert.equal(noId.responses[0]?.partitionResponses[0]?.errorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
    await addPartitions(1, 'zombie-tx', p.producerId, p.producerEpoch, [1])
    const fence = await init(4, 'zombie-tx')
    assert.equal(fence.errorCode, ErrorCode.CONCURRENT_TRANSACTIONS)
    const fresh = await untilSettled(
      () => init(4, 'zombie-tx'),
      (r) => r.errorCode,
    )
    assert.equal(fresh.producerEpoch, p.producerEpoch + 2)
    const zombieWrite = await produce('zombie-tx', 1, transactionalBatch(p.producerId, p.producerEpoch, 0, 'zombie'))
    assert.equal(zombieWrite.responses[0]?.partitionResponses[0]?.errorCode, ErrorCode.INVALID_PRODUCER_EPOCH)
    assert.equal(
      (await endTxn(1, 'zombie-tx', p.producerId, p.producerEpoch, true)).errorCode,
      ErrorCode.INVALID_PRODUCER_EPOCH,
    )
    assert.equal(
      (await endTxn(2, 'zombie-tx', p.producerId, p.producerEpoch, true)).errorCode,
      ErrorCode.PRODUCER_FENCED,
    )
    const apt = await addPartitions(0, 'zombie-tx', p.producerId, p.producerEpoch, [0])
    assert.equal(
      apt.resultsByTopicV3AndBelow[0]?.resultsByPartition[0]?.partitionErrorCode,
      ErrorCode.INVALID_PRODUCER_EPOCH,
    )
  })

  it('AddPartitionsToTxn: unknown partitions fail the transaction; v4 batches transactions and verifies', async () => {
    const p = await untilSettled(
      () => init(3, 'batched-tx'),
      (r) => r.errorCode,
    )
    const bad = await addPartitions(3, 'batched-tx', p.producerId, p.producerEpoch, [0, 9])
    assert.deepEqual(
      bad.resultsByTopicV3AndBelow[0]!.resultsByPartition.map((r) => [r.partitionIndex, r.partitionErrorCode]),
      [
        [0, ErrorCode.OPERATION_NOT_ATTEMPTED],
        [9, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      ],
    )
    const txn = (verifyOnly: boolean, partitions: number[]) => ({
      transactionalId: 'batched-tx',
      producerId: p.producerId,
      producerEpoch: p.producerEpoch,
      verifyOnly,
      topics: [{ name: TOPIC, partitions }],
    })
    const v4 = (transactions: AddPartitions.AddPartitionsToTxnRequestAddPartitionsToTxnTransaction[]) =>
      client.request(
        ApiKey.AddPartitionsToTxn,
        4,
        (w) =>
          AddPartitions.encodeAddPartitionsToTxnRequest(w, 4, {
            transactions,
            v3AndBelowTransactionalId: '',
            v3AndBelowProducerId: 0,
            v3AndBelowProducerEpoch: 0,
            v3AndBelowTopics: [],
          }),
        AddPartitions.decodeAddPartitionsToTxnResponse,
      )
    const added = await v4([txn(false, [1])])
    assert.equal(added.resultsByTransaction[0]?.topicResults[0]?.resultsByPartition[0]?.partitionErrorCode, 0)
    const verified = await v4([txn(true, [0, 1])])
    assert.deepEqual(
      verified.resultsByTransaction[0]!.topicResults[0]!.resultsByPartition.map((r) => r.partitionErrorCode),
      [ErrorCode.TRANSACTION_ABORTABLE, ErrorCode.NONE],
    )
  })

  it('TxnOffsetCommit after AddOffsetsToTxn; DescribeTransactions, ListTransactions and DescribeProducers show it', async () => {
    const p = await untilSettled(
      () => init(1, 'offsets-tx'),
      (r) => r.errorCode,
    )
    const ao = await client.request(
      ApiKey.AddOffsetsToTxn,
      0,
      (w) =>
        AddOffsets.encodeAddOffsetsToTxnRequest(w, 0, {
          transactionalId: 'offsets-tx',
          producerId: p.producerId,
          producerEpoch: p.producerEpoch,
          groupId: 'offsets-group',
        }),
      AddOffsets.decodeAddOffsetsToTxnResponse,
    )
    assert.equal(ao.errorCode, ErrorCode.NONE)
    for (const v of [0, 3]) {
      const tc = await client.request(
        ApiKey.TxnOffsetCommit,
        v,
        (w) =>
          TxnOffsetCommit.encodeTxnOffsetCommitRequest(w, v, {
            transactionalId: 'offsets-tx',
            groupId: 'offsets-group',
            producerId: p.producerId,
            producerEpoch: p.producerEpoch,
            generationId: -1,
            memberId: '',
            groupInstanceId: null,
            topics: [
              {
                name: TOPIC,
                partitions: [
                  { partitionIndex: 0, committedOffset: 5, committedLeaderEpoch: -1, committedMetadata: '' },
                  { partitionIndex: 7, committedOffset: 5, committedLeaderEpoch: -1, committedMetadata: '' },
                ],
              },
            ],
          }),
        TxnOffsetCommit.decodeTxnOffsetCommitResponse,
      )
      assert.deepEqual(
        tc.topics[0]!.partitions.map((x) => x.errorCode),
        [ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      )
    }
    const described = await client.request(
      ApiKey.DescribeTransactions,
      0,
      (w) => DescribeTxns.encodeDescribeTransactionsRequest(w, 0, { transactionalIds: ['offsets-tx', 'nobody'] }),
      DescribeTxns.decodeDescribeTransactionsResponse,
    )
    const [known, unknown] = described.transactionStates
    assert.deepEqual(
      [known!.transactionState, known!.producerId, known!.topics[0]!.topic],
      ['Ongoing', p.producerId, '__consumer_offsets'],
    )
    assert.equal(unknown!.errorCode, ErrorCode.TRANSACTIONAL_ID_NOT_FOUND)
    for (const v of [0, 1]) {
      const listed = await client.request(
        ApiKey.ListTransactions,
        v,
        (w) =>
          ListTxns.encodeListTransactionsRequest(w, v, {
            stateFilters: ['Ongoing'],
            producerIdFilters: [p.producerId],
            durationFilter: -1,
          }),
        ListTxns.decodeListTransactionsResponse,
      )
      assert.deepEqual(listed.transactionStates, [
        { transactionalId: 'offsets-tx', producerId: p.producerId, transactionState: 'Ongoing' },
      ])
    }
    const producers = await client.request(
      ApiKey.DescribeProducers,
      0,
      (w) =>
        DescribeProducers.encodeDescribeProducersRequest(w, 0, { topics: [{ name: TOPIC, partitionIndexes: [0, 5] }] }),
      DescribeProducers.decodeDescribeProducersResponse,
    )
    const [p0, p5] = producers.topics[0]!.partitions
    assert.ok(p0!.activeProducers.length > 0)
    assert.equal(p5!.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    assert.equal((await endTxn(0, 'offsets-tx', p.producerId, p.producerEpoch, true)).errorCode, ErrorCode.NONE)
  })

  it('while a transaction is open, read_uncommitted reads past the LSO; ListOffsets latest is the LSO for read_committed', async () => {
    const topic = 'txn-isolation'
    assert.equal((await client.createTopic(topic, 1)).topics[0]?.errorCode, ErrorCode.NONE)
    const p = await client.initProducerId('isolation-tx')
    const added = await client.request(
      ApiKey.AddPartitionsToTxn,
      1,
      (w) =>
        AddPartitions.encodeAddPartitionsToTxnRequest(w, 1, {
          transactions: [],
          v3AndBelowTransactionalId: 'isolation-tx',
          v3AndBelowProducerId: p.producerId,
          v3AndBelowProducerEpoch: p.producerEpoch,
          v3AndBelowTopics: [{ name: topic, partitions: [0] }],
        }),
      AddPartitions.decodeAddPartitionsToTxnResponse,
    )
    assert.equal(added.resultsByTopicV3AndBelow[0]!.resultsByPartition[0]!.partitionErrorCode, ErrorCode.NONE)
    const txnTimestamp = Date.now() - 60_000
    const txnBatch = encodeRecordBatch({
      isTransactional: true,
      producerId: p.producerId,
      producerEpoch: p.producerEpoch,
      baseSequence: 0,
      records: [
        { key: null, value: Buffer.from('t1'), timestamp: txnTimestamp },
        { key: null, value: Buffer.from('t2'), timestamp: txnTimestamp },
      ],
    })
    await produce(null, 0, plainBatch('n0', txnTimestamp - 60_000), topic)
    assert.equal(
      (await produce('isolation-tx', 0, txnBatch, topic)).responses[0]!.partitionResponses[0]!.errorCode,
      ErrorCode.NONE,
    )
    await produce(null, 0, plainBatch('n3'), topic)
    const values = (r: Fetch.FetchResponse) =>
      decodeRecordBatches(r.responses[0]!.partitions[0]!.records ?? Buffer.alloc(0)).flatMap((b) =>
        b.isControl ? [] : b.records.map((x) => x.value?.toString()),
      )
    const uncommitted = await fetchAt(client, topic, 0, 0, 0)
    assert.deepEqual(values(uncommitted), ['n0', 't1', 't2', 'n3'], 'read_uncommitted reads past the LSO')
    const u = uncommitted.responses[0]!.partitions[0]!
    assert.deepEqual([u.highWatermark, u.lastStableOffset], [4, 1])
    const committed = await fetchAt(client, topic, 0, 0, 1)
    assert.deepEqual(values(committed), ['n0'], 'read_committed stops at the LSO')
    assert.equal(await latestOffset(client, topic, 0, 0), 4, 'read_uncommitted latest: the high watermark')
    assert.equal(await latestOffset(client, topic, 0, 1), 1, 'read_committed latest: the last stable offset')
    assert.equal(await latestOffset(client, topic, 0, 0, txnTimestamp), 1, 'by timestamp, uncommitted')
    assert.equal(await latestOffset(client, topic, 0, 1, txnTimestamp), -1, 'by timestamp, at or past the LSO')

    assert.equal((await endTxn(1, 'isolation-tx', p.producerId, p.producerEpoch, true)).errorCode, ErrorCode.NONE)
    let lso = await latestOffset(client, topic, 0, 1)
    while (lso < 5) lso = await latestOffset(client, topic, 0, 1)
    assert.equal(lso, await latestOffset(client, topic, 0, 0), 'committed: LSO and HW meet past the marker')
    assert.deepEqual(values(await fetchAt(client, topic, 0, 0, 1)), ['n0', 't1', 't2', 'n3'])
  })

  it('WriteTxnMarkers from a stale coordinator epoch is TRANSACTION_COORDINATOR_FENCED; unknown partitions UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const p = await untilSettled(
      () => init(1, 'marker-tx'),
      (r) => r.errorCode,
    )
    await addPartitions(1, 'marker-tx', p.producerId, p.producerEpoch, [1])
    await produce('marker-tx', 1, transactionalBatch(p.producerId, p.producerEpoch, 0, 'm'))
    await endTxn(1, 'marker-tx', p.producerId, p.producerEpoch, true)
    await untilSettled(
      () => init(1, 'marker-tx'),
      (r) => r.errorCode,
    )
    const markers = await client.request(
      ApiKey.WriteTxnMarkers,
      1,
      (w) =>
        WriteTxnMarkers.encodeWriteTxnMarkersRequest(w, 1, {
          markers: [
            {
              producerId: p.producerId,
              producerEpoch: p.producerEpoch,
              transactionResult: false,
              topics: [{ name: TOPIC, partitionIndexes: [1, 8] }],
              coordinatorEpoch: -5,
            },
          ],
        }),
      WriteTxnMarkers.decodeWriteTxnMarkersResponse,
    )
    assert.deepEqual(
      markers.markers[0]!.topics[0]!.partitions.map((x) => [x.partitionIndex, x.errorCode]),
      [
        [1, ErrorCode.TRANSACTION_COORDINATOR_FENCED],
        [8, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      ],
    )
  })
})

function plainBatch(value: string, timestamp = Date.now()): Buffer {
  return encodeRecordBatch({ records: [{ key: null, value: Buffer.from(value), timestamp }] })
}

/** ListOffsets (v7) for `timestamp` (-1 latest) at `isolationLevel`: the offset answered. */
async function latestOffset(c: WireClient, topic: string, partition: number, isolationLevel: number, timestamp = -1) {
  const r = await c.request(
    ApiKey.ListOffsets,
    7,
    (w) =>
      ListOffsets.encodeListOffsetsRequest(w, 7, {
        replicaId: -1,
        isolationLevel,
        topics: [
          {
            name: topic,
            partitions: [{ partitionIndex: partition, currentLeaderEpoch: -1, timestamp, maxNumOffsets: 1 }],
          },
        ],
        timeoutMs: 0,
      }),
    ListOffsets.decodeListOffsetsResponse,
  )
  const p = r.topics[0]!.partitions[0]!
  assert.equal(p.errorCode, ErrorCode.NONE)
  return p.offset
}

/** The partition's last stable offset and high watermark as a read_committed Fetch reports them. */
async function stability(c: WireClient, topic: string, partition = 0) {
  const p = (await fetchAt(c, topic, partition, 0, 1)).responses[0]!.partitions[0]!
  return { lastStableOffset: p.lastStableOffset, highWatermark: p.highWatermark }
}

describe('transaction verification (KIP-890, transaction.partition.verification.enable)', () => {
  it('refuses a transactional Produce to a partition never added (INVALID_TXN_STATE): nothing appended, the LSO does not move', async () => {
    const topic = 'txn-verify'
    assert.equal((await client.createTopic(topic, 1)).topics[0]?.errorCode, ErrorCode.NONE)
    assert.equal(
      (await produce(null, 0, plainBatch('n0'), topic)).responses[0]!.partitionResponses[0]!.errorCode,
      ErrorCode.NONE,
    )
    const p = await untilSettled(
      () => init(1, 'verify-tx'),
      (r) => r.errorCode,
    )
    const refused = (await produce('verify-tx', 0, transactionalBatch(p.producerId, p.producerEpoch, 0, 'x'), topic))
      .responses[0]!.partitionResponses[0]!
    assert.deepEqual(
      [refused.errorCode, refused.errorMessage, refused.baseOffset],
      [ErrorCode.INVALID_TXN_STATE, 'Partition was not added to the transaction', -1],
    )
    assert.deepEqual(await stability(client, topic), { lastStableOffset: 1, highWatermark: 1 })
    assert.equal(await latestOffset(client, topic, 0, 1), 1)

    // Added: the first batch is verified and opens the transaction; the next needs no verification.
    const added = await client.request(
      ApiKey.AddPartitionsToTxn,
      1,
      (w) =>
        AddPartitions.encodeAddPartitionsToTxnRequest(w, 1, {
          transactions: [],
          v3AndBelowTransactionalId: 'verify-tx',
          v3AndBelowProducerId: p.producerId,
          v3AndBelowProducerEpoch: p.producerEpoch,
          v3AndBelowTopics: [{ name: topic, partitions: [0] }],
        }),
      AddPartitions.decodeAddPartitionsToTxnResponse,
    )
    assert.equal(added.resultsByTopicV3AndBelow[0]!.resultsByPartition[0]!.partitionErrorCode, ErrorCode.NONE)
    for (const [seq, offset] of [
      [0, 1],
      [1, 2],
    ] as const) {
      const ok = (await produce('verify-tx', 0, transactionalBatch(p.producerId, p.producerEpoch, seq, 'c'), topic))
        .responses[0]!.partitionResponses[0]!
      assert.deepEqual([ok.errorCode, ok.baseOffset], [ErrorCode.NONE, offset])
    }
    assert.deepEqual(await stability(client, topic), { lastStableOffset: 1, highWatermark: 3 })
    assert.equal((await endTxn(1, 'verify-tx', p.producerId, p.producerEpoch, true)).errorCode, ErrorCode.NONE)
    let s = await stability(client, topic)
    while (s.lastStableOffset < s.highWatermark) s = await stability(client, topic)
    assert.deepEqual(s, { lastStableOffset: 4, highWatermark: 4 })

    // The transaction is over: the partition is no longer in one, a later write needs adding again.
    const after = (await produce('verify-tx', 0, transactionalBatch(p.producerId, p.producerEpoch, 2, 'x'), topic))
      .responses[0]!.partitionResponses[0]!
    assert.equal(after.errorCode, ErrorCode.INVALID_TXN_STATE)
    // A fenced epoch (Kafka maps the coordinator's PRODUCER_FENCED), and an id the coordinator never saw.
    const bumped = await untilSettled(
      () => init(1, 'verify-tx'),
      (r) => r.errorCode,
    )
    assert.equal(bumped.producerEpoch, p.producerEpoch + 1)
    const fenced = (await produce('verify-tx', 0, transactionalBatch(p.producerId, p.producerEpoch, 2, 'x'), topic))
      .responses[0]!.partitionResponses[0]!
    assert.equal(fenced.errorCode, ErrorCode.INVALID_PRODUCER_EPOCH)
    const stranger = (await produce('nobody-tx', 0, transactionalBatch(p.producerId + 1000, 0, 0, 'x'), topic))
      .responses[0]!.partitionResponses[0]!
    assert.equal(stranger.errorCode, ErrorCode.INVALID_PRODUCER_ID_MAPPING)
    assert.deepEqual(await stability(client, topic), { lastStableOffset: 4, highWatermark: 4 }, 'nothing appended')
  })

  it('disabled, an unverified write is appended and holds the LSO back (the old behaviour); enabled at run time, refused', async () => {
    const unverified = await startBroker({
      config: { 'transaction.state.log.num.partitions': '1', 'transaction.partition.verification.enable': 'false' },
    })
    const c = await WireClient.connect(unverified.port)
    try {
      const topic = 'txn-unverified'
      assert.equal((await c.createTopic(topic, 1)).topics[0]?.errorCode, ErrorCode.NONE)
      const p = await c.initProducerId('hanging-tx')
      const w = (await produce('hanging-tx', 0, transactionalBatch(p.producerId, p.producerEpoch, 0, 'h'), topic, c))
        .responses[0]!.partitionResponses[0]!
      assert.deepEqual([w.errorCode, w.baseOffset], [ErrorCode.NONE, 0])
      await produce(null, 0, plainBatch('n1'), topic, c)
      assert.deepEqual(await stability(c, topic), { lastStableOffset: 0, highWatermark: 2 }, 'a hanging transaction')

      const set = await incrementalAlterConfigs(c, 1, BROKER, '', [
        ['transaction.partition.verification.enable', Op.Set, 'true'],
      ])
      assert.equal(set.errorCode, ErrorCode.NONE)
      const q = await c.initProducerId('second-tx')
      const refused = (
        await produce('second-tx', 0, transactionalBatch(q.producerId, q.producerEpoch, 0, 'x'), topic, c)
      ).responses[0]!.partitionResponses[0]!
      assert.equal(refused.errorCode, ErrorCode.INVALID_TXN_STATE)
    } finally {
      c.close()
      await unverified.close()
    }
  })
})
