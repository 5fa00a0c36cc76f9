/**
 * Metadata, connection reuse and retries, against a fake broker whose Produce answers a test scripts
 * (errors, dropped connections), so every retry path runs deterministically.
 */
import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, it } from 'node:test'
import { Cluster } from '../../src/client/cluster.ts'
import { ClientConnectionError, KafkaResponseError } from '../../src/client/errors.ts'
import { Producer } from '../../src/client/producer.ts'
import { ConfigError } from '../../src/common/errors.ts'
import { FakeScheduler } from '../../src/common/scheduler.ts'
import { ErrorCode } from '../../src/protocol/error-codes.ts'
import { ApiKey } from '../../src/protocol/generated/api-message-types.ts'
import {
  decodeMetadataRequest,
  defaultMetadataResponse,
  defaultMetadataResponseMetadataResponsePartition,
  defaultMetadataResponseMetadataResponseTopic,
  encodeMetadataResponse,
} from '../../src/protocol/generated/metadata.ts'
import {
  decodeProduceRequest,
  defaultProduceResponsePartitionProduceResponse,
  encodeProduceResponse,
} from '../../src/protocol/generated/produce.ts'
import { apiVersionsFrame, FakeBroker, type FakeRequest, responseFrame } from './fake-broker.ts'

/** What the fake does with the next Produce requests, in order; an empty script means success. */
type ProduceAction = { errorCode: number } | 'drop-connection'

