/**
 * read_committed filtering, against a fake broker that serves a hand-made log: the embedded broker cannot
 * write transactions yet, and this pins the exact batches (aborted, committed, markers) we decode.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Consumer, type ConsumerRecord } from '../../src/client/consumer.ts'
import { ApiKey } from '../../src/protocol/generated/api-message-types.ts'
import {
  decodeFetchRequest,
  defaultFetchResponse,
  defaultFetchResponsePartitionData,
  encodeFetchResponse,
} from '../../src/protocol/generated/fetch.ts'
import {
  defaultMetadataResponse,
  defaultMetadataResponseMetadataResponsePartition,
  defaultMetadataResponseMetadataResponseTopic,
  encodeMetadataResponse,
} from '../../src/protocol/generated/metadata.ts'
import { encodeControlBatch, encodeRecordBatch } from '../../src/protocol/records/records.ts'
import { apiVersionsFrame, FakeBroker, type FakeRequest, responseFrame } from './fake-broker.ts'

const TOPIC = 'txn'
const T0 = 1_700_000_000_000

function batch(baseOffset: number, values: string[], producerId = -1): Buffer {
  return encodeRecordBatch({
    baseOffset,
    producerId,
    producerEpoch: producerId < 0 ? -1 : 0,
    baseSequence: producerId < 0 ? -1 : 0,
    isTransactional: producerId >= 0,
    records: values.map((v, i) => ({ key: null, value: Buffer.from(v), timestamp: T0 + baseOffset + i })),
  })
}

/** Offsets 0-7: a plain record, producer 7's aborted transaction, producer 8's committed one, markers, a plain record. */
const LOG = Buffer.concat([
  batch(0, ['plain-0']),
  batch(1, ['aborted-1', 'aborted-2'], 7),
  batch(3, ['committed-3', 'committed-4'], 8),
  encodeControlBatch({
    type: 'ABORT',
    producerId: 7,
    producerEpoch: 0,
    coordinatorEpoch: 0,
    timestamp: T0,
    baseOffset: 5,
  }),
  encodeControlBatch({
    type: 'COMMIT',
    producerId: 8,
    producerEpoch: 0,
    coordinatorEpoch: 0,
    timestamp: T0,
    baseOffset: 6,
  }),
  batch(7, ['plain-7']),
])
const LOG_END = 8

describe('Consumer isolation levels (fake broker)', () => {
  let fake: FakeBroker
  const fetchIsolation: number[] = []

  before(async () => {
    fake = await FakeBroker.start((req) => serve(req))
  })

  after(async () => {
    await fake.close()
  })

  function serve(req: FakeRequest): void {
    const { socket, apiKey, apiVersion: v, correlationId } = req
    if (apiKey === ApiKey.ApiVersions) {
      socket.write(
        apiVersionsFrame(req, { [ApiKey.ApiVersions]: [0, 3], [ApiKey.Metadata]: [1, 12], [ApiKey.Fetch]: [4, 12] }),
      )
      return
    }
    if (apiKey === ApiKey.Metadata) {
      const md = defaultMetadataResponse()
      md.brokers = [{ nodeId: 1, host: '127.0.0.1', port: fake.port, rack: null }]
      md.controllerId = 1
      md.clusterId = 'fake'
      const topic = defaultMetadataResponseMetadataResponseTopic()
      topic.name = TOPIC
      const partition = defaultMetadataResponseMetadataResponsePartition()
      partition.leaderId = 1
      partition.replicaNodes = [1]
      partition.isrNodes = [1]
      topic.partitions = [partition]
      md.topics = [topic]
      socket.write(responseFrame(apiKey, v, correlationId, (w) => encodeMetadataResponse(w, v, md)))
      return
    }
    if (apiKey === ApiKey.Fetch) {
      const request = decodeFetchRequest(req.body, v)
      const fetchOffset = request.topics[0]!.partitions[0]!.fetchOffset
      fetchIsolation.push(request.isolationLevel)
      // Nothing past the log end: hold the long poll (the consumer's close() ends it).
      if (fetchOffset >= LOG_END) return
      const data = defaultFetchResponsePartitionData()
      data.highWatermark = LOG_END
      data.lastStableOffset = LOG_END
      data.abortedTransactions = request.isolationLevel === 1 ? [{ producerId: 7, firstOffset: 1 }] : []
      data.records = LOG
      const response = defaultFetchResponse()
      response.responses = [{ topic: TOPIC, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partitions: [data] }]
      socket.write(responseFrame(apiKey, v, correlationId, (w) => encodeFetchResponse(w, v, response)))
    }
  }

  async function readAll(isolationLevel: 'read_committed' | undefined): Promise<ConsumerRecord[]> {
    const bootstrapServers = `127.0.0.1:${fake.port}`
    const consumer = new Consumer(
      isolationLevel === undefined ? { bootstrapServers } : { bootstrapServers, isolationLevel },
    )
    try {
      consumer.assign([{ topic: TOPIC, partition: 0, offset: 0 }])
      const out: ConsumerRecord[] = []
      while (consumer.position(TOPIC, 0) !== LOG_END) for (const r of await consumer.poll()) out.push(r)
      return out
    } finally {
      await consumer.close()
    }
  }

  it('read_committed drops aborted transactional records and control batches', async () => {
    const records = await readAll('read_committed')
    assert.deepEqual(
      records.map((r) => [r.offset, r.value?.toString()]),
      [
        [0, 'plain-0'],
        [3, 'committed-3'],
        [4, 'committed-4'],
        [7, 'plain-7'],
      ],
    )
    assert.equal(fetchIsolation.at(-1), 1)
  })

  it('read_uncommitted (the default) returns every data record but never control records', async () => {
    const records = await readAll(undefined)
    assert.deepEqual(
      records.map((r) => r.offset),
      [0, 1, 2, 3, 4, 7],
    )
    assert.equal(fetchIsolation.at(-1), 0)
  })
})
