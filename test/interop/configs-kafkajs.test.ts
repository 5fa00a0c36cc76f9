/**
 * kafkajs 2.2.4's admin alters and describes topic and broker configs (AlterConfigs, DescribeConfigs) and
 * sees the effect with its own producer and consumer: max.message.bytes refuses a larger batch with
 * MESSAGE_TOO_LARGE, cleanup.policy=compact refuses a record without a key, retention.ms removes old
 * segments (the broker's retention pass, marked by its log line), dynamic broker defaults reach topics.
 * DeleteRecords through its admin moves the low watermark; a consumer group committed below it gets
 * OFFSET_OUT_OF_RANGE and resets to the earliest offset as auto.offset.reset says.
 */
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { after, before, describe, it } from 'node:test'
import type * as KafkaJs from 'kafkajs'
import { createLogger } from '../../src/common/log.ts'
import { type EmbeddedBroker, startBroker } from '../../src/server/embed.ts'
import { LogWatch } from '../helpers/log-watch.ts'

const require = createRequire(import.meta.url)
const kafkajs = require('kafkajs') as typeof KafkaJs
const { ConfigResourceTypes, ConfigSource } = kafkajs as unknown as {
  ConfigResourceTypes: { TOPIC: number; BROKER: number }
  ConfigSource: Record<string, number>
}

