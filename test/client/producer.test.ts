import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Admin } from '../../src/client/admin.ts'
import { ClientClosedError, KafkaResponseError } from '../../src/client/errors.ts'
import { partitionForKey } from '../../src/client/partitioner.ts'
import { type CompressionName, Producer, type ProducerMessage } from '../../src/client/producer.ts'
import { CompressionType } from '../../src/protocol/records/compression/index.ts'
import { type EmbeddedBroker, startBroker } from '../../src/server/embed.ts'
import { consumeAll, fetchBatches, positionKey } from './helpers.ts'

const CODECS: readonly CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd']
const CODEC_IDS: Record<CompressionName, number> = {
  none: CompressionType.None,
  gzip: CompressionType.Gzip,
  snappy: CompressionType.Snappy,
  lz4: CompressionType.Lz4,
  zstd: CompressionType.Zstd,
}

/** Messages with keys, values of varying size (some repetitive, so codecs have work), and both header forms. */
function messages(count: number, base: number): ProducerMessage[] {
  return Array.from({ length: count }, (_, i) => {
    const value = `value-${i}-${'x'.repeat(i % 50)}`
    return i % 2 === 0
      ? {
          key: `key-${i % 17}`,
          value,
          timestamp: base + i,
          headers: { trace: `t${i}`, bin: Buffer.from([i & 0xff, 0]) },
        }
      : {
          key: Buffer.from(`key-${i % 17}`),
          value: Buffer.from(value),
          timestamp: base + i,
          headers: [
            { key: 'dup', value: 'one' },
            { key: 'dup', value: 'two' },
            { key: 'nil', value: null },
          ],
        }
  })
}

function expectedHeaders(m: ProducerMessage): { key: string; value: Buffer | null }[] {
  if (m.headers === undefined) return []
  const list = Array.isArray(m.headers)
    ? (m.headers as { key: string; value: string | Buffer | null }[])
    : Object.entries(m.headers as Record<string, string | Buffer>).map(([key, value]) => ({ key, value }))
  return list.map((h) => ({ key: h.key, value: h.value === null ? null : Buffer.from(h.value) }))
}

