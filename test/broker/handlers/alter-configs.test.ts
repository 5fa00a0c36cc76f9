import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ErrorCode } from '../../../src/protocol/error-codes.ts'
import { type EmbeddedBroker, startBroker } from '../../../src/server/embed.ts'
import { WireClient } from '../../helpers/kafka-wire.ts'
import { alterConfigs, BROKER, describeConfigs, TOPIC } from './config-wire.ts'

const SOURCE = { TOPIC_CONFIG: 1, DYNAMIC_BROKER_CONFIG: 2, DYNAMIC_DEFAULT_BROKER_CONFIG: 3, DEFAULT_CONFIG: 5 }

describe('AlterConfigs', () => {
  let broker: EmbeddedBroker
  let c: WireClient
  before(async () => {
    broker = await startBroker()
    c = await WireClient.connect(broker.port)
    for (const t of ['t0', 't1', 't2', 'plain']) assert.equal((await c.createTopic(t, 1)).topics[0]?.errorCode, 0)
  })
  after(async () => {
    c.close()
    await broker.close()
  })

  for (const v of [0, 1, 2]) {
    it(`v${v}: the configs given replace the topic's whole override set, applied at once`, async () => {
      const t = `t${v}`
      const set = await alterConfigs(c, v, TOPIC, t, { 'retention.ms': '3600000', 'cleanup.policy': 'compact' })
      assert.deepEqual([set.errorCode, set.errorMessage], [0, null])
      let d = await describeConfigs(c, TOPIC, t, ['retention.ms', 'cleanup.policy', 'max.message.bytes'])
      assert.equal(d.get('retention.ms')?.value, '3600000')
      assert.equal(d.get('retention.ms')?.configSource, SOURCE.TOPIC_CONFIG)
      assert.equal(d.get('cleanup.policy')?.value, 'compact')
      assert.equal((await alterConfigs(c, v, TOPIC, t, { 'max.message.bytes': '5000' })).errorCode, 0)
      d = await describeConfigs(c, TOPIC, t, ['retention.ms', 'cleanup.policy', 'max.message.bytes'])
      assert.equal(d.get('retention.ms')?.configSource, SOURCE.DEFAULT_CONFIG, 'the earlier override is gone')
      assert.equal(d.get('cleanup.policy')?.value, 'delete')
      assert.equal(d.get('max.message.bytes')?.value, '5000')
    })
  }

  it('answers INVALID_CONFIG naming the key, UNKNOWN_TOPIC_OR_PARTITION, and changes nothing on validate_only', async () => {
    const bad = await alterConfigs(c, 2, TOPIC, 't0', { 'retention.ms': 'forever' })
    assert.equal(bad.errorCode, ErrorCode.INVALID_CONFIG)
    assert.match(bad.errorMessage ?? '', /retention\.ms/)
    const unknown = await alterConfigs(c, 2, TOPIC, 't0', { 'no.such.config': '1' })
    assert.equal(unknown.errorCode, ErrorCode.INVALID_CONFIG)
    assert.match(unknown.errorMessage ?? '', /no\.such\.config/)
    const lag = await alterConfigs(c, 2, TOPIC, 't0', { 'min.compaction.lag.ms': '10', 'max.compaction.lag.ms': '5' })
    assert.equal(lag.errorCode, ErrorCode.INVALID_CONFIG)
    assert.equal(
      (await alterConfigs(c, 2, TOPIC, 'missing', { 'retention.ms': '1' })).errorCode,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    )
    const before = (await describeConfigs(c, TOPIC, 't0', ['segment.ms'])).get('segment.ms')?.value
    assert.equal((await alterConfigs(c, 2, TOPIC, 't0', { 'segment.ms': '1000' }, true)).errorCode, 0)
    assert.equal((await describeConfigs(c, TOPIC, 't0', ['segment.ms'])).get('segment.ms')?.value, before)
  })

  it('sets dynamic broker configs per broker and cluster-wide; refuses static ones, other ids and resource types', async () => {
    assert.equal((await alterConfigs(c, 1, BROKER, '', { 'log.retention.ms': '7200000' })).errorCode, 0)
    assert.equal((await alterConfigs(c, 1, BROKER, '1', { 'log.cleaner.backoff.ms': '1000' })).errorCode, 0)
    const d = await describeConfigs(c, BROKER, '1', ['log.retention.ms', 'log.cleaner.backoff.ms'])
    assert.equal(d.get('log.retention.ms')?.configSource, SOURCE.DYNAMIC_DEFAULT_BROKER_CONFIG)
    assert.equal(d.get('log.cleaner.backoff.ms')?.value, '1000')
    assert.equal(d.get('log.cleaner.backoff.ms')?.configSource, SOURCE.DYNAMIC_BROKER_CONFIG)
    const defaults = await describeConfigs(c, BROKER, '')
    assert.deepEqual([...defaults.keys()], ['log.retention.ms'], 'broker "" describes the cluster-wide defaults only')
    // Topic defaults follow at once.
    const t = await describeConfigs(c, TOPIC, 'plain', ['retention.ms'])
    assert.equal(t.get('retention.ms')?.value, '7200000')
    assert.equal(t.get('retention.ms')?.configSource, SOURCE.DYNAMIC_DEFAULT_BROKER_CONFIG)

    const staticKey = await alterConfigs(c, 1, BROKER, '1', { 'num.partitions': '3' })
    assert.equal(staticKey.errorCode, ErrorCode.INVALID_REQUEST)
    assert.match(staticKey.errorMessage ?? '', /num\.partitions/)
    const badValue = await alterConfigs(c, 1, BROKER, '', { 'log.retention.ms': 'x' })
    assert.equal(badValue.errorCode, ErrorCode.INVALID_REQUEST)
    assert.equal(
      (await alterConfigs(c, 1, BROKER, '7', { 'log.retention.ms': '1' })).errorCode,
      ErrorCode.INVALID_REQUEST,
    )
    assert.equal((await alterConfigs(c, 1, 8, 'root', { x: 'INFO' })).errorCode, ErrorCode.INVALID_REQUEST)
    // An empty set removes the cluster-wide overrides again.
    assert.equal((await alterConfigs(c, 1, BROKER, '', {})).errorCode, 0)
    assert.equal((await describeConfigs(c, BROKER, '')).size, 0)
  })
})
