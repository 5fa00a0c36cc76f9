/**
 * What a Node test suite does: import startBroker from the package by name, point an unchanged Kafka
 * client at it, and close it. Uses the built package (npm test builds first).
 */
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { describe, it } from 'node:test'
import { Kafka, logLevel } from 'kafkajs'
import { startBroker } from 'samsa'

describe('startBroker (embedding)', () => {
  it('serves an unchanged kafkajs client on a free port and removes its temporary data on close', async () => {
    const broker = await startBroker({ config: { 'num.partitions': '2' } })
    try {
      assert.match(broker.bootstrap, /^127\.0\.0\.1:\d+$/)
      assert.notEqual(broker.port, 0)
      const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
      const producer = kafka.producer()
      await producer.connect()
      await producer.send({
        topic: 'embedded',
        messages: [
          { key: 'a', value: '1' },
          { key: 'b', value: '2' },
        ],
      })
      await producer.disconnect()
      const admin = kafka.admin()
      await admin.connect()
      const offsets = await admin.fetchTopicOffsets('embedded')
      await admin.disconnect()
      assert.equal(offsets.length, 2, 'auto-created with num.partitions=2')
      assert.equal(
        offsets.reduce((n, o) => n + Number(o.high), 0),
        2,
      )
    } finally {
      await broker.close()
    }
    assert.ok(!existsSync(broker.dataDir), 'temporary data directory removed')
  })

  it('keeps data in a given directory across restarts', async () => {
    const first = await startBroker()
    const dataDir = `${first.dataDir}-kept`
    await first.close()
    const a = await startBroker({ dataDir })
    const kafka = new Kafka({ brokers: [a.bootstrap], logLevel: logLevel.NOTHING })
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({ topic: 'kept', messages: [{ value: 'x' }, { value: 'y' }] })
    await producer.disconnect()
    await a.close()
    assert.ok(existsSync(dataDir))
    const b = await startBroker({ dataDir })
    try {
      const admin = new Kafka({ brokers: [b.bootstrap], logLevel: logLevel.NOTHING }).admin()
      await admin.connect()
      const [offset] = await admin.fetchTopicOffsets('kept')
      await admin.disconnect()
      assert.equal(offset?.high, '2')
    } finally {
      await b.close()
      const { rm } = await import('node:fs/promises')
      await rm(dataDir, { recursive: true, force: true })
    }
  })
})
