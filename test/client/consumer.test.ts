import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Admin } from '../../src/client/admin.ts'
import { Consumer, type ConsumerRecord } from '../../src/client/consumer.ts'
import { KafkaResponseError } from '../../src/client/errors.ts'
import { Producer } from '../../src/client/producer.ts'
import { type EmbeddedBroker, startBroker } from '../../src/server/embed.ts'

const BASE_MS = 1_700_000_000_000

/** Polls until `count` records arrived (the broker answers as soon as data exists). */
async function pollCount(consumer: Consumer, count: number): Promise<ConsumerRecord[]> {
  const out: ConsumerRecord[] = []
  while (out.length < count) for (const r of await consumer.poll({ maxWaitMs: 5000 })) out.push(r)
  return out
}

describe('Consumer against an embedded broker', () => {
  let broker: EmbeddedBroker
  let admin: Admin
  let producer: Producer
  const topic = 'consume'

  before(async () => {
    broker = await startBroker()
    admin = new Admin({ bootstrapServers: broker.bootstrap })
    producer = new Producer({ bootstrapServers: broker.bootstrap, lingerMs: 0 })
    await admin.createTopics([{ topic, numPartitions: 2 }])
    // Partition 0: offsets 0-9 with timestamps BASE + 0, 1000, ..., 9000. Partition 1: 5 records.
    await producer.send({
      topic,
      messages: Array.from({ length: 10 }, (_, i) => ({
        value: `p0-${i}`,
        partition: 0,
        timestamp: BASE_MS + i * 1000,
      })),
    })
    await producer.send({
      topic,
      messages: Array.from({ length: 5 }, (_, i) => ({ value: `p1-${i}`, partition: 1, timestamp: BASE_MS })),
    })
  })

  after(async () => {
    await producer.close()
    await admin.close()
    await broker.close()
  })

  function consumer(options: Partial<ConstructorParameters<typeof Consumer>[0]> = {}): Consumer {
    return new Consumer({ bootstrapServers: broker.bootstrap, maxWaitMs: 100, ...options })
  }

  it('starts at an offset, earliest, or a timestamp, and tracks the position', async () => {
    const c = consumer()
    try {
      c.assign([
        { topic, partition: 0, offset: 7 },
        { topic, partition: 1, offset: 'earliest' },
      ])
      assert.equal(c.position(topic, 0), 7)
      assert.equal(c.position(topic, 1), null, 'resolved by ListOffsets')
      const records = await pollCount(c, 8)
      const p0 = records.filter((r) => r.partition === 0)
      const p1 = records.filter((r) => r.partition === 1)
      assert.deepEqual(
        p0.map((r) => [r.offset, r.value?.toString()]),
        [
          [7, 'p0-7'],
          [8, 'p0-8'],
          [9, 'p0-9'],
        ],
      )
      assert.deepEqual(
        p1.map((r) => r.offset),
        [0, 1, 2, 3, 4],
      )
      assert.equal(p0[0]!.timestamp, BASE_MS + 7000)
      assert.equal(c.position(topic, 0), 10)
      assert.equal(c.position(topic, 1), 5)
      assert.equal(c.highWatermark(topic, 0), 10)

      c.assign([{ topic, partition: 0, offset: { timestamp: BASE_MS + 4500 } }])
      assert.deepEqual(c.assignment(), [{ topic, partition: 0 }])
      const fromTime = await pollCount(c, 5)
      assert.deepEqual(
        fromTime.map((r) => r.offset),
        [5, 6, 7, 8, 9],
      )
    } finally {
      await c.close()
    }
  })

  it("starts at the end with 'latest' (the default) and sees only new records", async () => {
    const c = consumer()
    try {
      c.assign([{ topic, partition: 1 }])
      // Nothing new yet: poll without waiting returns nothing, and the position is the log end.
      while (c.position(topic, 1) === null) await c.poll({ maxWaitMs: 50 })
      assert.equal(c.position(topic, 1), 5)
      const [md] = await producer.send({ topic, messages: [{ value: 'new', partition: 1 }] })
      const [r] = await pollCount(c, 1)
      assert.equal(r?.offset, md?.offset)
      assert.equal(r?.value?.toString(), 'new')
    } finally {
      await c.close()
    }
  })

  it('seek() moves the position and drops what was fetched for the old one', async () => {
    const c = consumer()
    try {
      await c.assignAll(topic, 'earliest')
      const first = await c.poll({ maxWaitMs: 5000 })
      assert.ok(first.length > 0)
      c.seek(topic, 0, 2)
      c.seek(topic, 1, 'latest')
      assert.equal(c.position(topic, 0), 2)
      const records = await pollCount(c, 8)
      assert.deepEqual(
        records.filter((r) => r.partition === 0).map((r) => r.offset),
        [2, 3, 4, 5, 6, 7, 8, 9],
      )
      assert.throws(() => c.seek('other', 0, 0), /not assigned/)
    } finally {
      await c.close()
    }
  })

  it("throws OFFSET_OUT_OF_RANGE from poll() with autoOffsetReset 'none'", async () => {
    const c = consumer({ autoOffsetReset: 'none' })
    try {
      c.assign([{ topic, partition: 0, offset: 1000 }])
      await assert.rejects(
        (async () => {
          for (;;) await c.poll({ maxWaitMs: 1000 })
        })(),
        (err: unknown) => {
          assert.ok(err instanceof KafkaResponseError)
          assert.equal(err.errorName, 'OFFSET_OUT_OF_RANGE')
          assert.equal(err.resource, topic)
          assert.equal(err.partition, 0)
          return true
        },
      )
    } finally {
      await c.close()
    }
  })

  it("resets an out-of-range position with autoOffsetReset 'earliest'", async () => {
    const c = consumer({ autoOffsetReset: 'earliest' })
    try {
      c.assign([{ topic, partition: 0, offset: 1000 }])
      const records = await pollCount(c, 10)
      assert.deepEqual(
        records.map((r) => r.offset),
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      )
    } finally {
      await c.close()
    }
  })

  it('iterates with for await until close()', async () => {
    const c = consumer()
    await c.assignAll(topic, 'earliest')
    let seen = 0
    for await (const batch of c) {
      assert.ok(batch.length > 0)
      seen += batch.length
      if (seen >= 15) await c.close()
    }
    assert.ok(seen >= 15)
    assert.deepEqual(await c.poll(), [])
  })

  it('reads compressed batches and starts in the middle of one', async () => {
    const t = 'consume-compressed'
    await admin.createTopics([{ topic: t, numPartitions: 1 }])
    const p = new Producer({ bootstrapServers: broker.bootstrap, compression: 'lz4', lingerMs: 0 })
    try {
      await p.send({ topic: t, messages: Array.from({ length: 20 }, (_, i) => ({ value: `c${i}` })) })
    } finally {
      await p.close()
    }
    const c = consumer()
    try {
      // Offset 13 is inside the single 20-record batch: records before it are skipped.
      c.assign([{ topic: t, partition: 0, offset: 13 }])
      const records = await pollCount(c, 7)
      assert.deepEqual(
        records.map((r) => r.value?.toString()),
        ['c13', 'c14', 'c15', 'c16', 'c17', 'c18', 'c19'],
      )
      assert.equal(c.position(t, 0), 20)
    } finally {
      await c.close()
    }
  })

  it('receives batches larger than maxPartitionBytes on every partition', async () => {
    const t = 'consume-large'
    await admin.createTopics([{ topic: t, numPartitions: 3 }])
    const big = Buffer.alloc(200_000, 3)
    const p = new Producer({ bootstrapServers: broker.bootstrap, lingerMs: 0 })
    try {
      for (let part = 0; part < 3; part++) {
        await p.send({ topic: t, messages: [0, 1].map(() => ({ value: big, partition: part })) })
      }
    } finally {
      await p.close()
    }
    const c = consumer({ maxPartitionBytes: 1024, maxBytes: 4096 })
    try {
      await c.assignAll(t, 'earliest')
      const records = await pollCount(c, 6)
      assert.deepEqual(records.map((r) => `${r.partition}:${r.offset}`).sort(), [
        '0:0',
        '0:1',
        '1:0',
        '1:1',
        '2:0',
        '2:1',
      ])
      for (const r of records) assert.equal(r.value?.length, big.length)
    } finally {
      await c.close()
    }
  })

  it('consumes many records across partitions without loss or duplicates', async () => {
    const t = 'consume-many'
    const count = 20_000
    await admin.createTopics([{ topic: t, numPartitions: 4 }])
    const p = new Producer({ bootstrapServers: broker.bootstrap, compression: 'snappy' })
    try {
      const value = Buffer.alloc(100, 7)
      const sends = []
      for (let i = 0; i < count; i += 1000) {
        sends.push(
          p.send({
            topic: t,
            messages: Array.from({ length: 1000 }, (_, j) => ({ key: `k${i + j}`, value })),
          }),
        )
      }
      await Promise.all(sends)
    } finally {
      await p.close()
    }
    const c = consumer({ maxPartitionBytes: 64 * 1024 })
    try {
      await c.assignAll(t, 'earliest')
      const records = await pollCount(c, count)
      assert.equal(records.length, count)
      const keys = new Set(records.map((r) => r.key?.toString()))
      assert.equal(keys.size, count)
      for (let part = 0; part < 4; part++) {
        const offsets = records.filter((r) => r.partition === part).map((r) => r.offset)
        assert.deepEqual(
          offsets,
          offsets.map((_, i) => i),
        )
      }
    } finally {
      await c.close()
    }
  })
})