describe('Producer against an embedded broker', () => {
  let broker: EmbeddedBroker
  let admin: Admin

  before(async () => {
    broker = await startBroker()
    admin = new Admin({ bootstrapServers: broker.bootstrap })
  })

  after(async () => {
    await admin.close()
    await broker.close()
  })

  for (const codec of CODECS) {
    it(`produces keyed records with headers compressed with ${codec} and reads them back`, async () => {
      const topic = `codec-${codec}`
      await admin.createTopics([{ topic, numPartitions: 3 }])
      const producer = new Producer({ bootstrapServers: broker.bootstrap, compression: codec, lingerMs: 20 })
      const sent = messages(300, 1_700_000_000_000)
      try {
        // Two concurrent send() calls share batches.
        const [first, second] = await Promise.all([
          producer.send({ topic, messages: sent.slice(0, 150) }),
          producer.send({ topic, messages: sent.slice(150) }),
        ])
        const metadata = [...first, ...second]
        assert.equal(metadata.length, sent.length)
        const perPartition = new Map<number, number[]>()
        metadata.forEach((md, i) => {
          assert.equal(md.topic, topic)
          const key = sent[i]!.key!
          assert.equal(md.partition, partitionForKey(Buffer.from(key), 3), 'murmur2 partition')
          assert.equal(md.timestamp, sent[i]!.timestamp)
          perPartition.set(md.partition, [...(perPartition.get(md.partition) ?? []), md.offset])
        })
        for (const offsets of perPartition.values()) {
          assert.deepEqual(
            offsets,
            offsets.map((_, i) => i),
            'offsets within a partition are contiguous and in send order',
          )
        }

        const batches = await fetchBatches(producer.cluster, topic, metadata[0]!.partition)
        assert.ok(batches.length > 0)
        for (const b of batches) assert.equal(b.compression, CODEC_IDS[codec])

        const received = await consumeAll(broker.bootstrap, topic, sent.length)
        const byPosition = new Map(received.map((r) => [positionKey(r), r]))
        assert.equal(byPosition.size, sent.length)
        metadata.forEach((md, i) => {
          const r = byPosition.get(positionKey(md))
          const m = sent[i]!
          assert.ok(r !== undefined)
          assert.equal(r.topic, topic)
          assert.deepEqual(r.key, Buffer.from(m.key!))
          assert.deepEqual(r.value, Buffer.from(m.value!))
          assert.equal(r.timestamp, m.timestamp)
          assert.deepEqual(
            r.headers.map((h) => ({ key: h.key, value: h.value === null ? null : Buffer.from(h.value) })),
            expectedHeaders(m),
          )
        })
      } finally {
        await producer.close()
      }
    })
  }

  it('gathers the records of many send() calls into one batch per partition until lingerMs or flush()', async () => {
    const topic = 'linger'
    await admin.createTopics([{ topic, numPartitions: 1 }])
    const producer = new Producer({ bootstrapServers: broker.bootstrap, lingerMs: 3_600_000, batchBytes: 1 << 20 })
    try {
      // With the topic's metadata cached, each send() appends before its first await.
      await producer.cluster.refreshMetadata([topic])
      const sends = Array.from({ length: 100 }, (_, i) => producer.send({ topic, messages: [{ value: `m${i}` }] }))
      await producer.flush()
      const results = (await Promise.all(sends)).flat()
      assert.deepEqual(
        results.map((r) => r.offset),
        Array.from({ length: 100 }, (_, i) => i),
      )
      const batches = await fetchBatches(producer.cluster, topic, 0)
      assert.equal(batches.length, 1, 'one batch for the hundred send() calls')
      assert.equal(batches[0]!.recordCount, 100)
    } finally {
      await producer.close()
    }
  })

  it('closes a batch at batchBytes and keeps order across batches', async () => {
    const topic = 'batch-size'
    await admin.createTopics([{ topic, numPartitions: 1 }])
    const producer = new Producer({ bootstrapServers: broker.bootstrap, lingerMs: 0, batchBytes: 1000 })
    try {
      const value = Buffer.alloc(300, 1)
      const results = await producer.send({
        topic,
        messages: Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value, partition: 0 })),
      })
      assert.deepEqual(
        results.map((r) => r.offset),
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      )
      const batches = await fetchBatches(producer.cluster, topic, 0)
      assert.ok(batches.length >= 4, `expected the records split into batches, got ${batches.length}`)
      for (const b of batches) assert.ok(b.recordCount <= 3)
      // A record larger than batchBytes still goes, alone in its batch.
      const [big] = await producer.send({ topic, messages: [{ value: Buffer.alloc(5000), partition: 0 }] })
      assert.equal(big?.offset, 10)
    } finally {
      await producer.close()
    }
  })

  it('is idempotent by default: batches carry its producer id and consecutive sequences per partition', async () => {
    const topic = 'idempotent'
    await admin.createTopics([{ topic, numPartitions: 2 }])
    const producer = new Producer({ bootstrapServers: broker.bootstrap, lingerMs: 0, batchBytes: 200 })
    try {
      await Promise.all(
        Array.from({ length: 6 }, (_, n) =>
          producer.send({
            topic,
            messages: Array.from({ length: 3 }, (_, i) => ({ value: `${n}-${i}-${'x'.repeat(60)}`, partition: n % 2 })),
          }),
        ),
      )
      const ids = new Set<number>()
      for (const partition of [0, 1]) {
        const batches = await fetchBatches(producer.cluster, topic, partition)
        assert.ok(batches.length >= 2, `partition ${partition}: several batches`)
        let expected = 0
        for (const b of batches) {
          assert.ok(b.producerId >= 0, 'a producer id from InitProducerId')
          assert.equal(b.producerEpoch, 0)
          assert.equal(b.baseSequence, expected, `partition ${partition}: the sequence goes on from the last batch`)
          expected += b.recordCount
          ids.add(b.producerId)
        }
      }
      assert.equal(ids.size, 1, 'one producer id for both partitions')
      // Another producer gets another id; a plain acks=1 producer sends without one.
      const plain = new Producer({ bootstrapServers: broker.bootstrap, lingerMs: 0, acks: 1 })
      await plain.send({ topic, messages: [{ value: 'plain', partition: 0 }] })
      await plain.close()
      const last = (await fetchBatches(producer.cluster, topic, 0)).at(-1)
      assert.deepEqual([last?.producerId, last?.baseSequence], [-1, -1])
    } finally {
      await producer.close()
    }
  })

  it('refuses idempotence together with acks other than -1, as Kafka does', async () => {
    assert.throws(() => new Producer({ bootstrapServers: broker.bootstrap, idempotent: true, acks: 1 }), TypeError)
    const producer = new Producer({ bootstrapServers: broker.bootstrap, idempotent: true })
    try {
      await assert.rejects(producer.send({ topic: 'idempotent', acks: 0, messages: [{ value: 'x' }] }), TypeError)
    } finally {
      await producer.close()
    }
  })

  it('acks=0 resolves without offsets; acks=1 and acks=-1 return offsets', async () => {
    const topic = 'acks'
    await admin.createTopics([{ topic, numPartitions: 1 }])
    const producer = new Producer({ bootstrapServers: broker.bootstrap, lingerMs: 0 })
    try {
      const [leader] = await producer.send({ topic, acks: 1, messages: [{ value: 'a' }] })
      assert.equal(leader?.offset, 0)
      const none = await producer.send({ topic, acks: 0, messages: [{ value: 'b' }, { value: 'c' }] })
      assert.deepEqual(
        none.map((r) => r.offset),
        [-1, -1],
      )
      const [all] = await producer.send({ topic, acks: -1, messages: [{ value: 'd' }] })
      // The acks=0 batch went first on the same connection, so it is in the log before this one.
      assert.equal(all?.offset, 3)
    } finally {
      await producer.close()
    }
  })

  it('waits for a topic the broker auto-creates on first use', async () => {
    const producer = new Producer({ bootstrapServers: broker.bootstrap, lingerMs: 0 })
    try {
      const [md] = await producer.send({ topic: 'auto-created', messages: [{ key: 'k', value: 'v' }] })
      assert.equal(md?.offset, 0)
    } finally {
      await producer.close()
    }
  })

  it('fails with the Kafka error name when the broker rejects a batch (MESSAGE_TOO_LARGE)', async () => {
    const topic = 'too-large'
    await admin.createTopics([{ topic, numPartitions: 1, configs: { 'max.message.bytes': '1000' } }])
    const producer = new Producer({ bootstrapServers: broker.bootstrap, lingerMs: 0 })
    try {
      await assert.rejects(producer.send({ topic, messages: [{ value: Buffer.alloc(5000) }] }), (err: unknown) => {
        assert.ok(err instanceof KafkaResponseError)
        assert.equal(err.errorName, 'MESSAGE_TOO_LARGE')
        assert.equal(err.resource, topic)
        assert.equal(err.partition, 0)
        return true
      })
    } finally {
      await producer.close()
    }
  })

  it('rejects a partition the topic does not have, and sends after close()', async () => {
    const topic = 'two-partitions'
    await admin.createTopics([{ topic, numPartitions: 2 }])
    const producer = new Producer({ bootstrapServers: broker.bootstrap, retries: 1, retryBackoffMs: 1 })
    await assert.rejects(producer.send({ topic, messages: [{ value: 'v', partition: 5 }] }), (err: unknown) => {
      assert.ok(err instanceof KafkaResponseError)
      assert.equal(err.errorName, 'UNKNOWN_TOPIC_OR_PARTITION')
      return true
    })
    await producer.close()
    await assert.rejects(producer.send({ topic, messages: [{ value: 'v' }] }), ClientClosedError)
  })
})
