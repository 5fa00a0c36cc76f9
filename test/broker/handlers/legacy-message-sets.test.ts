/**
 * Legacy message sets (magic 0 and 1) against a live broker, over the wire. Produce v0-v2 carrying
 * message sets (kafka-python's own bytes, and our encoder for snappy and LZ4) are stored as record
 * batches v2, read back with a modern Fetch: dense offsets continuing across produces, the producer's
 * codec, magic 1 timestamps (none for magic 0); pipelined produces keep their order although the
 * conversion runs off the event loop. Fetch v0-v3 serves v2 batches down-converted: magic 0
 * for v0-v1, magic 1 with timestamps for v2-v3, one wrapper per compressed batch, headers dropped, and
 * nothing below the fetch offset from an uncompressed batch; or UNSUPPORTED_VERSION where
 * message.downconversion.enable is false.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ErrorCode } from '../../../src/protocol/error-codes.ts'
import { ApiKey } from '../../../src/protocol/generated/api-message-types.ts'
import { decodeProduceResponse, encodeProduceRequest } from '../../../src/protocol/generated/produce.ts'
import { readResponseHeader } from '../../../src/protocol/headers.ts'
import { Reader } from '../../../src/protocol/primitives/reader.ts'
import { CompressionType, compressionName } from '../../../src/protocol/records/compression/index.ts'
import { encodeLegacyMessages, encodeLegacyWrapper } from '../../../src/protocol/records/legacy-message-set.ts'
import { TimestampType } from '../../../src/protocol/records/record-batch.ts'
import {
  type DecodedRecordBatch,
  decodeRecordBatches,
  encodeRecordBatch,
} from '../../../src/protocol/records/records.ts'
import { type EmbeddedBroker, startBroker } from '../../../src/server/embed.ts'
import { produceRequest, requestFrame, WireClient } from '../../helpers/kafka-wire.ts'
import { fixtureBytes, fixtureRecords } from '../../protocol/records/kafka-python-fixtures.ts'
import { BROKER, incrementalAlterConfigs, Op, TOPIC } from './config-wire.ts'

const str = (b: Buffer | null): string | null => (b === null ? null : b.toString('latin1'))

interface Seen {
  offset: number
  timestamp: number
  key: string | null
  value: string | null
}

const seen = (batches: DecodedRecordBatch[]): Seen[] =>
  batches.flatMap((b) =>
    b.records.map((r) => ({ offset: r.offset, timestamp: r.timestamp, key: str(r.key), value: str(r.value) })),
  )

/** A legacy message set built by our encoder: `n` messages, compressed into one wrapper unless None. */
function ourMessageSet(magic: 0 | 1, codec: CompressionType, n: number): { bytes: Buffer; records: Seen[] } {
  const records = Array.from({ length: n }, (_, i) => ({
    offset: i,
    timestamp: magic === 0 ? -1 : 1_700_000_000_000 + i,
    key: Buffer.from(`key-${i}`),
    value: Buffer.from(`${compressionName(codec)} value ${i} `.repeat(8)),
  }))
  const bytes =
    codec === CompressionType.None
      ? encodeLegacyMessages(magic, 0, records)
      : encodeLegacyWrapper(magic, codec, 0, records.at(-1)!.timestamp, records)
  return { bytes, records: records.map((r) => ({ ...r, key: str(r.key), value: str(r.value) })) }
}

