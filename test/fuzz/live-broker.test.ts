/**
 * Fuzzes a live broker process over the network: random frames, and real requests (Produce, Fetch,
 * Metadata, CreateTopics, ApiVersions, JoinGroup, flexible and not) with bit flips, truncations, corrupted
 * length fields, boundary values written over their fields and inserted bytes, sent on many connections
 * at once. Afterwards the process must be alive, serve a normal produce/consume round trip, still hold
 * every record acknowledged before the fuzzing, and its log must be intact: only JSON lines, none at
 * error level or above. The seed is fixed (SAMSA_FUZZ_SEED overrides it) and printed; fast-check prints
 * the failing case and its path to replay it.
 */
import assert from 'node:assert/strict'
import type { Socket } from 'node:net'
import { connect } from 'node:net'
import { after, before, describe, it } from 'node:test'
import fc from 'fast-check'
import { ApiKey } from '../../src/protocol/generated/api-message-types.ts'
import { encodeApiVersionsRequest } from '../../src/protocol/generated/api-versions.ts'
import { encodeCreateTopicsRequest } from '../../src/protocol/generated/create-topics.ts'
import { encodeFetchRequest } from '../../src/protocol/generated/fetch.ts'
import { encodeJoinGroupRequest } from '../../src/protocol/generated/join-group.ts'
import { encodeMetadataRequest } from '../../src/protocol/generated/metadata.ts'
import { encodeProduceRequest } from '../../src/protocol/generated/produce.ts'
import { ZERO_UUID } from '../../src/protocol/primitives/uuid.ts'
import { CompressionType } from '../../src/protocol/records/compression/index.ts'
import { encodeRecordBatch } from '../../src/protocol/records/records.ts'
import { BrokerProcess } from '../helpers/broker-process.ts'
import { loadKafkajs } from '../helpers/interop.ts'
import { produceRequest, readPartition, requestFrame, WireClient } from '../helpers/kafka-wire.ts'

const SEED = Number(process.env['SAMSA_FUZZ_SEED'] ?? 20261122)
/** Bounds the fuzzing phase; the number of runs done in that time varies, the sequence does not. */
const FUZZ_MS = 40_000
const TOPIC = 'fuzz'

function batch(values: string[], compression: CompressionType = CompressionType.None): Buffer {
  return encodeRecordBatch({
    compression,
    records: values.map((v, i) => ({
      key: Buffer.from(`k${i}`),
      value: Buffer.from(v),
      headers: [{ key: 'h', value: Buffer.from('x') }],
      timestamp: Date.now(),
    })),
  })
}

