/**
 * Our client next to kafkajs on the same broker: keyed records land on the same partitions whichever
 * client produced them, and our consumer reads kafkajs' batches (headers, compression) unchanged.
 */
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { after, before, describe, it } from 'node:test'
import { Admin } from '../../src/client/admin.ts'
import { Producer } from '../../src/client/producer.ts'
import { type EmbeddedBroker, startBroker } from '../../src/server/embed.ts'
import { consumeAll } from './helpers.ts'

const require = createRequire(import.meta.url)

interface KafkajsProducer {
  connect(): Promise<void>
  disconnect(): Promise<void>
  send(record: {
    topic: string
    compression?: number
    messages: { key: string; value: string; headers?: Record<string, string> }[]
  }): Promise<unknown>
}
interface KafkajsAdmin {
  connect(): Promise<void>
  disconnect(): Promise<void>
  fetchTopicOffsets(topic: string): Promise<{ partition: number; high: string; low: string }[]>
}
const { Kafka, logLevel, CompressionTypes } = require('kafkajs') as {
  Kafka: new (config: {
    brokers: string[]
    clientId: string
    logLevel: number
  }) => { producer(): KafkajsProducer; admin(): KafkajsAdmin }
  logLevel: { NOTHING: number }
  CompressionTypes: { GZIP: number }
}

describe('interoperability with kafkajs', () => {
  let broker: EmbeddedBroker
  let admin: Admin

  before(async () => {
    broker = await startBroker()
    admin = new Admin({ bootstrapServers: broker.bootstrap })
    await admin.createTopics([
      { topic: 'from-kafkajs', numPartitions: 5 },
      { topic: 'from-samsa', numPartitions: 5 },
    ])
  })

  after(async () => {
    await admin.close()
    await broker.close()
  })

  it('places keys on the same partitions as kafkajs and reads its gzip batches with headers', async () => {
    const kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'interop', logLevel: logLevel.NOTHING })
    const messages = Array.from({ length: 100 }, (_, i) => ({
      key: `customer-${i}`,
      value: `order-${i}`,
      headers: { source: 'kafkajs', n: String(i) },
    }))
    const theirs = kafka.producer()
    await theirs.connect()
    try {
      await theirs.send({ topic: 'from-kafkajs', compression: CompressionTypes.GZIP, messages })
    } finally {
      await theirs.disconnect()
    }

    const ours = new Producer({ bootstrapServers: broker.bootstrap })
    let metadata: Awaited<ReturnType<Producer['send']>>
    try {
      metadata = await ours.send({ topic: 'from-samsa', messages: messages.map(({ key, value }) => ({ key, value })) })
    } finally {
      await ours.close()
    }

    const received = await consumeAll(broker.bootstrap, 'from-kafkajs', messages.length)
    const byKey = new Map(received.map((r) => [r.key?.toString(), r]))
    messages.forEach((m, i) => {
      const r = byKey.get(m.key)
      assert.ok(r !== undefined, m.key)
      assert.equal(r.value?.toString(), m.value)
      assert.deepEqual(
        r.headers.map((h) => [h.key, h.value?.toString()]),
        [
          ['source', 'kafkajs'],
          ['n', String(i)],
        ],
      )
      assert.equal(r.partition, metadata[i]!.partition, `partition of ${m.key}`)
    })

    // And kafkajs sees what we wrote.
    const theirAdmin = kafka.admin()
    await theirAdmin.connect()
    try {
      const offsets = await theirAdmin.fetchTopicOffsets('from-samsa')
      const total = offsets.reduce((sum, o) => sum + Number(o.high) - Number(o.low), 0)
      assert.equal(total, messages.length)
    } finally {
      await theirAdmin.disconnect()
    }
  })
})