describe('Produce v0-v2 with legacy message sets', () => {
  let broker: EmbeddedBroker
  let c: WireClient
  before(async () => {
    broker = await startBroker()
    c = await WireClient.connect(broker.port)
  })
  after(async () => {
    c?.close()
    await broker?.close()
  })

  /** Every batch of the partition, read with Fetch v11. */
  async function stored(topic: string): Promise<DecodedRecordBatch[]> {
    const p = (await c.fetch(topic, 0, 0, { version: 11 })).responses[0]!.partitions[0]!
    assert.equal(p.errorCode, ErrorCode.NONE)
    return decodeRecordBatches(p.records ?? Buffer.alloc(0))
  }

  const cases: [string, number, () => { bytes: Buffer; records: Seen[]; codec: CompressionType }][] = []
  for (const [version, name, codec] of [
    [0, 'v0-none', CompressionType.None],
    [0, 'v0-gzip', CompressionType.Gzip],
    [1, 'v0-none', CompressionType.None],
    [1, 'v0-gzip', CompressionType.Gzip],
    [2, 'v1-none', CompressionType.None],
    [2, 'v1-gzip', CompressionType.Gzip],
  ] as const) {
    cases.push([
      `Produce v${version}, kafka-python's ${name}`,
      version,
      () => ({
        bytes: fixtureBytes(name),
        codec,
        records: fixtureRecords(name).map((r) => ({
          offset: r.offset,
          timestamp: r.timestamp,
          key: str(r.key),
          value: str(r.value),
        })),
      }),
    ])
  }
  for (const codec of [CompressionType.Snappy, CompressionType.Lz4]) {
    for (const [version, magic] of [
      [0, 0],
      [2, 1],
    ] as const) {
      cases.push([
        `Produce v${version}, magic ${magic} ${compressionName(codec)}`,
        version,
        () => ({ ...ourMessageSet(magic, codec, 6), codec }),
      ])
    }
  }

  cases.forEach(([title, version, make], i) => {
    it(`${title}: stored as v2 batches, offsets continuing, codec and timestamps kept`, async () => {
      const topic = `legacy-produce-${i}`
      assert.equal((await c.createTopic(topic, 1)).topics[0]?.errorCode, ErrorCode.NONE)
      const { bytes, records, codec } = make()
      const first = await c.produce(topic, 0, bytes, { version, acks: 1 })
      assert.equal(first.errorCode, ErrorCode.NONE)
      assert.equal(first.baseOffset, 0)
      const second = await c.produce(topic, 0, bytes, { version, acks: 1 })
      assert.equal(second.errorCode, ErrorCode.NONE)
      assert.equal(second.baseOffset, records.length, 'the second message set continues the offsets')
      if (version >= 2) assert.equal(second.logAppendTimeMs, -1, 'CreateTime topic')
      const batches = await stored(topic)
      assert.equal(batches.length, 2, 'one v2 batch per produced message set')
      for (const b of batches) {
        assert.equal(b.magic, 2)
        assert.equal(b.compression, codec)
        assert.equal(b.timestampType, TimestampType.CreateTime)
        assert.equal(b.producerId, -1)
      }
      const n = records.length
      assert.deepEqual(seen(batches), [
        ...records.map((r, j) => ({ ...r, offset: j })),
        ...records.map((r, j) => ({ ...r, offset: n + j })),
      ])
    })
  })

  it('pipelined Produce requests on one connection land in request order while legacy sets are converted', async () => {
    const topic = 'legacy-pipelined'
    assert.equal((await c.createTopic(topic, 1)).topics[0]?.errorCode, ErrorCode.NONE)
    const legacy = (tag: string) =>
      encodeLegacyWrapper(
        1,
        CompressionType.Gzip,
        0,
        0,
        Array.from({ length: 200 }, (_, i) => ({
          offset: i,
          timestamp: 0,
          key: Buffer.from(tag),
          value: Buffer.from(`${tag} ${i} `.repeat(20)),
        })),
      )
    const modern = (tag: string) =>
      encodeRecordBatch({ records: [{ key: Buffer.from(tag), value: Buffer.from(tag), timestamp: 0 }] })
    const requests: [string, number, Buffer][] = [
      ['a', 2, legacy('a')],
      ['b', 9, modern('b')],
      ['c', 2, legacy('c')],
      ['d', 0, fixtureBytes('v0-none')],
      ['e', 9, modern('e')],
    ]
    // One write: the broker reads them together and starts each handler before the conversions finish.
    const ids = requests.map(() => c.correlationId())
    c.send(
      Buffer.concat(
        requests.map(([, version, records], i) =>
          requestFrame(ApiKey.Produce, version, ids[i]!, (w) =>
            encodeProduceRequest(w, version, produceRequest(topic, 0, records, 1)),
          ),
        ),
      ),
    )
    const baseOffsets: number[] = []
    for (const [i, [, version]] of requests.entries()) {
      const r = new Reader(await c.nextFrame())
      assert.equal(readResponseHeader(r, ApiKey.Produce, version), ids[i])
      const p = decodeProduceResponse(r, version).responses[0]!.partitionResponses[0]!
      assert.equal(p.errorCode, ErrorCode.NONE)
      baseOffsets.push(p.baseOffset)
    }
    assert.deepEqual(baseOffsets, [0, 200, 201, 401, 404], 'offsets follow the order of the requests')
    const keys = seen(await stored(topic)).map((r) => r.key)
    assert.deepEqual([keys[0], keys[200], keys[201], keys[404]], ['a', 'b', 'c', 'e'])
  })

  it('Produce v3+ refuses a legacy message set with INVALID_RECORD', async () => {
    assert.equal((await c.createTopic('legacy-v3', 1)).topics[0]?.errorCode, ErrorCode.NONE)
    const res = await c.produce('legacy-v3', 0, fixtureBytes('v1-none'), { version: 3, acks: 1 })
    assert.equal(res.errorCode, ErrorCode.INVALID_RECORD)
    assert.deepEqual(await stored('legacy-v3'), [])
  })
})

