import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConfigError } from '../../src/common/errors.ts'
import { BrokerConfig, parseListeners, parseProperties, propertiesFromEnv } from '../../src/server/config.ts'
import { logCleanerConfigFrom } from '../../src/storage/cleaner/log-cleaner.ts'
import { buildLogConfig } from '../../src/storage/log-config.ts'

describe('BrokerConfig', () => {
  it("uses Kafka's defaults and Samsa's single-node ones", () => {
    const c = BrokerConfig.from()
    assert.equal(c.nodeId, 1)
    assert.deepEqual(c.logDirs, ['./data'])
    assert.equal(c.getInt('num.partitions'), 1)
    assert.equal(c.getBoolean('auto.create.topics.enable'), true)
    assert.equal(c.getInt('socket.request.max.bytes'), 104857600)
    assert.deepEqual(c.listeners, [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9092 }])
    assert.equal(c.source('num.partitions'), 'DEFAULT_CONFIG')
  })

  it('fails fast on an unknown key, naming it', () => {
    assert.throws(
      () => BrokerConfig.from(new Map([['num.partitionz', '3']])),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError)
        assert.equal(err.key, 'num.partitionz')
        assert.match(err.message, /num\.partitionz/)
        return true
      },
    )
  })

  it('fails fast on an invalid value, naming the key', () => {
    for (const [key, value] of [
      ['num.partitions', 'three'],
      ['num.partitions', '0'],
      ['auto.create.topics.enable', 'yes'],
      ['log.message.timestamp.type', 'WallClock'],
      ['listeners', 'localhost:9092'],
      ['log.retention.ms', '99999999999999999999999'],
      // Kafka's validators on the broker's topic defaults, and its start-up checks (KafkaConfig.validateValues).
      ['log.cleanup.policy', 'delete,shred'],
      ['log.cleaner.min.cleanable.ratio', '1.5'],
      ['log.cleaner.max.compaction.lag.ms', '0'],
      ['log.cleaner.delete.retention.ms', '-1'],
      ['log.segment.delete.delay.ms', '-1'],
      ['log.message.timestamp.before.max.ms', '-1'],
      ['log.roll.jitter.hours', '-1'],
      ['log.roll.ms', '0'],
      ['log.roll.jitter.ms', '-1'],
      ['log.flush.interval.ms', '-1'],
      ['log.retention.ms', '0'],
      ['log.retention.hours', '0'],
    ] as const) {
      assert.throws(
        () => BrokerConfig.from(new Map([[key, value]])),
        (err: unknown) => err instanceof ConfigError && err.key === key && err.message.includes(key),
        `${key}=${value} should be refused`,
      )
    }
  })

  it('layers file, environment and flags, later winning', () => {
    const file = parseProperties(
      '# comment\nnum.partitions=3\nlog.dirs = /a,/b\n! also a comment\nlisteners: PLAINTEXT://0.0.0.0:9093\n',
    )
    const env = propertiesFromEnv({ SAMSA_NUM_PARTITIONS: '5', SAMSA_LOG_LEVEL: 'debug', HOME: '/x' })
    const flags = new Map([['node.id', '7']])
    const c = BrokerConfig.from(file, env, flags)
    assert.equal(c.getInt('num.partitions'), 5)
    assert.deepEqual(c.logDirs, ['/a', '/b'])
    assert.equal(c.nodeId, 7)
    assert.equal(c.source('num.partitions'), 'STATIC_BROKER_CONFIG')
    assert.deepEqual(c.advertisedListeners, [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9093 }])
  })

  it('maps SAMSA_* variables like Kafka container images do', () => {
    const m = propertiesFromEnv({
      SAMSA_LOG_DIRS: '/d',
      SAMSA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      SAMSA_A__B___C: 'x',
    })
    assert.equal(m.get('log.dirs'), '/d')
    assert.equal(m.get('group.initial.rebalance.delay.ms'), '0')
    assert.equal(m.get('a_b-c'), 'x')
  })

  it('takes any negative broker retention as unlimited (-1), as Kafka does', () => {
    for (const [key, value] of [
      ['log.retention.ms', '-5'],
      ['log.retention.minutes', '-1'],
      ['log.retention.hours', '-1'],
    ] as const) {
      const c = BrokerConfig.from(new Map([[key, value]]))
      assert.equal(buildLogConfig({}, c.logDefaults()).retentionMs, -1, `${key}=${value}`)
    }
  })

  it('cleaner settings: used as given, out-of-range ones fail fast naming the key', () => {
    const used = (props: [string, string][]) => logCleanerConfigFrom(BrokerConfig.from(new Map(props)).logDefaults())
    // No cap of its own on log.cleaner.threads (Kafka has none), and the load factor is not clamped.
    assert.equal(used([['log.cleaner.threads', '20']]).threads, 20)
    assert.equal(used([['log.cleaner.io.buffer.load.factor', '0.97']]).loadFactor, 0.97)
    for (const [key, props] of [
      ['log.cleaner.io.buffer.load.factor', [['log.cleaner.io.buffer.load.factor', '1.5']]],
      ['log.cleaner.io.buffer.load.factor', [['log.cleaner.io.buffer.load.factor', '0']]],
      ['log.cleaner.threads', [['log.cleaner.threads', '0']]],
      // Kafka's requirement: more than 1 MiB of dedupe buffer per cleaner thread.
      [
        'log.cleaner.dedupe.buffer.size',
        [
          ['log.cleaner.threads', '64'],
          ['log.cleaner.dedupe.buffer.size', String(64 * 1024 * 1024)],
        ],
      ],
    ] as const) {
      assert.throws(
        () => BrokerConfig.from(new Map(props)),
        (err: unknown) => err instanceof ConfigError && err.key === key && err.message.includes(key),
        JSON.stringify(props),
      )
    }
  })

  it('passes only explicitly set properties as topic defaults', () => {
    const c = BrokerConfig.from(new Map([['log.retention.hours', '1']]))
    assert.deepEqual(c.logDefaults(), { 'log.retention.hours': '1' })
  })

  it('parses listener lists', () => {
    assert.deepEqual(parseListeners('listeners', 'PLAINTEXT://:9092,internal://[::1]:9093'), [
      { name: 'PLAINTEXT', host: '', port: 9092 },
      { name: 'INTERNAL', host: '::1', port: 9093 },
    ])
  })
})