/** Valid requests of several APIs and versions, the seeds of the mutations. */
function corpus(): Buffer[] {
  const out: Buffer[] = []
  for (const v of [3, 7, 9, 11]) {
    out.push(
      requestFrame(ApiKey.Produce, v, 1, (w) =>
        encodeProduceRequest(w, v, produceRequest(TOPIC, v % 2, batch(['a', 'bb'], (v % 3) as CompressionType), 1)),
      ),
    )
  }
  for (const v of [4, 11, 12, 15]) {
    out.push(
      requestFrame(ApiKey.Fetch, v, 2, (w) =>
        encodeFetchRequest(w, v, {
          clusterId: null,
          replicaId: -1,
          replicaState: { replicaId: -1, replicaEpoch: -1 },
          maxWaitMs: 5,
          minBytes: 1,
          maxBytes: 1 << 20,
          isolationLevel: 1,
          sessionId: 0,
          sessionEpoch: v % 2 === 0 ? 0 : -1,
          topics: [
            {
              topic: TOPIC,
              topicId: ZERO_UUID,
              partitions: [
                {
                  partition: 0,
                  currentLeaderEpoch: -1,
                  fetchOffset: 0,
                  lastFetchedEpoch: -1,
                  logStartOffset: -1,
                  partitionMaxBytes: 1 << 16,
                  replicaDirectoryId: ZERO_UUID,
                },
              ],
            },
          ],
          forgottenTopicsData: [],
          rackId: '',
        }),
      ),
    )
  }
  for (const v of [0, 1, 4, 9, 12]) {
    out.push(
      requestFrame(ApiKey.Metadata, v, 3, (w) =>
        encodeMetadataRequest(w, v, {
          topics: [{ name: TOPIC, topicId: ZERO_UUID }],
          allowAutoTopicCreation: false,
          includeClusterAuthorizedOperations: false,
          includeTopicAuthorizedOperations: false,
        }),
      ),
    )
  }
  for (const v of [2, 5, 7]) {
    out.push(
      requestFrame(ApiKey.CreateTopics, v, 4, (w) =>
        encodeCreateTopicsRequest(w, v, {
          topics: [
            {
              name: `fuzz-created-${v}`,
              numPartitions: 1,
              replicationFactor: 1,
              assignments: [],
              configs: [{ name: 'cleanup.policy', value: 'delete' }],
            },
          ],
          timeoutMs: 1000,
          validateOnly: v === 5,
        }),
      ),
    )
  }
  for (const v of [0, 2, 3]) {
    out.push(
      requestFrame(ApiKey.ApiVersions, v, 5, (w) =>
        encodeApiVersionsRequest(w, v, { clientSoftwareName: 'fuzz', clientSoftwareVersion: '1.0' }),
      ),
    )
  }
  for (const v of [1, 5, 6]) {
    out.push(
      requestFrame(ApiKey.JoinGroup, v, 6, (w) =>
        encodeJoinGroupRequest(w, v, {
          groupId: 'fuzz-group',
          sessionTimeoutMs: 6000,
          rebalanceTimeoutMs: 1000,
          memberId: '',
          groupInstanceId: null,
          protocolType: 'consumer',
          protocols: [{ name: 'range', metadata: Buffer.from([0, 1, 0, 0, 0, 1, 0, 4, 102, 117, 122, 122]) }],
          reason: null,
        }),
      ),
    )
  }
  return out
}

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'length'; value: number }
  | { kind: 'overwrite'; at: number; bytes: number[] }
  | { kind: 'insert'; at: number; bytes: number[] }

const BOUNDARY_INT32 = [0, 1, -1, 0x7fffffff, -0x80000000, 0x7fff, 0x8000, 0xffff, 1 << 20]
const BOUNDARY_INT16 = [0, 1, -1, 0x7fff, -0x8000, 0xff]

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('length' as const),
    value: fc.oneof(fc.constantFrom(...BOUNDARY_INT32), fc.integer({ min: -100, max: 100 }), fc.integer()),
  }),
  fc.record({
    kind: fc.constant('overwrite' as const),
    at: fc.nat(),
    bytes: fc.oneof(
      fc.constantFrom(...BOUNDARY_INT32).map((v) => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]),
      fc.constantFrom(...BOUNDARY_INT16).map((v) => [(v >>> 8) & 0xff, v & 0xff]),
      fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 8 }),
    ),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 16 }),
  }),
)

/** Applies mutations to a copy of a frame. Positions wrap around the frame's current length. */
function mutate(frame: Buffer, mutations: Mutation[]): Buffer {
  let b = Buffer.from(frame)
  for (const m of mutations) {
    if (b.length === 0) break
    switch (m.kind) {
      case 'flip':
        b[m.at % b.length]! ^= 1 << m.bit
        break
      case 'truncate':
        b = b.subarray(0, m.at % b.length)
        if (b.length >= 4) b.writeInt32BE(b.length - 4, 0)
        break
      case 'length':
        if (b.length >= 4) b.writeInt32BE(m.value | 0, 0)
        break
      case 'overwrite': {
        const at = m.at % b.length
        for (let i = 0; i < m.bytes.length && at + i < b.length; i++) b[at + i] = m.bytes[i]!
        break
      }
      case 'insert': {
        const at = m.at % b.length
        b = Buffer.concat([b.subarray(0, at), Buffer.from(m.bytes), b.subarray(at)])
        if (b.length >= 4 && at >= 4) b.writeInt32BE(b.length - 4, 0)
        break
      }
    }
  }
  return b
}