describe('Fetch v0-v3 down-conversion', () => {
  let broker: EmbeddedBroker
  let c: WireClient
  const TS = 1_700_000_000_000
  const CODECS = [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4]
  const expected: Seen[] = []
  before(async () => {
    broker = await startBroker()
    c = await WireClient.connect(broker.port)
    assert.equal((await c.createTopic('down', 1)).topics[0]?.errorCode, ErrorCode.NONE)
    let offset = 0
    for (const codec of CODECS) {
      const records = [0, 1, 2].map((i) => ({
        key: Buffer.from(`${compressionName(codec)}-${i}`),
        value: Buffer.from(`value ${i} `.repeat(20)),
        timestamp: TS + offset + i,
        headers: [{ key: 'h', value: Buffer.from('dropped for old fetchers') }],
      }))
      const res = await c.produce('down', 0, encodeRecordBatch({ compression: codec, records }), { acks: -1 })
      assert.equal(res.errorCode, ErrorCode.NONE)
      for (const r of records)
        expected.push({ offset: offset++, timestamp: r.timestamp, key: str(r.key), value: str(r.value) })
    }
  })
  after(async () => {
    c?.close()
    await broker?.close()
  })

  for (const version of [0, 1, 2, 3]) {
    const magic = version < 2 ? 0 : 1
    it(`Fetch v${version} gets magic ${magic} messages: same offsets, keys, values${magic === 1 ? ', timestamps' : ''}; a wrapper per compressed batch`, async () => {
      const p = (await c.fetch('down', 0, 0, { version })).responses[0]!.partitions[0]!
      assert.equal(p.errorCode, ErrorCode.NONE)
      assert.equal(p.highWatermark, expected.length)
      const entries = decodeRecordBatches(p.records ?? Buffer.alloc(0), { verifyCrc: true })
      assert.ok(entries.every((e) => e.magic === magic))
      assert.deepEqual(
        entries.map((e) => e.compression),
        [CompressionType.None, CompressionType.None, CompressionType.None, ...CODECS.slice(1)],
        'three plain messages, then one wrapper per compressed batch',
      )
      assert.deepEqual(
        seen(entries),
        expected.map((r) => ({ ...r, timestamp: magic === 0 ? -1 : r.timestamp })),
      )
      assert.ok(entries.flatMap((e) => e.records).every((r) => r.headers.length === 0))
    })
  }

  it('leaves out the records below the fetch offset of an uncompressed batch, as Kafka does', async () => {
    for (const version of [1, 3]) {
      const p = (await c.fetch('down', 0, 1, { version })).responses[0]!.partitions[0]!
      const offsets = seen(decodeRecordBatches(p.records ?? Buffer.alloc(0))).map((r) => r.offset)
      assert.deepEqual(offsets, [1, 2, ...expected.slice(3).map((r) => r.offset)], `Fetch v${version}`)
    }
  })

  it('a compressed batch fetched from its middle is sent whole, as one wrapper', async () => {
    const p = (await c.fetch('down', 0, 4, { version: 2 })).responses[0]!.partitions[0]!
    const entries = decodeRecordBatches(p.records ?? Buffer.alloc(0))
    assert.equal(entries[0]?.compression, CompressionType.Gzip)
    assert.deepEqual(
      entries[0]?.records.map((r) => r.offset),
      [3, 4, 5],
    )
  })
})

