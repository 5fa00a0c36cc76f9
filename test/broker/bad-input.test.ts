/**
 * Bad input against a whole broker (startBroker, raw sockets, the generated codecs): malformed frames,
 * oversized frames and batches, unknown APIs and versions, invalid topic names, CRC mismatches, missing
 * partitions, bad acks, two batches in one partition, writes to internal topics, out-of-range fetches and
 * acks=0. Each case checks Kafka's answer (the error code Kafka uses, or a closed connection and a warn
 * line), that a bystander connection opened beforehand is still served, and that every record
 * acknowledged so far reads back unchanged.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { Writable } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import { createLogger } from '../../src/common/log.ts'
import { ErrorCode } from '../../src/protocol/error-codes.ts'
import { ApiKey } from '../../src/protocol/generated/api-message-types.ts'
import { decodeApiVersionsResponse, encodeApiVersionsRequest } from '../../src/protocol/generated/api-versions.ts'
import { decodeCreateTopicsResponse, encodeCreateTopicsRequest } from '../../src/protocol/generated/create-topics.ts'
import {
  decodeFindCoordinatorResponse,
  encodeFindCoordinatorRequest,
} from '../../src/protocol/generated/find-coordinator.ts'
import { decodeProduceResponse, encodeProduceRequest } from '../../src/protocol/generated/produce.ts'
import { Reader } from '../../src/protocol/primitives/reader.ts'
import type { Writer } from '../../src/protocol/primitives/writer.ts'
import { encodeRecordBatch } from '../../src/protocol/records/records.ts'
import { type EmbeddedBroker, startBroker } from '../../src/server/embed.ts'
import { BrokerProcess } from '../helpers/broker-process.ts'
import { produceRequest, readPartition, requestFrame, WireClient } from '../helpers/kafka-wire.ts'

const TOPIC = 'bad-input'
const SMALL_TOPIC = 'small-messages'
const REQUEST_MAX_BYTES = 100 * 1024
const MESSAGE_MAX_BYTES = 20_000
const SMALL_TOPIC_MAX_BYTES = 2000
/** Every case fails rather than hangs when the broker stops answering. */
const T = { timeout: 10_000 }

interface Acked {
  topic: string
  partition: number
  offset: number
  value: string
}

let valueSeq = 0
function batch(values: string[] = [`v${valueSeq++}`]) {
  return encodeRecordBatch({
    records: values.map((v) => ({ key: Buffer.from('k'), value: Buffer.from(v), timestamp: Date.now() })),
  })
}

function incompressible(bytes: number): Buffer {
  return encodeRecordBatch({
    records: [{ key: null, value: randomBytes(bytes), timestamp: Date.now() }],
  })
}

