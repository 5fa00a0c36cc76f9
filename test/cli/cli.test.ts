/**
 * The `samsa` command against a broker: topics, produce and consume go over the wire through the client
 * module, as they would against any Kafka cluster.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type EmbeddedBroker, startBroker } from '../../src/server/embed.ts'
import { runSamsa as samsa } from '../helpers/samsa-cli.ts'

describe('samsa CLI', () => {
  let broker: EmbeddedBroker
  let b: string[]
  before(async () => {
    broker = await startBroker()
    b = ['--bootstrap-server', broker.bootstrap]
  })
  after(() => broker.close())

  it('creates, lists, describes and deletes topics', async () => {
    const created = await samsa([
      'topics',
      'create',
      'orders',
      '--partitions',
      '3',
      '--config',
      'retention.ms=3600000',
      ...b,
    ])
    assert.equal(created.code, 0, created.stderr)
    assert.match(created.stdout, /Created topic orders \(3 partitions, replication factor 1\)/)

    const list = await samsa(['topics', 'list', '--json', ...b])
    assert.deepEqual(JSON.parse(list.stdout), ['orders'])

    const described = await samsa(['topics', 'describe', 'orders', '--json', ...b])
    const [topic] = JSON.parse(described.stdout) as {
      name: string
      partitions: { partition: number; leader: number }[]
      configs: Record<string, string>
    }[]
    assert.equal(topic?.name, 'orders')
    assert.deepEqual(
      topic?.partitions.map((p) => p.partition),
      [0, 1, 2],
    )
    assert.equal(topic?.configs['retention.ms'], '3600000')

    const again = await samsa(['topics', 'create', 'orders', ...b])
    assert.equal(again.code, 1)
    assert.match(again.stderr, /TOPIC_ALREADY_EXISTS/)
    assert.equal((await samsa(['topics', 'create', 'orders', '--if-not-exists', ...b])).code, 0)

    const deleted = await samsa(['topics', 'delete', 'orders', ...b])
    assert.equal(deleted.code, 0, deleted.stderr)
    assert.deepEqual(JSON.parse((await samsa(['topics', 'list', '--json', ...b])).stdout), [])
  })

  it("refuses an invalid topic name with Kafka's error", async () => {
    const r = await samsa(['topics', 'create', 'no spaces', ...b])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /INVALID_TOPIC_EXCEPTION/)
  })

  it('produces keyed records with headers from standard input and consumes them back as JSON', async () => {
    assert.equal((await samsa(['topics', 'create', 'events', '--partitions', '1', ...b])).code, 0)
    const lines = Array.from({ length: 50 }, (_, i) => `key-${i % 5}:value-${i}`).join('\n')
    const produced = await samsa(
      ['produce', 'events', '--key-separator', ':', '--header', 'source=cli', '--compression', 'lz4', ...b],
      lines,
    )
    assert.equal(produced.code, 0, produced.stderr)
    assert.match(produced.stderr, /Produced 50 record/)

    const consumed = await samsa(['consume', 'events', '--from-beginning', '--max-messages', '50', '--json', ...b])
    assert.equal(consumed.code, 0, consumed.stderr)
    const records = consumed.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { offset: number; key: string; value: string; headers: Record<string, string> })
    assert.equal(records.length, 50)
    records.forEach((r, i) => {
      assert.equal(r.offset, i)
      assert.equal(r.key, `key-${i % 5}`)
      assert.equal(r.value, `value-${i}`)
      assert.deepEqual(r.headers, { source: 'cli' })
    })

    const fromOffset = await samsa([
      'consume',
      'events',
      '--partition',
      '0',
      '--offset',
      '45',
      '--timeout-ms',
      '1000',
      ...b,
    ])
    assert.deepEqual(fromOffset.stdout.trim().split('\n'), ['value-45', 'value-46', 'value-47', 'value-48', 'value-49'])
  })

  it('produces every record to the partition given with -p, and refuses one the topic does not have', async () => {
    assert.equal((await samsa(['topics', 'create', 'spread', '--partitions', '3', ...b])).code, 0)
    const lines = Array.from({ length: 20 }, (_, i) => `key-${i}:value-${i}`).join('\n')
    // Distinct keys would spread over all three partitions without -p.
    const produced = await samsa(['produce', 'spread', '-p', '2', '--key-separator', ':', ...b], lines)
    assert.equal(produced.code, 0, produced.stderr)
    assert.match(produced.stderr, /Produced 20 record/)

    const consume = (partition: number) =>
      samsa(['consume', 'spread', '-p', String(partition), '--from-beginning', '--timeout-ms', '2000', '--json', ...b])
    const two = await consume(2)
    assert.equal(two.code, 0, two.stderr)
    const records = two.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { partition: number; offset: number; key: string; value: string })
    assert.deepEqual(
      records.map((r) => [r.partition, r.offset, r.key, r.value]),
      Array.from({ length: 20 }, (_, i) => [2, i, `key-${i}`, `value-${i}`]),
    )
    for (const partition of [0, 1]) {
      const empty = await consume(partition)
      assert.equal(empty.code, 0, empty.stderr)
      assert.equal(empty.stdout, '')
      assert.match(empty.stderr, /Processed a total of 0 messages/)
    }

    const outside = await samsa(['produce', 'spread', '-p', '3', '--value', 'lost', ...b])
    assert.equal(outside.code, 1)
    assert.match(outside.stderr, /UNKNOWN_TOPIC_OR_PARTITION \(spread-3\): the topic has 3 partitions/)
    const negative = await samsa(['produce', 'spread', '-p', '-1', '--value', 'lost', ...b])
    assert.equal(negative.code, 1)
    assert.match(negative.stderr, /UNKNOWN_TOPIC_OR_PARTITION \(spread--1\): a partition is an integer from 0/)
    // Neither wrote anything: the topic still holds the 20 records, all in partition 2.
    const all = await samsa(['consume', 'spread', '--from-beginning', '--timeout-ms', '2000', '--json', ...b])
    const partitions = all.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { partition: number }).partition)
    assert.deepEqual(partitions, Array(20).fill(2))
  })
})
