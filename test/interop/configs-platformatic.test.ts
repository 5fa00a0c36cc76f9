/**
 * The newer config APIs through a third-party client: @platformatic/kafka 1.35.0's admin sends
 * IncrementalAlterConfigs v1 (SET, APPEND, SUBTRACT, DELETE) and DescribeConfigs v4 (synonyms, config
 * types, documentation), which kafkajs, kafka-python and confluent-kafka-python 1.7 never use. Topic
 * configs and a dynamic broker config are changed, described as Kafka describes them, and their effect is
 * seen by the same client's producer (MESSAGE_TOO_LARGE from max.message.bytes and message.max.bytes)
 * and admin (retention moving the earliest offset).
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type * as Platformatic from '@platformatic/kafka'
import { type EmbeddedBroker, startBroker } from '../../src/server/embed.ts'

const platformatic = await import('@platformatic/kafka').catch(() => null)
const missing = platformatic === null ? '@platformatic/kafka not installed' : null
if (missing !== null) console.warn(`SKIPPED: ${missing}`)

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Every Kafka error id (MESSAGE_TOO_LARGE...) inside a platformatic error and its nested errors. */
function errorIds(err: unknown): string[] {
  if (typeof err !== 'object' || err === null) return []
  const e = err as { apiId?: unknown; errors?: unknown; cause?: unknown }
  const own = typeof e.apiId === 'string' ? [e.apiId] : []
  const nested = Array.isArray(e.errors) ? e.errors.flatMap(errorIds) : []
  return [...own, ...nested, ...errorIds(e.cause)]
}

type Described = Platformatic.ConfigDescription['configs'][number]
type AlterConfig = Platformatic.IncrementalAlterConfigsOptions['resources'][number]['configs'][number]