describe('bad input', () => {
  let broker: EmbeddedBroker
  let bystander: WireClient
  const acked: Acked[] = []
  const logLines: Record<string, unknown>[] = []

  /** Produces one record and remembers it as acknowledged. */
  async function produceAcked(topic: string, partition: number, version = 9): Promise<void> {
    const value = `acked-${valueSeq++}`
    const c = await WireClient.connect(broker.port)
    const res = await c.produce(topic, partition, batch([value]), { version, acks: -1 })
    c.close()
    assert.equal(res.errorCode, ErrorCode.NONE)
    acked.push({ topic, partition, offset: res.baseOffset, value })
  }

  /** The bystander is still served and everything acknowledged reads back at its offset. */
  async function othersUnharmed(): Promise<void> {
    assert.ok(!bystander.isClosed, 'the bystander connection is still open')
    const md = await bystander.metadata([TOPIC])
    assert.equal(md.topics[0]?.errorCode, ErrorCode.NONE)
    const partitions = new Set(acked.map((a) => `${a.topic}\u0000${a.partition}`))
    for (const tp of partitions) {
      const [topic, p] = tp.split('\u0000') as [string, string]
      const { records, holes } = await readPartition(broker.port, topic, Number(p))
      assert.deepEqual(holes, [])
      for (const a of acked.filter((x) => x.topic === topic && x.partition === Number(p))) {
        assert.equal(records[a.offset]?.value, a.value, `${topic}-${p}@${a.offset} still holds its record`)
      }
    }
  }

  /** Sends `bytes` on a fresh connection and expects the broker to close it without answering. */
  async function expectClosed(bytes: Buffer | Buffer[]): Promise<void> {
    const warnsBefore = logLines.filter((l) => l['msg'] === 'closing connection').length
    const c = await WireClient.connect(broker.port)
    for (const b of Array.isArray(bytes) ? bytes : [bytes]) c.send(b)
    const frames = await c.waitClosed()
    assert.deepEqual(frames, [], 'no response before the close')
    const warns = logLines.filter((l) => l['msg'] === 'closing connection' && l['level'] === 40).length
    assert.ok(warns > warnsBefore, 'a warn line names the closed connection')
  }

  before(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const line of chunk.toString().split('\n')) if (line !== '') logLines.push(JSON.parse(line))
        cb()
      },
    })
    broker = await startBroker({
      config: {
        'socket.request.max.bytes': String(REQUEST_MAX_BYTES),
        'message.max.bytes': String(MESSAGE_MAX_BYTES),
        'auto.create.topics.enable': 'true',
        'num.partitions': '2',
        'offsets.topic.num.partitions': '2',
      },
      logger: createLogger({ level: 'warn', destination: sink }),
    })
    const admin = await WireClient.connect(broker.port)
    assert.equal((await admin.createTopic(TOPIC, 2)).topics[0]?.errorCode, ErrorCode.NONE)
    const small = await admin.createTopic(SMALL_TOPIC, 1, {
      configs: { 'max.message.bytes': String(SMALL_TOPIC_MAX_BYTES) },
    })
    assert.equal(small.topics[0]?.errorCode, ErrorCode.NONE)
    admin.close()
    bystander = await WireClient.connect(broker.port)
    for (let i = 0; i < 5; i++) {
      await produceAcked(TOPIC, i % 2, i % 2 === 0 ? 3 : 9)
    }
  }, T)

  after(async () => {
    bystander?.close()
    await broker?.close()
  })

  describe('malformed frames close only their connection', () => {
    const cases: [string, () => Buffer | Buffer[]][] = [
      ['a negative size', () => Buffer.from([0xff, 0xff, 0xff, 0xfe])],
      ['a zero size (no header at all)', () => Buffer.from([0, 0, 0, 0])],
      ['a header shorter than its fields', () => Buffer.from([0, 0, 0, 5, 0, 3, 0, 1, 0])],
      ['a client id longer than the frame', () => Buffer.from([0, 0, 0, 10, 0, 18, 0, 0, 0, 0, 0, 1, 0x7f, 0xff])],
      [
        'a Produce body cut short',
        () => {
          const f = requestFrame(ApiKey.Produce, 9, 1, (w) =>
            encodeProduceRequest(w, 9, produceRequest(TOPIC, 0, batch(), 1)),
          )
          const cut = f.subarray(0, f.length - 20)
          cut.writeInt32BE(cut.length - 4, 0)
          return cut
        },
      ],
      [
        'a Metadata v1 topic array claiming 2^31-1 entries',
        () =>
          requestFrame(ApiKey.Metadata, 1, 1, (w) => {
            w.writeInt32(0x7fffffff)
            w.writeString('x')
          }),
      ],
      [
        'a flexible Metadata v12 request whose tagged fields overrun the frame',
        () =>
          requestFrame(ApiKey.Metadata, 12, 1, (w) => {
            w.writeUVarint(0) // null topics
            w.writeBool(false)
            w.writeBool(false)
            w.writeUVarint(1) // one tagged field...
            w.writeUVarint(5) // tag 5
            w.writeUVarint(1000) // ...of 1000 bytes that are not there
          }),
      ],
      [
        'a Produce v3 topic name with a negative length below -1',
        () =>
          requestFrame(ApiKey.Produce, 3, 1, (w) => {
            w.writeNullableString(null)
            w.writeInt16(1)
            w.writeInt32(1000)
            w.writeInt32(1)
            w.writeInt16(-7)
          }),
      ],
    ]
    for (const [name, bytes] of cases) {
      it(name, T, async () => {
        await expectClosed(bytes())
        await othersUnharmed()
      })
    }
  })

  describe('sizes', () => {
    it('a frame larger than socket.request.max.bytes closes the connection before its body is read', T, async () => {
      const big = requestFrame(ApiKey.Produce, 9, 1, (w) =>
        encodeProduceRequest(w, 9, produceRequest(TOPIC, 0, incompressible(REQUEST_MAX_BYTES + 1000), 1)),
      )
      assert.ok(big.length - 4 > REQUEST_MAX_BYTES)
      await expectClosed(big)
      // Only the size prefix: the broker must not wait for the body.
      const prefix = Buffer.alloc(4)
      prefix.writeInt32BE(REQUEST_MAX_BYTES + 1)
      await expectClosed(prefix)
      await othersUnharmed()
    })

    it('a batch larger than message.max.bytes gets MESSAGE_TOO_LARGE and is not appended', T, async () => {
      const c = await WireClient.connect(broker.port)
      for (const version of [3, 9]) {
        const res = await c.produce(TOPIC, 0, incompressible(MESSAGE_MAX_BYTES + 100), { version, acks: 1 })
        assert.equal(res.errorCode, ErrorCode.MESSAGE_TOO_LARGE, `Produce v${version}`)
      }
      c.close()
      await produceAcked(TOPIC, 0)
      await othersUnharmed()
    })

    it(
      "a batch larger than the topic's max.message.bytes gets MESSAGE_TOO_LARGE; a smaller one is appended",
      T,
      async () => {
        const c = await WireClient.connect(broker.port)
        const tooBig = await c.produce(SMALL_TOPIC, 0, incompressible(SMALL_TOPIC_MAX_BYTES + 100), { acks: 1 })
        assert.equal(tooBig.errorCode, ErrorCode.MESSAGE_TOO_LARGE)
        const fits = await c.produce(SMALL_TOPIC, 0, incompressible(SMALL_TOPIC_MAX_BYTES - 200), { acks: 1 })
        assert.equal(fits.errorCode, ErrorCode.NONE)
        assert.equal(fits.baseOffset, 0, 'the refused batch took no offset')
        c.close()
        await othersUnharmed()
      },
    )
  })

  describe('unknown API keys and versions', () => {
    const cases: [string, number, number][] = [
      ['an API key no Kafka has (999)', 999, 0],
      ['a negative API key', -3, 0],
      ['a ZooKeeper-era key a KRaft broker does not serve (LeaderAndIsr)', 4, 0],
      ['Produce v12 (beyond the served range)', ApiKey.Produce, 12],
      ['Metadata v13', ApiKey.Metadata, 13],
      ['Fetch v-1', ApiKey.Fetch, -1],
      ['a served key at version 32767', ApiKey.ListOffsets, 0x7fff],
    ]
    for (const [name, apiKey, version] of cases) {
      it(`${name} closes the connection`, T, async () => {
        const f = Buffer.alloc(4 + 2 + 2 + 4 + 2 + 8)
        f.writeInt32BE(f.length - 4, 0)
        f.writeInt16BE(apiKey, 4)
        f.writeInt16BE(version, 6)
        f.writeInt32BE(1, 8)
        f.writeInt16BE(0, 12) // empty client id, then 8 bytes of body
        await expectClosed(f)
        await othersUnharmed()
      })
    }

    it(
      'ApiVersions at an unknown version is answered (v0 body, UNSUPPORTED_VERSION) and the connection stays',
      T,
      async () => {
        const c = await WireClient.connect(broker.port)
        c.send(requestFrame(ApiKey.ApiVersions, 77, 5, () => {}))
        const r = new Reader(await c.nextFrame())
        assert.equal(r.readInt32(), 5)
        const res = decodeApiVersionsResponse(r, 0)
        assert.equal(res.errorCode, ErrorCode.UNSUPPORTED_VERSION)
        assert.deepEqual(res.apiKeys, [{ apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: 4 }])
        const again = await c.request(
          ApiKey.ApiVersions,
          3,
          (w) => encodeApiVersionsRequest(w, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' }),
          decodeApiVersionsResponse,
        )
        assert.equal(again.errorCode, ErrorCode.NONE)
        c.close()
        await othersUnharmed()
      },
    )
  })

  describe('invalid topic names (legal: [a-zA-Z0-9._-], at most 249 characters, not "." or "..")', () => {
    const invalid = [
      '',
      '.',
      '..',
      'a'.repeat(250),
      'with space',
      'slash/name',
      'colon:name',
      'ünicode',
      'star*',
      'tab\tname',
    ]

    it('CreateTopics answers INVALID_TOPIC_EXCEPTION for each and creates none of them', T, async () => {
      const c = await WireClient.connect(broker.port)
      for (const version of [3, 7]) {
        for (const name of invalid) {
          const res = await c.createTopic(name, 1, { version })
          assert.equal(
            res.topics[0]?.errorCode,
            ErrorCode.INVALID_TOPIC_EXCEPTION,
            `CreateTopics v${version} ${JSON.stringify(name)}`,
          )
        }
      }
      const longest = await c.createTopic('b'.repeat(249), 1)
      assert.equal(longest.topics[0]?.errorCode, ErrorCode.NONE, 'a 249-character name is legal')
      const all = await c.metadata(null)
      const names = new Set(all.topics.map((t) => t.name))
      for (const name of invalid) assert.ok(!names.has(name), `${JSON.stringify(name)} was not created`)
      c.close()
      await othersUnharmed()
    })

    it('CreateTopics refuses a name that collides with an existing one through "." vs "_"', T, async () => {
      const c = await WireClient.connect(broker.port)
      assert.equal((await c.createTopic('collide_me', 1)).topics[0]?.errorCode, ErrorCode.NONE)
      assert.equal((await c.createTopic('collide.me', 1)).topics[0]?.errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION)
      c.close()
      await othersUnharmed()
    })

    it('CreateTopics answers INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR and TOPIC_ALREADY_EXISTS', T, async () => {
      const c = await WireClient.connect(broker.port)
      assert.equal((await c.createTopic('zero-partitions', 0)).topics[0]?.errorCode, ErrorCode.INVALID_PARTITIONS)
      const rf = await c.createTopic('three-replicas', 1, { replicationFactor: 3 })
      assert.equal(rf.topics[0]?.errorCode, ErrorCode.INVALID_REPLICATION_FACTOR)
      assert.equal((await c.createTopic(TOPIC, 2)).topics[0]?.errorCode, ErrorCode.TOPIC_ALREADY_EXISTS)
      c.close()
      await othersUnharmed()
    })

    it(
      'Metadata with auto-creation answers INVALID_TOPIC_EXCEPTION for invalid names and creates the valid one',
      T,
      async () => {
        const c = await WireClient.connect(broker.port)
        const names = ['with space', '..', 'a'.repeat(250), 'auto-created-ok']
        for (const version of [1, 12]) {
          const wanted = version === 1 ? names : names.map((n) => (n === 'auto-created-ok' ? 'auto-created-ok-2' : n))
          const res = await c.metadata(wanted, { version, autoCreate: true })
          const byName = new Map(res.topics.map((t) => [t.name, t]))
          for (const name of wanted.slice(0, 3)) {
            assert.equal(byName.get(name)?.errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION, `Metadata v${version} ${name}`)
          }
          const ok = byName.get(wanted[3]!)
          assert.equal(ok?.errorCode, ErrorCode.NONE, `Metadata v${version} auto-creates ${wanted[3]}`)
          assert.equal(ok?.partitions.length, 2, 'num.partitions')
        }
        const all = await c.metadata(null)
        const existing = new Set(all.topics.map((t) => t.name))
        for (const name of names.slice(0, 3)) assert.ok(!existing.has(name))
        c.close()
        await othersUnharmed()
      },
    )
  })

  describe('Produce errors', () => {
    it('a CRC mismatch gets CORRUPT_MESSAGE and nothing is appended', T, async () => {
      const c = await WireClient.connect(broker.port)
      const { highWatermark } = await readPartition(broker.port, TOPIC, 1)
      // Flips outside the bits read before the CRC check (attributes bit 4 = transactional: see below).
      for (const [version, flipAt] of [
        [3, -1], // the last record's header count
        [9, 21], // attributes, high byte (unused bits)
        [9, 40], // max_timestamp
        [9, 60], // record count
      ] as const) {
        const b = batch(['one', 'two', 'three'])
        const pos = flipAt < 0 ? b.length + flipAt : flipAt
        b[pos]! ^= 0x10
        const res = await c.produce(TOPIC, 1, b, { version, acks: 1 })
        assert.equal(res.errorCode, ErrorCode.CORRUPT_MESSAGE, `Produce v${version}, byte ${pos} flipped`)
      }
      assert.equal((await readPartition(broker.port, TOPIC, 1)).highWatermark, highWatermark)
      c.close()
      await produceAcked(TOPIC, 1)
      await othersUnharmed()
    })

    it(
      'a batch flagged transactional without a transactional id gets TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
      T,
      async () => {
        // Kafka reads the flag before any CRC check (ProduceRequest.hasTransactionalRecords) and refuses the
        // request when no transactional id is authorized, whatever the rest of the batch holds.
        const c = await WireClient.connect(broker.port)
        const { highWatermark } = await readPartition(broker.port, TOPIC, 1)
        const b = batch()
        b[22]! ^= 0x10
        const res = await c.produce(TOPIC, 1, b, { version: 9, acks: 1 })
        assert.equal(res.errorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
        assert.equal((await readPartition(broker.port, TOPIC, 1)).highWatermark, highWatermark)
        c.close()
        await othersUnharmed()
      },
    )

    it('a missing partition or topic gets UNKNOWN_TOPIC_OR_PARTITION (Produce never auto-creates)', T, async () => {
      const c = await WireClient.connect(broker.port)
      for (const version of [3, 9]) {
        assert.equal((await c.produce(TOPIC, 2, batch(), { version })).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
        assert.equal((await c.produce(TOPIC, -1, batch(), { version })).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
        const missing = await c.produce('no-such-topic', 0, batch(), { version })
        assert.equal(missing.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
      }
      const md = await c.metadata(['no-such-topic'])
      assert.equal(md.topics[0]?.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'still does not exist')
      c.close()
      await othersUnharmed()
    })

    it('acks outside {-1, 0, 1} gets INVALID_REQUIRED_ACKS and nothing is appended', T, async () => {
      const c = await WireClient.connect(broker.port)
      const { highWatermark } = await readPartition(broker.port, TOPIC, 0)
      for (const acks of [2, -2, 5, 32767]) {
        const res = await c.produce(TOPIC, 0, batch(), { acks })
        assert.equal(res.errorCode, ErrorCode.INVALID_REQUIRED_ACKS, `acks=${acks}`)
      }
      assert.equal((await readPartition(broker.port, TOPIC, 0)).highWatermark, highWatermark)
      c.close()
      await othersUnharmed()
    })

    it('two batches for one partition in Produce v3+ get INVALID_RECORD and nothing is appended', T, async () => {
      const c = await WireClient.connect(broker.port)
      const { highWatermark } = await readPartition(broker.port, TOPIC, 0)
      for (const version of [3, 7, 9, 11]) {
        const res = await c.produce(TOPIC, 0, Buffer.concat([batch(), batch()]), { version, acks: 1 })
        assert.equal(res.errorCode, ErrorCode.INVALID_RECORD, `Produce v${version}`)
      }
      assert.equal((await readPartition(broker.port, TOPIC, 0)).highWatermark, highWatermark)
      c.close()
      await othersUnharmed()
    })

    it('a write to __consumer_offsets gets INVALID_TOPIC_EXCEPTION', T, async () => {
      const c = await WireClient.connect(broker.port)
      // FindCoordinator creates the offsets topic; wait until it exists.
      for (;;) {
        const fc = await c.request(
          ApiKey.FindCoordinator,
          0,
          (w) => encodeFindCoordinatorRequest(w, 0, { key: 'bad-input-group', keyType: 0, coordinatorKeys: [] }),
          decodeFindCoordinatorResponse,
        )
        if (fc.errorCode === ErrorCode.NONE) break
        assert.equal(fc.errorCode, ErrorCode.COORDINATOR_NOT_AVAILABLE)
        await new Promise((r) => setTimeout(r, 20)) // polling (the test's timeout bounds it), not synchronisation
      }
      const md = await c.metadata(['__consumer_offsets'])
      assert.equal(md.topics[0]?.errorCode, ErrorCode.NONE)
      assert.equal(md.topics[0]?.isInternal, true)
      for (const version of [3, 9]) {
        const res = await c.produce('__consumer_offsets', 0, batch(), { version, acks: 1 })
        assert.equal(res.errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION, `Produce v${version}`)
      }
      c.close()
      await othersUnharmed()
    })

    it('acks=0 gets no response at all; the record is appended', T, async () => {
      const c = await WireClient.connect(broker.port)
      const value = `acks0-${valueSeq++}`
      const { highWatermark } = await readPartition(broker.port, TOPIC, 1)
      const id = c.correlationId()
      c.send(
        requestFrame(ApiKey.Produce, 9, id, (w) =>
          encodeProduceRequest(w, 9, produceRequest(TOPIC, 1, batch([value]), 0)),
        ),
      )
      // Responses come in request order: had the acks=0 request been answered, its frame would come first.
      const versions = await c.request(
        ApiKey.ApiVersions,
        3,
        (w: Writer) => encodeApiVersionsRequest(w, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' }),
        decodeApiVersionsResponse,
      )
      assert.equal(versions.errorCode, ErrorCode.NONE)
      const { records } = await readPartition(broker.port, TOPIC, 1)
      assert.equal(records[highWatermark]?.value, value, 'appended at the next offset')
      acked.push({ topic: TOPIC, partition: 1, offset: highWatermark, value })
      c.close()
      await othersUnharmed()
    })

    it(
      'a failed acks=0 produce closes the connection instead of answering (the client cannot see an error)',
      T,
      async () => {
        const b = batch()
        b[b.length - 1]! ^= 0xff
        const f = requestFrame(ApiKey.Produce, 9, 1, (w) => encodeProduceRequest(w, 9, produceRequest(TOPIC, 0, b, 0)))
        await expectClosed(f)
        await othersUnharmed()
      },
    )

    it('a good partition next to a bad one in the same request is appended', T, async () => {
      const c = await WireClient.connect(broker.port)
      const value = `mixed-${valueSeq++}`
      const bad = batch()
      bad[bad.length - 1]! ^= 0x01
      const res = await c.request(
        ApiKey.Produce,
        9,
        (w) =>
          encodeProduceRequest(w, 9, {
            transactionalId: null,
            acks: -1,
            timeoutMs: 30_000,
            topicData: [
              {
                name: TOPIC,
                partitionData: [
                  { index: 0, records: bad },
                  { index: 1, records: batch([value]) },
                ],
              },
            ],
          }),
        decodeProduceResponse,
      )
      const [p0, p1] = res.responses[0]!.partitionResponses
      assert.equal(p0?.errorCode, ErrorCode.CORRUPT_MESSAGE)
      assert.equal(p1?.errorCode, ErrorCode.NONE)
      acked.push({ topic: TOPIC, partition: 1, offset: p1!.baseOffset, value })
      c.close()
      await othersUnharmed()
    })
  })

  describe('partition counts (Kafka: at most 10,000 partitions per CreateTopics request)', () => {
    // Each case runs against its own broker process with a small heap, so that a broker which tries to
    // build the partitions fails fast and alone, and is killed when the case ends.
    const CASE = { timeout: 30_000 }

    /** One CreateTopics request for several topics against `port`; each topic's error code. */
    async function createMany(port: number, topics: [string, number][], validateOnly: boolean): Promise<number[]> {
      const c = await WireClient.connect(port)
      try {
        const res = await c.request(
          ApiKey.CreateTopics,
          5,
          (w) =>
            encodeCreateTopicsRequest(w, 5, {
              topics: topics.map(([name, numPartitions]) => ({
                name,
                numPartitions,
                replicationFactor: 1,
                assignments: [],
                configs: [],
              })),
              timeoutMs: 30_000,
              validateOnly,
            }),
          decodeCreateTopicsResponse,
        )
        return res.topics.map((t) => t.errorCode)
      } finally {
        c.close()
      }
    }

    async function againstSmallBroker(
      topics: [string, number][],
      validateOnly: boolean,
      expected: number[],
    ): Promise<void> {
      const p = await BrokerProcess.start({ nodeOptions: ['--max-old-space-size=256'] })
      try {
        const codes = await Promise.race([
          createMany(p.port, topics, validateOnly).catch(() => null),
          p.nextExit().then(() => null),
        ])
        assert.ok(codes !== null, `the broker died: ${p.stderr.join('').slice(0, 300)}`)
        assert.deepEqual(codes, expected)
        const c = await WireClient.connect(p.port)
        const md = await c.metadata(topics.map(([name]) => name))
        c.close()
        for (const t of md.topics)
          assert.equal(t.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `${t.name} not created`)
        assert.ok(p.isRunning)
      } finally {
        await p.kill()
        await p.close()
      }
    }

    it('a topic of 10,001 partitions gets POLICY_VIOLATION and is not created', CASE, async () => {
      await againstSmallBroker([['too-many-partitions', 10_001]], false, [ErrorCode.POLICY_VIOLATION])
    })

    it(
      'the limit is per request: 6,000 + 6,000 partitions (validate only) get POLICY_VIOLATION for both',
      CASE,
      async () => {
        await againstSmallBroker(
          [
            ['six-thousand-a', 6000],
            ['six-thousand-b', 6000],
          ],
          true,
          [ErrorCode.POLICY_VIOLATION, ErrorCode.POLICY_VIOLATION],
        )
      },
    )

    it("2^31-1 partitions are refused at once instead of exhausting the broker's memory", CASE, async () => {
      await againstSmallBroker([['int32-max-partitions', 0x7fffffff]], false, [ErrorCode.POLICY_VIOLATION])
    })
  })

  describe('Fetch errors', () => {
    it('an offset beyond the log end or below 0 gets OFFSET_OUT_OF_RANGE', T, async () => {
      const c = await WireClient.connect(broker.port)
      const { highWatermark } = await readPartition(broker.port, TOPIC, 0)
      for (const version of [4, 11, 12]) {
        for (const offset of [highWatermark + 1, highWatermark + 1000, -5]) {
          const res = await c.fetch(TOPIC, 0, offset, { version })
          const p = res.responses[0]?.partitions[0]
          assert.equal(p?.errorCode, ErrorCode.OFFSET_OUT_OF_RANGE, `Fetch v${version} at ${offset}`)
          // As Kafka's ReplicaManager, a partition in error carries no watermarks.
          assert.deepEqual([p?.highWatermark, p?.lastStableOffset, p?.logStartOffset], [-1, -1, -1])
        }
        const atEnd = await c.fetch(TOPIC, 0, highWatermark, { version })
        assert.equal(atEnd.responses[0]?.partitions[0]?.errorCode, ErrorCode.NONE, 'the log end itself is in range')
      }
      c.close()
      await othersUnharmed()
    })

    it('a missing partition gets UNKNOWN_TOPIC_OR_PARTITION', T, async () => {
      const c = await WireClient.connect(broker.port)
      for (const version of [4, 12]) {
        const res = await c.fetch(TOPIC, 9, 0, { version })
        assert.equal(res.responses[0]?.partitions[0]?.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
      }
      c.close()
      await othersUnharmed()
    })
  })

  it('pipelined requests after a bad field keep being answered in order on the same connection', T, async () => {
    const c = await WireClient.connect(broker.port)
    const frames = [
      requestFrame(ApiKey.Produce, 9, 100, (w) => encodeProduceRequest(w, 9, produceRequest(TOPIC, 7, batch(), 1))),
      requestFrame(ApiKey.ApiVersions, 3, 101, (w) =>
        encodeApiVersionsRequest(w, 3, { clientSoftwareName: 'a', clientSoftwareVersion: '1' }),
      ),
      requestFrame(ApiKey.Produce, 9, 102, (w) => encodeProduceRequest(w, 9, produceRequest(TOPIC, 0, batch(), 7))),
    ]
    c.send(Buffer.concat(frames))
    const ids: number[] = []
    for (let i = 0; i < 3; i++) ids.push(new Reader(await c.nextFrame()).readInt32())
    assert.deepEqual(ids, [100, 101, 102])
    c.close()
    await othersUnharmed()
  })

  it('logged no error-level lines', T, () => {
    const errors = logLines.filter((l) => typeof l['level'] === 'number' && l['level'] >= 50)
    assert.deepEqual(errors, [])
  })
})