/** One connection's worth of input: mutated real requests, random frames, or both, possibly pipelined. */
const connectionInput = (seeds: Buffer[]): fc.Arbitrary<Buffer[]> =>
  fc.array(
    fc.oneof(
      {
        weight: 6,
        arbitrary: fc
          .tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 4 }))
          .map(([f, ms]) => mutate(f, ms)),
      },
      { weight: 1, arbitrary: fc.constantFrom(...seeds) },
      {
        weight: 2,
        arbitrary: fc.tuple(fc.boolean(), fc.uint8Array({ minLength: 0, maxLength: 200 })).map(([framed, bytes]) => {
          const body = Buffer.from(bytes)
          if (!framed) return body
          const size = Buffer.alloc(4)
          size.writeInt32BE(body.length)
          return Buffer.concat([size, body])
        }),
      },
    ),
    { minLength: 1, maxLength: 4 },
  )

/** Sends the frames, half-closes, and waits until the broker has closed its side (whatever it answered). */
async function sendAndHangUp(port: number, frames: Buffer[], signal: AbortSignal): Promise<void> {
  const socket: Socket = connect({ host: '127.0.0.1', port })
  const abort = (): void => {
    socket.destroy()
  }
  signal.addEventListener('abort', abort, { once: true })
  await new Promise<void>((resolve) => {
    socket.on('error', () => {})
    socket.on('data', () => {})
    socket.once('close', () => resolve())
    socket.once('connect', () => {
      for (const f of frames) socket.write(f)
      socket.end()
    })
  })
  signal.removeEventListener('abort', abort)
}

/** True when a fresh connection gets its ApiVersions answered. */
async function answersApiVersions(port: number, signal: AbortSignal): Promise<boolean> {
  let c: WireClient
  try {
    c = await WireClient.connect(port)
  } catch {
    return false
  }
  const abort = (): void => c.close()
  signal.addEventListener('abort', abort, { once: true })
  try {
    const id = c.correlationId()
    c.send(
      requestFrame(ApiKey.ApiVersions, 3, id, (w) =>
        encodeApiVersionsRequest(w, 3, { clientSoftwareName: 'probe', clientSoftwareVersion: '1' }),
      ),
    )
    return (await c.nextFrame()).readInt32BE(0) === id
  } catch {
    return false
  } finally {
    signal.removeEventListener('abort', abort)
    c.close()
  }
}