describe('@platformatic/kafka config admin', { skip: missing ?? false }, () => {
  let broker: EmbeddedBroker
  let pk: typeof Platformatic
  let admin: Platformatic.Admin
  let producer: Platformatic.Producer<string, string, string, string>
  before(async () => {
    pk = platformatic!
    broker = await startBroker({
      config: { 'log.retention.check.interval.ms': '200', 'log.initial.task.delay.ms': '0' },
    })
    const bootstrapBrokers = [broker.bootstrap]
    admin = new pk.Admin({ clientId: 'samsa-configs', bootstrapBrokers })
    producer = new pk.Producer({
      clientId: 'samsa-configs',
      bootstrapBrokers,
      serializers: pk.stringSerializers,
      retries: 0,
    })
    await admin.createTopics({ topics: ['cfg', 'plain', 'short'], partitions: 1, replicas: 1 })
  })
  after(async () => {
    await producer?.close()
    await admin?.close()
    await broker?.close()
  })

  const { TOPIC, BROKER } = { TOPIC: 2, BROKER: 4 } as const
  const Op = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const
  const Source = { TOPIC_CONFIG: 1, DYNAMIC_BROKER_CONFIG: 2, DEFAULT_CONFIG: 5 } as const
  const Type = { INT: 3, LONG: 5, LIST: 7 } as const

  async function alter(resourceType: 2 | 4, resourceName: string, configs: AlterConfig[]): Promise<void> {
    await admin.incrementalAlterConfigs({ resources: [{ resourceType, resourceName, configs }] })
  }

  async function describeOne(
    resourceType: 2 | 4,
    resourceName: string,
    keys: string[],
  ): Promise<Map<string, Described>> {
    const [result] = await admin.describeConfigs({
      resources: [{ resourceType, resourceName, configurationKeys: keys }],
      includeSynonyms: true,
      includeDocumentation: true,
    })
    assert.ok(result !== undefined)
    return new Map(result.configs.map((c) => [c.name, c]))
  }

  async function send(topic: string, bytes: number): Promise<string[]> {
    try {
      await producer.send({ messages: [{ topic, key: 'k', value: 'x'.repeat(bytes) }] })
      return []
    } catch (err) {
      return errorIds(err)
    }
  }

  it('SET, APPEND, SUBTRACT and DELETE topic configs; DescribeConfigs v4 shows them; max.message.bytes applies', async () => {
    await alter(TOPIC, 'cfg', [
      { name: 'max.message.bytes', configOperation: Op.SET, value: '2000' },
      { name: 'cleanup.policy', configOperation: Op.APPEND, value: 'compact' },
      { name: 'retention.ms', configOperation: Op.SET, value: '3600000' },
    ])
    let d = await describeOne(TOPIC, 'cfg', ['max.message.bytes', 'cleanup.policy', 'retention.ms', 'segment.bytes'])
    const max = d.get('max.message.bytes')!
    assert.deepEqual(
      [max.value, max.configSource, max.configType, max.readOnly, max.isSensitive],
      ['2000', Source.TOPIC_CONFIG, Type.INT, false, false],
    )
    assert.deepEqual(
      max.synonyms.map((s) => [s.name, s.value, s.source]),
      [
        ['max.message.bytes', '2000', Source.TOPIC_CONFIG],
        ['message.max.bytes', '1048588', Source.DEFAULT_CONFIG],
      ],
    )
    assert.match(max.documentation ?? '', /record batch size/)
    const policy = d.get('cleanup.policy')!
    assert.deepEqual(
      [policy.value, policy.configSource, policy.configType],
      ['delete,compact', Source.TOPIC_CONFIG, Type.LIST],
    )
    const retention = d.get('retention.ms')!
    assert.deepEqual([retention.value, retention.configType], ['3600000', Type.LONG])
    const segment = d.get('segment.bytes')!
    assert.deepEqual([segment.value, segment.configSource], ['1073741824', Source.DEFAULT_CONFIG])

    // Compacted now: records need keys, and the batch is over 2000 bytes.
    assert.deepEqual(await send('cfg', 3000), ['MESSAGE_TOO_LARGE'])
    assert.deepEqual(await send('cfg', 500), [])

    await alter(TOPIC, 'cfg', [
      { name: 'cleanup.policy', configOperation: Op.SUBTRACT, value: 'delete' },
      { name: 'max.message.bytes', configOperation: Op.DELETE },
    ])
    d = await describeOne(TOPIC, 'cfg', ['max.message.bytes', 'cleanup.policy'])
    assert.deepEqual(
      [d.get('cleanup.policy')?.value, d.get('cleanup.policy')?.configSource],
      ['compact', Source.TOPIC_CONFIG],
    )
    assert.deepEqual(
      [d.get('max.message.bytes')?.value, d.get('max.message.bytes')?.configSource],
      ['1048588', Source.DEFAULT_CONFIG],
    )
    assert.deepEqual(await send('cfg', 3000), [])
  })

  it('retention set through IncrementalAlterConfigs deletes old segments', { timeout: 60_000 }, async () => {
    await alter(TOPIC, 'short', [
      { name: 'segment.bytes', configOperation: Op.SET, value: '1024' },
      { name: 'retention.ms', configOperation: Op.SET, value: '1' },
    ])
    for (let i = 0; i < 12; i++) assert.deepEqual(await send('short', 400), [])
    const earliest = async (): Promise<bigint> => {
      const [topic] = await admin.listOffsets({
        topics: [{ name: 'short', partitions: [{ partitionIndex: 0, timestamp: -2n }] }],
      })
      return topic?.partitions[0]?.offset ?? -1n
    }
    const deadline = Date.now() + 30_000
    while ((await earliest()) === 0n) {
      assert.ok(Date.now() < deadline, 'retention never moved the log start offset')
      await sleep(100)
    }
    assert.ok((await earliest()) >= 10n, 'every closed segment is gone')
  })

  it('a dynamic broker config: SET, APPEND, SUBTRACT, DELETE on broker 1, seen by topics without overrides', async () => {
    await alter(BROKER, '1', [
      { name: 'message.max.bytes', configOperation: Op.SET, value: '2500' },
      { name: 'log.cleanup.policy', configOperation: Op.APPEND, value: 'compact' },
    ])
    const b = await describeOne(BROKER, '1', ['message.max.bytes', 'log.cleanup.policy'])
    const max = b.get('message.max.bytes')!
    assert.deepEqual(
      [max.value, max.configSource, max.readOnly, max.configType],
      ['2500', Source.DYNAMIC_BROKER_CONFIG, false, Type.INT],
    )
    assert.deepEqual(
      max.synonyms.map((s) => [s.name, s.value, s.source]),
      [
        ['message.max.bytes', '2500', Source.DYNAMIC_BROKER_CONFIG],
        ['message.max.bytes', '1048588', Source.DEFAULT_CONFIG],
      ],
    )
    assert.equal(b.get('log.cleanup.policy')?.value, 'delete,compact')
    let t = await describeOne(TOPIC, 'plain', ['max.message.bytes', 'cleanup.policy'])
    assert.deepEqual(
      [t.get('max.message.bytes')?.value, t.get('max.message.bytes')?.configSource],
      ['2500', Source.DYNAMIC_BROKER_CONFIG],
    )
    assert.deepEqual(
      [t.get('cleanup.policy')?.value, t.get('cleanup.policy')?.configSource],
      ['delete,compact', Source.DYNAMIC_BROKER_CONFIG],
    )
    assert.deepEqual(await send('plain', 3000), ['MESSAGE_TOO_LARGE'])

    await alter(BROKER, '1', [{ name: 'log.cleanup.policy', configOperation: Op.SUBTRACT, value: 'delete' }])
    t = await describeOne(TOPIC, 'plain', ['cleanup.policy'])
    assert.equal(t.get('cleanup.policy')?.value, 'compact')

    await alter(BROKER, '1', [
      { name: 'message.max.bytes', configOperation: Op.DELETE },
      { name: 'log.cleanup.policy', configOperation: Op.DELETE },
    ])
    t = await describeOne(TOPIC, 'plain', ['max.message.bytes', 'cleanup.policy'])
    assert.deepEqual(
      [t.get('max.message.bytes')?.value, t.get('max.message.bytes')?.configSource],
      ['1048588', Source.DEFAULT_CONFIG],
    )
    assert.equal(t.get('cleanup.policy')?.value, 'delete')
    assert.deepEqual(await send('plain', 3000), [])
  })
})
