/**
 * `samsa configs describe|alter` as a user runs it (the built CLI, like Kafka's kafka-configs): topic
 * overrides set with --add-config (a list value in brackets) and removed with --delete-config, cluster
 * defaults with --broker-defaults, every config with --all and its source, errors naming the key with a
 * non-zero exit; `samsa topics describe` shows the overrides.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type EmbeddedBroker, startBroker } from '../../src/server/embed.ts'
import { runSamsa as samsa } from '../helpers/samsa-cli.ts'

describe('samsa configs', () => {
  let broker: EmbeddedBroker
  let b: string[]
  before(async () => {
    broker = await startBroker()
    b = ['--bootstrap-server', broker.bootstrap]
    const created = await samsa(['topics', 'create', 'orders', ...b])
    assert.equal(created.code, 0, created.stderr)
  })
  after(() => broker.close())

  it('sets topic overrides (a list value in brackets), describes and removes them', async () => {
    const set = await samsa([
      'configs',
      'alter',
      '--topic',
      'orders',
      '--add-config',
      'retention.ms=3600000,cleanup.policy=[compact,delete]',
      ...b,
    ])
    assert.equal(set.code, 0, set.stderr)
    assert.equal(set.stdout.trim(), 'Completed updating config for topic orders.')
    const described = await samsa(['configs', 'describe', '--topic', 'orders', ...b])
    assert.equal(described.code, 0, described.stderr)
    const lines = described.stdout.trim().split('\n')
    assert.equal(lines[0], 'Dynamic configs for topic orders are:')
    assert.match(
      lines[1] ?? '',
      /^ {2}cleanup\.policy=compact,delete sensitive=false synonyms=\{DYNAMIC_TOPIC_CONFIG:cleanup\.policy=compact,delete, .*DEFAULT_CONFIG:log\.cleanup\.policy=delete\}$/,
    )
    assert.match(
      lines[2] ?? '',
      /^ {2}retention\.ms=3600000 sensitive=false synonyms=\{DYNAMIC_TOPIC_CONFIG:retention\.ms=3600000/,
    )
    const topics = await samsa(['topics', 'describe', 'orders', ...b])
    assert.match(topics.stdout, /Configs: .*cleanup\.policy=compact,delete/)

    const removed = await samsa(['configs', 'alter', '--topic', 'orders', '--delete-config', 'retention.ms', ...b])
    assert.equal(removed.code, 0, removed.stderr)
    const json = await samsa(['configs', 'describe', '--topic', 'orders', '--json', ...b])
    assert.deepEqual(JSON.parse(json.stdout), { 'cleanup.policy': 'compact,delete' })
  })

  it('sets cluster-wide broker defaults; --all shows every config with its source', async () => {
    const set = await samsa(['configs', 'alter', '--broker-defaults', '--add-config', 'log.retention.ms=123456', ...b])
    assert.equal(set.code, 0, set.stderr)
    const defaults = await samsa(['configs', 'describe', '--broker-defaults', '--json', ...b])
    assert.deepEqual(JSON.parse(defaults.stdout), { 'log.retention.ms': '123456' })
    const own = await samsa(['configs', 'describe', '--broker', '1', '--json', ...b])
    assert.deepEqual(JSON.parse(own.stdout), {}, 'no per-broker override')
    const all = await samsa(['configs', 'describe', '--broker', '1', '--all', ...b])
    assert.match(all.stdout, /^All configs for broker 1 are:/)
    assert.match(
      all.stdout,
      /\n {2}log\.retention\.ms=123456 sensitive=false synonyms=\{DYNAMIC_DEFAULT_BROKER_CONFIG:log\.retention\.ms=123456, DEFAULT_CONFIG:log\.retention\.hours=168\}\n/,
    )
    const topic = await samsa(['configs', 'describe', '--topic', 'orders', '--all', ...b])
    assert.match(
      topic.stdout,
      /\n {2}retention\.ms=123456 sensitive=false synonyms=\{DYNAMIC_DEFAULT_BROKER_CONFIG:log\.retention\.ms=123456, /,
    )
  })

  it('fails with the broker error naming the key, and on a bad command line', async () => {
    const bad = await samsa(['configs', 'alter', '--topic', 'orders', '--add-config', 'retention.ms=soon', ...b])
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /INVALID_CONFIG .*retention\.ms/)
    const staticKey = await samsa(['configs', 'alter', '--broker', '1', '--add-config', 'num.partitions=4', ...b])
    assert.equal(staticKey.code, 1)
    assert.match(staticKey.stderr, /INVALID_REQUEST .*num\.partitions/)
    const missing = await samsa(['configs', 'alter', '--topic', 'nope', '--add-config', 'retention.ms=1', ...b])
    assert.match(missing.stderr, /UNKNOWN_TOPIC_OR_PARTITION/)
    const two = await samsa(['configs', 'describe', '--topic', 'orders', '--broker', '1', ...b])
    assert.equal(two.code, 1)
    assert.match(two.stderr, /exactly one entity/)
  })
})