describe('message.downconversion.enable and zstd for Fetch v0-v3', () => {
  let broker: EmbeddedBroker
  let c: WireClient
  const batch = encodeRecordBatch({
    compression: CompressionType.Gzip,
    records: [{ key: Buffer.from('k'), value: Buffer.from('v'.repeat(100)), timestamp: 1_700_000_000_000 }],
  })
  before(async () => {
    broker = await startBroker()
    c = await WireClient.connect(broker.port)
    for (const [topic, configs] of [
      ['plain', {}],
      ['no-down', { 'message.downconversion.enable': 'false' }],
      ['keeps-down', { 'message.downconversion.enable': 'true' }],
      ['zstd-topic', { 'compression.type': 'zstd' }],
    ] as const) {
      assert.equal((await c.createTopic(topic, 1, { configs })).topics[0]?.errorCode, ErrorCode.NONE)
      assert.equal((await c.produce(topic, 0, batch, { acks: -1 })).errorCode, ErrorCode.NONE)
    }
  })
  after(async () => {
    c?.close()
    await broker?.close()
  })

  /** [error code, high watermark, number of messages] of partition 0 at Fetch `version`. */
  async function fetchAt(topic: string, version: number): Promise<[number, number, number]> {
    const p = (await c.fetch(topic, 0, 0, { version })).responses[0]!.partitions[0]!
    const messages = decodeRecordBatches(p.records ?? Buffer.alloc(0)).flatMap((b) => b.records).length
    return [p.errorCode, p.highWatermark, messages]
  }

  it('a topic with message.downconversion.enable=false answers Fetch v0-v3 with UNSUPPORTED_VERSION, v4+ with its data', async () => {
    for (const version of [0, 1, 2, 3])
      assert.deepEqual(await fetchAt('no-down', version), [ErrorCode.UNSUPPORTED_VERSION, -1, 0], `v${version}`)
    for (const version of [4, 12]) assert.deepEqual(await fetchAt('no-down', version), [ErrorCode.NONE, 1, 1])
    for (const version of [0, 3]) assert.deepEqual(await fetchAt('plain', version), [ErrorCode.NONE, 1, 1])
  })

  it('follows log.message.downconversion.enable, the broker default, unless the topic overrides it', async () => {
    const set = await incrementalAlterConfigs(c, 1, BROKER, '', [
      ['log.message.downconversion.enable', Op.Set, 'false'],
    ])
    assert.equal(set.errorCode, ErrorCode.NONE)
    assert.deepEqual(await fetchAt('plain', 1), [ErrorCode.UNSUPPORTED_VERSION, -1, 0])
    assert.deepEqual(await fetchAt('keeps-down', 1), [ErrorCode.NONE, 1, 1])
    const reset = await incrementalAlterConfigs(c, 1, BROKER, '', [
      ['log.message.downconversion.enable', Op.Delete, null],
    ])
    assert.equal(reset.errorCode, ErrorCode.NONE)
    assert.deepEqual(await fetchAt('plain', 1), [ErrorCode.NONE, 1, 1])
  })

  it('a topic override set at run time applies to the next fetch', async () => {
    const set = await incrementalAlterConfigs(c, 1, TOPIC, 'plain', [
      ['message.downconversion.enable', Op.Set, 'false'],
    ])
    assert.equal(set.errorCode, ErrorCode.NONE)
    assert.deepEqual(await fetchAt('plain', 2), [ErrorCode.UNSUPPORTED_VERSION, -1, 0])
    await incrementalAlterConfigs(c, 1, TOPIC, 'plain', [['message.downconversion.enable', Op.Delete, null]])
    assert.deepEqual(await fetchAt('plain', 2), [ErrorCode.NONE, 1, 1])
  })

  it('a topic with compression.type zstd answers Fetch v0-v9 with UNSUPPORTED_COMPRESSION_TYPE', async () => {
    for (const version of [0, 3, 4, 9])
      assert.deepEqual(await fetchAt('zstd-topic', version), [ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, -1, 0])
    assert.deepEqual(await fetchAt('zstd-topic', 10), [ErrorCode.NONE, 1, 1])
  })
})
