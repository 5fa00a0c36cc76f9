import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  buildLogConfig,
  defaultLogConfig,
  LOG_CONFIG_DEFINITIONS,
  LONG_MAX_VALUE,
  logConfigDefinition,
  resolveLogConfigValue,
  validateTopicConfigs,
} from '../../src/storage/log-config.ts'

describe('log configs', () => {
  it("has Kafka's defaults and server synonyms", () => {
    const expected: Record<string, [string, string | null]> = {
      'cleanup.policy': ['delete', 'log.cleanup.policy'],
      'compression.type': ['producer', 'compression.type'],
      'delete.retention.ms': ['86400000', 'log.cleaner.delete.retention.ms'],
      'file.delete.delay.ms': ['60000', 'log.segment.delete.delay.ms'],
      'flush.messages': [LONG_MAX_VALUE, 'log.flush.interval.messages'],
      'flush.ms': [LONG_MAX_VALUE, 'log.flush.interval.ms'],
      'index.interval.bytes': ['4096', 'log.index.interval.bytes'],
      'max.compaction.lag.ms': [LONG_MAX_VALUE, 'log.cleaner.max.compaction.lag.ms'],
      'min.compaction.lag.ms': ['0', 'log.cleaner.min.compaction.lag.ms'],
      'min.cleanable.dirty.ratio': ['0.5', 'log.cleaner.min.cleanable.ratio'],
      'max.message.bytes': ['1048588', 'message.max.bytes'],
      'message.timestamp.type': ['CreateTime', 'log.message.timestamp.type'],
      'message.timestamp.before.max.ms': [LONG_MAX_VALUE, 'log.message.timestamp.before.max.ms'],
      'message.timestamp.after.max.ms': [LONG_MAX_VALUE, 'log.message.timestamp.after.max.ms'],
      'min.insync.replicas': ['1', 'min.insync.replicas'],
      preallocate: ['false', 'log.preallocate'],
      'retention.bytes': ['-1', 'log.retention.bytes'],
      'retention.ms': ['604800000', 'log.retention.ms'],
      'segment.bytes': ['1073741824', 'log.segment.bytes'],
      'segment.index.bytes': ['10485760', 'log.index.size.max.bytes'],
      'segment.jitter.ms': ['0', 'log.roll.jitter.ms'],
      'segment.ms': ['604800000', 'log.roll.ms'],
      'unclean.leader.election.enable': ['false', 'unclean.leader.election.enable'],
      'message.downconversion.enable': ['true', 'log.message.downconversion.enable'],
    }
    for (const [name, [def, synonym]] of Object.entries(expected)) {
      const d = logConfigDefinition(name)
      assert.ok(d !== undefined, name)
      assert.equal(d.default, def, name)
      assert.equal(d.serverDefaultProperty, synonym, name)
    }
    const names = LOG_CONFIG_DEFINITIONS.map((d) => d.name)
    assert.deepEqual(names, [...names].sort())
  })

  it('builds typed values, clamping Long.MAX_VALUE and keeping its string', () => {
    const c = defaultLogConfig()
    assert.equal(c.segmentBytes, 1073741824)
    assert.equal(c.flushMessages, Number.MAX_SAFE_INTEGER)
    assert.equal(c.values['flush.messages'], LONG_MAX_VALUE)
    assert.equal(c.messageTimestampBeforeMaxMs, Number.MAX_SAFE_INTEGER)
    assert.deepEqual(c.cleanupPolicy, ['delete'])
    assert.equal(c.cleanupPolicyDelete, true)
    assert.equal(c.minCleanableDirtyRatio, 0.5)
    assert.equal(c.overriddenKeys.size, 0)
  })

  it('resolves topic override > first server synonym (with unit conversion) > default', () => {
    const c = buildLogConfig(
      { 'segment.bytes': '1000', 'cleanup.policy': 'compact, delete' },
      { 'log.segment.bytes': '2000', 'log.retention.hours': '1', 'log.roll.hours': '2', 'log.roll.ms': '5000' },
    )
    assert.equal(c.segmentBytes, 1000)
    assert.equal(c.retentionMs, 3_600_000)
    assert.equal(c.segmentMs, 5000)
    assert.deepEqual(c.cleanupPolicy, ['compact', 'delete'])
    assert.equal(c.values['cleanup.policy'], 'compact,delete')
    assert.deepEqual([...c.overriddenKeys].sort(), ['cleanup.policy', 'segment.bytes'])
    const retention = resolveLogConfigValue(
      logConfigDefinition('retention.ms')!,
      {},
      { 'log.retention.minutes': '2', 'log.retention.hours': '1' },
    )
    assert.deepEqual(retention, { value: '120000', source: 'server', serverProperty: 'log.retention.minutes' })
  })

  it('falls back to message.timestamp.difference.max.ms like Kafka', () => {
    const c = buildLogConfig({ 'message.timestamp.difference.max.ms': '5000' }, {})
    assert.equal(c.messageTimestampBeforeMaxMs, 5000)
    assert.equal(c.messageTimestampAfterMaxMs, 5000)
  })

  it('validates with messages naming the key', () => {
    assert.equal(validateTopicConfigs({ 'retention.ms': '-1', 'cleanup.policy': 'compact' }), null)
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ 'no.such.config': '1' }, 'no.such.config', /Unknown topic config name: no.such.config/],
      [{ 'segment.bytes': '10' }, 'segment.bytes', /segment\.bytes.*at least 14/],
      [{ 'segment.bytes': 'abc' }, 'segment.bytes', /Not a number of type INT/],
      [{ 'segment.bytes': '3000000000' }, 'segment.bytes', /Not a number of type INT/],
      [{ 'retention.ms': '-2' }, 'retention.ms', /at least -1/],
      [{ 'flush.messages': '9223372036854775808' }, 'flush.messages', /LONG/],
      [{ 'cleanup.policy': 'delete,forever' }, 'cleanup.policy', /one of: compact, delete/],
      [{ 'compression.type': 'brotli' }, 'compression.type', /compression\.type/],
      [{ 'message.timestamp.type': 'createtime' }, 'message.timestamp.type', /CreateTime/],
      [{ 'min.cleanable.dirty.ratio': '1.5' }, 'min.cleanable.dirty.ratio', /range/],
      [{ preallocate: 'yes' }, 'preallocate', /true or false/],
      [{ 'min.compaction.lag.ms': '10', 'max.compaction.lag.ms': '5' }, 'min.compaction.lag.ms', /conflict/],
      [
        { 'leader.replication.throttled.replicas': '0:1,x' },
        'leader.replication.throttled.replicas',
        /partitionId:brokerId/,
      ],
    ]
    for (const [overrides, key, message] of cases) {
      const err = validateTopicConfigs(overrides)
      assert.ok(err !== null, JSON.stringify(overrides))
      assert.equal(err.key, key)
      assert.match(err.message, message)
    }
    assert.throws(() => buildLogConfig({ 'segment.bytes': '1' }, {}), /segment\.bytes/)
    assert.throws(() => buildLogConfig({}, { 'log.segment.bytes': '1' }), /log\.segment\.bytes/)
  })
})