describe('fuzzing a live broker process', () => {
  let broker: BrokerProcess
  const acked: { partition: number; offset: number; value: string }[] = []

  before(async () => {
    broker = await BrokerProcess.start({
      overrides: { 'group.initial.rebalance.delay.ms': '0', 'offsets.topic.num.partitions': '2' },
    })
    const c = await WireClient.connect(broker.port)
    assert.equal((await c.createTopic(TOPIC, 2)).topics[0]?.errorCode, 0)
    for (let i = 0; i < 20; i++) {
      const value = `before-fuzz-${i}`
      const res = await c.produce(TOPIC, i % 2, batch([value], (i % 4) as CompressionType), { acks: -1 })
      assert.equal(res.errorCode, 0)
      acked.push({ partition: i % 2, offset: res.baseOffset, value })
    }
    c.close()
  })

  after(async () => {
    await broker?.close()
  })

  it(`survives random and mutated frames on many connections (seed ${SEED})`, {
    timeout: FUZZ_MS + 60_000,
  }, async (t) => {
    t.diagnostic(`fast-check seed ${SEED}; rerun with SAMSA_FUZZ_SEED=${SEED}`)
    const seeds = corpus()
    let runs = 0
    await fc.assert(
      fc.asyncProperty(fc.array(connectionInput(seeds), { minLength: 1, maxLength: 6 }), async (connections) => {
        runs++
        await Promise.all(connections.map((frames) => sendAndHangUp(broker.port, frames, t.signal)))
        // A fresh connection is answered: the broker survived this run (and not only the previous one).
        assert.ok(
          await answersApiVersions(broker.port, t.signal),
          `the broker stopped answering: ${broker.stderr.join('').slice(0, 2000)}`,
        )
      }),
      { seed: SEED, numRuns: 100_000, interruptAfterTimeLimit: FUZZ_MS, endOnFailure: true },
    )
    t.diagnostic(`${runs} runs`)
    assert.ok(broker.isRunning, 'the broker process is alive')
  })

  it('still serves a normal client: raw produce and fetch round trip', { timeout: 30_000 }, async () => {
    const c = await WireClient.connect(broker.port)
    assert.equal((await c.createTopic('after-fuzz', 1)).topics[0]?.errorCode, 0)
    const values = Array.from({ length: 50 }, (_, i) => `after-${i}`)
    const res = await c.produce('after-fuzz', 0, batch(values, CompressionType.Gzip), { acks: -1 })
    assert.equal(res.errorCode, 0)
    c.close()
    const { records } = await readPartition(broker.port, 'after-fuzz', 0)
    assert.deepEqual(
      records.map((r) => r.value),
      values,
    )
  })

  it('still serves a normal client: kafkajs produce and consume', { timeout: 60_000 }, async (t) => {
    const k = loadKafkajs()
    if (k === null) {
      t.skip('kafkajs not installed')
      return
    }
    const kafka = new k.Kafka({
      brokers: [broker.bootstrap],
      clientId: 'after-fuzz',
      logLevel: k.logLevel.NOTHING,
      retry: { retries: 3 },
    })
    const producer = kafka.producer()
    const consumer = kafka.consumer({ groupId: 'after-fuzz', maxWaitTimeInMs: 200, retry: { retries: 3 } })
    const got: string[] = []
    try {
      await producer.connect()
      await producer.send({
        topic: 'after-fuzz-kafkajs',
        messages: Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
      })
      await consumer.connect()
      await consumer.subscribe({ topic: 'after-fuzz-kafkajs', fromBeginning: true })
      await new Promise<void>((resolve, reject) => {
        t.signal.addEventListener('abort', () => reject(new Error(`aborted after ${got.length} records`)), {
          once: true,
        })
        consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error))
        consumer
          .run({
            eachMessage: async ({ message }) => {
              got.push(message.value?.toString() ?? '')
              if (got.length === 20) resolve()
            },
          })
          .catch(reject)
      })
    } finally {
      await consumer.disconnect()
      await producer.disconnect()
    }
    assert.deepEqual(
      got,
      Array.from({ length: 20 }, (_, i) => `v${i}`),
    )
  })

  it('kept every record acknowledged before the fuzzing', { timeout: 30_000 }, async () => {
    for (const p of [0, 1]) {
      const { records, holes } = await readPartition(broker.port, TOPIC, p)
      assert.deepEqual(holes, [])
      for (const a of acked.filter((x) => x.partition === p)) {
        assert.equal(records[a.offset]?.value, a.value, `${TOPIC}-${p}@${a.offset}`)
      }
    }
  })

  it('logged only JSON lines and nothing at error level or above, and is still running', () => {
    assert.ok(broker.isRunning, `the broker process died: ${broker.stderr.join('').slice(0, 2000)}`)
    assert.deepEqual(broker.rawLines, [])
    assert.equal(broker.stderr.join(''), '')
    const errors = broker.logLines.filter((l) => typeof l['level'] === 'number' && l['level'] >= 50)
    assert.deepEqual(errors.slice(0, 5), [], `${errors.length} lines at error level or above`)
  })
})
