/**
 * What a Node test suite does: import startBroker from the package by name, point an unchanged Kafka
 * client at it, and close it. Uses the built package (npm test builds first).
 */
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { describe, it } from 'node:test'
import { Kafka, logLevel } from 'kafkajs'
import { startBroker } from 'samsa'
import { run } from '../helpers/interop.ts'

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

  it('lets the embedding process exit on its own after close, also when zstd recompression started worker threads', async () => {
    const url = (path: string): string => JSON.stringify(new URL(path, import.meta.url).href)
    const script = `
      import { startBroker } from 'samsa'
      const { WireClient, readPartition } = await import(${url('../helpers/kafka-wire.ts')})
      const { encodeRecordBatch } = await import(${url('../../src/protocol/records/records.ts')})
      const broker = await startBroker()
      const c = await WireClient.connect(broker.port)
      await c.createTopic('z', 1, { configs: { 'compression.type': 'zstd' } })
      const batch = encodeRecordBatch({ records: [{ key: null, value: Buffer.alloc(5000, 'v'), timestamp: Date.now() }] })
      const res = await c.produce('z', 0, batch)
      c.close()
      const stored = await readPartition(broker.port, 'z', 0)
      await broker.close()
      console.log(JSON.stringify({ error: res.errorCode, codecs: stored.records.map((r) => r.compression) }))
    `
    // run() rejects unless the child exits 0 by itself; it is killed after 60 s otherwise.
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], '', 60_000)
    assert.deepEqual(JSON.parse(stdout), { error: 0, codecs: [4] }, 'the uncompressed batch was stored as zstd')
  })
})