describe('configs through kafkajs', () => {
  let broker: EmbeddedBroker
  const logs = new LogWatch()
  let kafka: KafkaJs.Kafka
  let admin: KafkaJs.Admin

  before(async () => {
    broker = await startBroker({
      config: { 'log.retention.check.interval.ms': '100', 'log.initial.task.delay.ms': '0' },
      logger: createLogger({ level: 'info', destination: logs.sink }),
    })
    kafka = new kafkajs.Kafka({ brokers: [broker.bootstrap], logLevel: kafkajs.logLevel.NOTHING, clientId: 'configs' })
    admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({
      waitForLeaders: true,
      topics: ['sizes', 'policy', 'aging', 'defaults', 'trimmed'].map((topic) => ({
        topic,
        numPartitions: 1,
        configEntries: topic === 'aging' ? [{ name: 'segment.bytes', value: '1024' }] : [],
      })),
    })
  })
  after(async () => {
    await admin.disconnect()
    await broker.close()
  })

  async function describeTopic(topic: string, names: string[]) {
    const d = await admin.describeConfigs({
      includeSynonyms: true,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: names }],
    })
    return new Map(d.resources[0]!.configEntries.map((e) => [e.configName, e]))
  }

  it('alters max.message.bytes; the producer then gets MESSAGE_TOO_LARGE for a larger batch', async () => {
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: 'sizes',
          configEntries: [{ name: 'max.message.bytes', value: '600' }],
        },
      ],
    })
    const d = await describeTopic('sizes', ['max.message.bytes'])
    assert.equal(d.get('max.message.bytes')?.configValue, '600')
    assert.equal(d.get('max.message.bytes')?.configSource, ConfigSource['TOPIC_CONFIG'])
    const producer = kafka.producer({ retry: { retries: 0 } })
    await producer.connect()
    await producer.send({ topic: 'sizes', messages: [{ key: 'k', value: 'small' }] })
    await assert.rejects(
      producer.send({ topic: 'sizes', messages: [{ key: 'k', value: 'x'.repeat(2000) }] }),
      (e: Error) => /larger than the max message size/.test(e.message),
    )
    await producer.disconnect()
  })

  it('validate_only and invalid values change nothing', async () => {
    await admin.alterConfigs({
      validateOnly: true,
      resources: [
        { type: ConfigResourceTypes.TOPIC, name: 'sizes', configEntries: [{ name: 'max.message.bytes', value: '99' }] },
      ],
    })
    assert.equal((await describeTopic('sizes', ['max.message.bytes'])).get('max.message.bytes')?.configValue, '600')
    await assert.rejects(
      admin.alterConfigs({
        validateOnly: false,
        resources: [
          { type: ConfigResourceTypes.TOPIC, name: 'sizes', configEntries: [{ name: 'retention.ms', value: 'soon' }] },
        ],
      }),
      (e: Error & { type?: string }) => e.type === 'INVALID_CONFIG',
    )
  })

  it('alters cleanup.policy to compact; a record without a key is then refused (INVALID_RECORD)', async () => {
    const producer = kafka.producer({ retry: { retries: 0 } })
    await producer.connect()
    await producer.send({ topic: 'policy', messages: [{ value: 'keyless is fine with delete' }] })
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: 'policy',
          configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
        },
      ],
    })
    await assert.rejects(
      producer.send({ topic: 'policy', messages: [{ value: 'no key' }] }),
      (e: Error & { type?: string }) => /INVALID_RECORD|invalid record/i.test(`${e.type} ${e.message}`),
    )
    await producer.send({ topic: 'policy', messages: [{ key: 'k', value: 'keyed' }] })
    await producer.disconnect()
  })

  it('alters retention.ms; the retention pass then deletes the old segments', async () => {
    const producer = kafka.producer()
    await producer.connect()
    for (let i = 0; i < 20; i++) {
      await producer.send({
        topic: 'aging',
        messages: [{ key: `k${i}`, value: 'v'.repeat(200), timestamp: String(Date.now() - 3_600_000) }],
      })
    }
    await producer.disconnect()
    assert.equal((await admin.fetchTopicOffsets('aging'))[0]?.low, '0')
    const deleted = logs.next((l) => l['msg'] === 'deleting log segments' && l['topic'] === 'aging')
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: 'aging',
          configEntries: [
            { name: 'retention.ms', value: '60000' },
            { name: 'segment.bytes', value: '1024' },
          ],
        },
      ],
    })
    await deleted
    const [offsets] = await admin.fetchTopicOffsets('aging')
    assert.ok(Number(offsets?.low) > 0, `low watermark ${offsets?.low}`)
  })

  it('alters dynamic broker configs; topics without an override follow them', async () => {
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.BROKER,
          name: '1',
          configEntries: [{ name: 'log.retention.ms', value: '7200000' }],
        },
      ],
    })
    const b = await admin.describeConfigs({
      includeSynonyms: true,
      resources: [{ type: ConfigResourceTypes.BROKER, name: '1', configNames: ['log.retention.ms'] }],
    })
    const entry = b.resources[0]!.configEntries[0]!
    assert.deepEqual([entry.configValue, entry.configSource], ['7200000', ConfigSource['DYNAMIC_BROKER_CONFIG']])
    const t = (await describeTopic('defaults', ['retention.ms'])).get('retention.ms')!
    assert.deepEqual([t.configValue, t.configSource], ['7200000', ConfigSource['DYNAMIC_BROKER_CONFIG']])
    assert.equal(t.configSynonyms[0]?.configName, 'log.retention.ms')
  })

  it('deletes records; a group committed below the low watermark resets to the earliest offset', async () => {
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({
      topic: 'trimmed',
      messages: Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
    })
    await producer.disconnect()
    await admin.setOffsets({
      groupId: 'trimmed-readers',
      topic: 'trimmed',
      partitions: [{ partition: 0, offset: '3' }],
    })
    await admin.deleteTopicRecords({ topic: 'trimmed', partitions: [{ partition: 0, offset: '12' }] })
    assert.equal((await admin.fetchTopicOffsets('trimmed'))[0]?.low, '12')
    const consumer = kafka.consumer({ groupId: 'trimmed-readers' })
    await consumer.connect()
    await consumer.subscribe({ topic: 'trimmed', fromBeginning: true })
    const first = await new Promise<string>((resolve, reject) => {
      consumer.run({ eachMessage: async ({ message }) => resolve(message.offset) }).catch(reject)
    })
    await consumer.disconnect()
    assert.equal(first, '12')
  })
})
