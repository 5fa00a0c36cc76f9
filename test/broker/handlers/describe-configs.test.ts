/**
 * DescribeConfigs synonyms for properties with unit variants, as Kafka's ConfigHelper builds them: the
 * layers of a property and of its DynamicBrokerConfig.brokerConfigSynonyms (log.retention.ms/minutes/hours,
 * log.roll.ms/hours, log.roll.jitter.ms/hours, log.flush.interval.ms/log.flush.scheduler.interval.ms),
 * layer by layer, from the property's own first entry on; the source is the first synonym's, or
 * DEFAULT_CONFIG when none is left. A topic config lists its override first, then its first server
 * property's synonyms.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type EmbeddedBroker, startBroker } from '../../../src/server/embed.ts'
import { WireClient } from '../../helpers/kafka-wire.ts'
import { BROKER, describeConfigs, incrementalAlterConfigs, Op, TOPIC } from './config-wire.ts'

const TOPIC_CONFIG = 1
const DYNAMIC_DEFAULT = 3
const STATIC = 4
const DEFAULT = 5

type Synonym = [string, string | null, number]

async function entry(
  c: WireClient,
  type: number,
  name: string,
  key: string,
): Promise<{ value: string | null; source: number; synonyms: Synonym[] }> {
  const e = (await describeConfigs(c, type, name, [key])).get(key)
  assert.ok(e !== undefined, `${key} described`)
  return { value: e.value, source: e.configSource, synonyms: e.synonyms.map((s) => [s.name, s.value, s.source]) }
}

describe('DescribeConfigs synonyms of properties with unit variants', () => {
  let broker: EmbeddedBroker
  let c: WireClient
  before(async () => {
    broker = await startBroker({ config: { 'log.retention.hours': '24', 'log.roll.ms': '3600000' } })
    c = await WireClient.connect(broker.port)
    assert.equal((await c.createTopic('plain', 1)).topics[0]?.errorCode, 0)
    const configs = { 'retention.ms': '1000' }
    assert.equal((await c.createTopic('overridden', 1, { configs })).topics[0]?.errorCode, 0)
  })
  after(async () => {
    c?.close()
    await broker?.close()
  })

  it('a topic: log.retention.hours alone leaves retention.ms without synonyms, from DEFAULT_CONFIG', async () => {
    assert.deepEqual(await entry(c, TOPIC, 'plain', 'retention.ms'), {
      value: '86400000',
      source: DEFAULT,
      synonyms: [],
    })
    assert.deepEqual(await entry(c, TOPIC, 'overridden', 'retention.ms'), {
      value: '1000',
      source: TOPIC_CONFIG,
      synonyms: [['retention.ms', '1000', TOPIC_CONFIG]],
    })
    // log.roll.ms is set: it heads the list, and log.roll.hours' default follows it.
    assert.deepEqual(await entry(c, TOPIC, 'plain', 'segment.ms'), {
      value: '3600000',
      source: STATIC,
      synonyms: [
        ['log.roll.ms', '3600000', STATIC],
        ['log.roll.hours', '168', DEFAULT],
      ],
    })
    for (const [key, value] of [
      ['segment.jitter.ms', '0'],
      ['flush.ms', '9223372036854775807'],
    ]) {
      assert.deepEqual(await entry(c, TOPIC, 'plain', key!), { value, source: DEFAULT, synonyms: [] }, key)
    }
    assert.deepEqual(await entry(c, TOPIC, 'plain', 'max.message.bytes'), {
      value: '1048588',
      source: DEFAULT,
      synonyms: [['message.max.bytes', '1048588', DEFAULT]],
    })
  })

  it('the broker: log.retention.ms, minutes and hours, before and after a cluster-wide log.retention.ms', async () => {
    assert.deepEqual(await entry(c, BROKER, '1', 'log.retention.ms'), { value: null, source: DEFAULT, synonyms: [] })
    assert.deepEqual(await entry(c, BROKER, '1', 'log.retention.hours'), {
      value: '24',
      source: STATIC,
      synonyms: [
        ['log.retention.hours', '24', STATIC],
        ['log.retention.hours', '168', DEFAULT],
      ],
    })
    assert.deepEqual(await entry(c, BROKER, '1', 'log.roll.ms'), {
      value: '3600000',
      source: STATIC,
      synonyms: [
        ['log.roll.ms', '3600000', STATIC],
        ['log.roll.hours', '168', DEFAULT],
      ],
    })

    const set = await incrementalAlterConfigs(c, 1, BROKER, '', [['log.retention.ms', Op.Set, '123456']])
    assert.equal(set.errorCode, 0)
    const retention: Synonym[] = [
      ['log.retention.ms', '123456', DYNAMIC_DEFAULT],
      ['log.retention.hours', '24', STATIC],
      ['log.retention.hours', '168', DEFAULT],
    ]
    assert.deepEqual(await entry(c, BROKER, '1', 'log.retention.ms'), {
      value: '123456',
      source: DYNAMIC_DEFAULT,
      synonyms: retention,
    })
    assert.deepEqual(await entry(c, BROKER, '1', 'log.retention.minutes'), {
      value: null,
      source: DEFAULT,
      synonyms: [],
    })
    assert.deepEqual(await entry(c, BROKER, '', 'log.retention.ms'), {
      value: '123456',
      source: DYNAMIC_DEFAULT,
      synonyms: [['log.retention.ms', '123456', DYNAMIC_DEFAULT]],
    })
    assert.deepEqual(await entry(c, TOPIC, 'plain', 'retention.ms'), {
      value: '123456',
      source: DYNAMIC_DEFAULT,
      synonyms: retention,
    })
    assert.deepEqual((await entry(c, TOPIC, 'overridden', 'retention.ms')).synonyms, [
      ['retention.ms', '1000', TOPIC_CONFIG],
      ...retention,
    ])
  })
})