describe('Cluster and retries (fake broker)', () => {
  let fake: FakeBroker
  let script: ProduceAction[]
  let metadataRequests: { topics: string[] | null }[]
  let produceRequests: number
  let nextOffset: number

  before(async () => {
    fake = await FakeBroker.start((req) => serve(req))
  })

  beforeEach(() => {
    script = []
    metadataRequests = []
    produceRequests = 0
    nextOffset = 0
  })

  after(async () => {
    await fake.close()
  })

  function serve(req: FakeRequest): void {
    const { socket, apiKey, apiVersion: v, correlationId } = req
    if (apiKey === ApiKey.ApiVersions) {
      socket.write(
        apiVersionsFrame(req, { [ApiKey.ApiVersions]: [0, 3], [ApiKey.Metadata]: [1, 12], [ApiKey.Produce]: [3, 11] }),
      )
      return
    }
    if (apiKey === ApiKey.Metadata) {
      const request = decodeMetadataRequest(req.body, v)
      const names = request.topics === null ? null : request.topics.flatMap((t) => (t.name === null ? [] : [t.name]))
      metadataRequests.push({ topics: names })
      const md = defaultMetadataResponse()
      md.brokers = [{ nodeId: 1, host: '127.0.0.1', port: fake.port, rack: null }]
      md.controllerId = 1
      md.topics = (names ?? ['t']).map((name) => {
        const topic = defaultMetadataResponseMetadataResponseTopic()
        topic.name = name
        if (name !== 't') {
          topic.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
          return topic
        }
        const partition = defaultMetadataResponseMetadataResponsePartition()
        partition.leaderId = 1
        topic.partitions = [partition]
        return topic
      })
      socket.write(responseFrame(apiKey, v, correlationId, (w) => encodeMetadataResponse(w, v, md)))
      return
    }
    if (apiKey === ApiKey.Produce) {
      produceRequests++
      const request = decodeProduceRequest(req.body, v)
      const action = script.shift()
      if (action === 'drop-connection') {
        socket.destroy()
        return
      }
      const partition = defaultProduceResponsePartitionProduceResponse()
      partition.index = request.topicData[0]!.partitionData[0]!.index
      partition.errorCode = action?.errorCode ?? ErrorCode.NONE
      partition.baseOffset = partition.errorCode === ErrorCode.NONE ? nextOffset++ : -1
      socket.write(
        responseFrame(apiKey, v, correlationId, (w) =>
          encodeProduceResponse(w, v, {
            responses: [{ name: request.topicData[0]!.name, partitionResponses: [partition] }],
            throttleTimeMs: 0,
            nodeEndpoints: [],
          }),
        ),
      )
    }
  }

  const producer = (retries = 3) =>
    new Producer({
      bootstrapServers: `127.0.0.1:${fake.port}`,
      lingerMs: 0,
      retries,
      retryBackoffMs: 1,
      retryBackoffMaxMs: 2,
    })

  it('retries a retriable produce error after refreshing metadata', async () => {
    script = [{ errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER }, { errorCode: ErrorCode.REQUEST_TIMED_OUT }]
    const p = producer()
    try {
      const [md] = await p.send({ topic: 't', messages: [{ value: 'v' }] })
      assert.equal(md?.offset, 0)
      assert.equal(produceRequests, 3)
      // The first for the topic, then one after NOT_LEADER_OR_FOLLOWER (REQUEST_TIMED_OUT needs none).
      assert.ok(metadataRequests.length >= 2)
    } finally {
      await p.close()
    }
  })

  it('resends a batch whose connection dropped (at-least-once: this can duplicate)', async () => {
    script = ['drop-connection']
    const p = producer()
    try {
      const [md] = await p.send({ topic: 't', messages: [{ value: 'v' }] })
      assert.equal(md?.offset, 0)
      assert.equal(produceRequests, 2)
    } finally {
      await p.close()
    }
  })

  it('does not retry a non-retriable error', async () => {
    script = [{ errorCode: ErrorCode.INVALID_RECORD }]
    const p = producer()
    try {
      await assert.rejects(p.send({ topic: 't', messages: [{ value: 'v' }] }), (err: unknown) => {
        assert.ok(err instanceof KafkaResponseError)
        assert.equal(err.errorName, 'INVALID_RECORD')
        assert.equal(err.retriable, false)
        return true
      })
      assert.equal(produceRequests, 1)
    } finally {
      await p.close()
    }
  })

  it('gives up after `retries` attempts with the last error', async () => {
    script = Array.from({ length: 10 }, () => ({ errorCode: ErrorCode.NOT_ENOUGH_REPLICAS }))
    const p = producer(2)
    try {
      await assert.rejects(p.send({ topic: 't', messages: [{ value: 'v' }] }), (err: unknown) => {
        assert.ok(err instanceof KafkaResponseError)
        assert.equal(err.errorName, 'NOT_ENOUGH_REPLICAS')
        return true
      })
      assert.equal(produceRequests, 3)
    } finally {
      await p.close()
    }
  })

  it('holds a batch for lingerMs on the scheduler, then sends the records of both send() calls at once', async () => {
    const scheduler = new FakeScheduler()
    const p = new Producer({ bootstrapServers: `127.0.0.1:${fake.port}`, lingerMs: 100, scheduler })
    try {
      await p.cluster.refreshMetadata(['t'])
      const first = p.send({ topic: 't', messages: [{ value: 'a' }] })
      const second = p.send({ topic: 't', messages: [{ value: 'b' }] })
      await settle()
      scheduler.advance(99)
      await settle()
      assert.equal(produceRequests, 0)
      scheduler.advance(1)
      const results = [...(await first), ...(await second)]
      assert.equal(produceRequests, 1)
      // One batch: the fake gives each batch one base offset, the records follow it.
      assert.deepEqual(
        results.map((r) => r.offset),
        [0, 1],
      )
      assert.equal(results[0]!.timestamp, scheduler.nowMs() - 100)
    } finally {
      await p.close()
    }
  })

  it('coalesces concurrent metadata refreshes and reuses one connection', async () => {
    const cluster = new Cluster({ bootstrapServers: `127.0.0.1:${fake.port}` })
    try {
      await Promise.all(Array.from({ length: 10 }, () => cluster.refreshMetadata(['t'])))
      assert.equal(metadataRequests.length, 1)
      assert.deepEqual(metadataRequests[0]?.topics, ['t'])
      assert.equal(fake.sockets.filter((s) => !s.destroyed).length >= 1, true)
      const before = fake.sockets.length
      // The bootstrap connection is the broker's address: the node-id lookup reuses it.
      const a = await cluster.connectionTo(1)
      const b = await cluster.leaderConnection('t', 0)
      assert.equal(a, b)
      assert.equal(fake.sockets.length, before)
      assert.equal(await cluster.leaderFor('t', 0), 1)
      assert.equal(cluster.controllerId, 1)
    } finally {
      await cluster.close()
    }
  })

  it('reports an unknown topic as UNKNOWN_TOPIC_OR_PARTITION once retries are spent', async () => {
    const cluster = new Cluster({ bootstrapServers: `127.0.0.1:${fake.port}`, retries: 2, retryBackoffMs: 1 })
    try {
      await assert.rejects(
        cluster.retry(() => cluster.topicInfo('missing')),
        (err: unknown) => err instanceof KafkaResponseError && err.errorName === 'UNKNOWN_TOPIC_OR_PARTITION',
      )
      // Each of the three attempts asked the broker again (the retry loop may add refreshes of its own).
      assert.ok(metadataRequests.filter((m) => m.topics?.includes('missing')).length >= 3)
    } finally {
      await cluster.close()
    }
  })

  it('validates bootstrap servers and reports unreachable ones', async () => {
    assert.throws(() => new Cluster({ bootstrapServers: 'localhost:notaport' }), ConfigError)
    assert.throws(() => new Cluster({ bootstrapServers: [] }), ConfigError)
    const closed = await FakeBroker.start(() => undefined)
    const port = closed.port
    await closed.close()
    const cluster = new Cluster({ bootstrapServers: `127.0.0.1:${port}`, retries: 0 })
    await assert.rejects(cluster.refreshMetadata(), ClientConnectionError)
    await cluster.close()
  })
})

/** Lets pending socket I/O and promise callbacks run (a few event-loop turns; no clock involved). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve))
}
