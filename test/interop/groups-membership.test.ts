/**
 * Three consumers of one group on a 6-partition topic consume every record exactly once across the group
 * while a fourth joins and one is killed without leaving: its partitions move to the others after its
 * session timeout (3 s here; group.min.session.timeout.ms is lowered to allow it), not before: half a
 * second after the kill the broker still counts it a member of the Stable group, and its partitions move
 * no sooner than the session timeout less one heartbeat interval (300 ms) and some slack. Run with kafkajs,
 * kafka-python and confluent-kafka (librdkafka), each consumer a child process that commits every record
 * synchronously before reporting it.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Kafka, logLevel, Partitioners } from 'kafkajs'
import { startBroker } from '../../src/server/embed.ts'
import { type ClientKind, ConsumerProcess, clientMissing, coversExactly, waitUntil } from './groups-harness.ts'

const PARTITIONS = 6
const PER_BATCH = 60
const SESSION_TIMEOUT_MS = 3000

async function scenario(kind: ClientKind): Promise<void> {
  const broker = await startBroker({
    config: { 'group.min.session.timeout.ms': '1000', 'offsets.topic.num.partitions': '4' },
  })
  const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
  const admin = kafka.admin()
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
  const consumers: ConsumerProcess[] = []
  try {
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: 'events', numPartitions: PARTITIONS }] })
    await producer.connect()
    const produce = async (batch: string) => {
      const messages = Array.from({ length: PER_BATCH }, (_, i) => ({
        value: `${batch}-${i}`,
        partition: i % PARTITIONS,
      }))
      await producer.send({ topic: 'events', messages })
    }
    const options = {
      bootstrap: broker.bootstrap,
      group: `group-${kind}`,
      topic: 'events',
      sessionTimeoutMs: SESSION_TIMEOUT_MS,
    }
    const start = (name: string) => {
      const c = ConsumerProcess.start(kind, name, options)
      consumers.push(c)
      return c
    }
    const consumed = (live: readonly ConsumerProcess[], n: number) =>
      consumers.reduce((sum, c) => sum + c.records.length, 0) >= n && coversExactly(live, PARTITIONS)

    const [a, b, c] = [start('A'), start('B'), start('C')]
    // Each must own partitions: one process alone covering all six is not three consumers sharing them.
    await waitUntil(
      consumers,
      () => coversExactly([a, b, c], PARTITIONS) && [a, b, c].every((x) => x.owned.size > 0),
      'three consumers sharing six partitions',
    )
    await produce('one')
    await waitUntil(consumers, () => consumed([a, b, c], PER_BATCH), 'the first batch')

    const d = start('D')
    await waitUntil(
      consumers,
      () => coversExactly([a, b, c, d], PARTITIONS) && d.owned.size > 0,
      'the fourth consumer to get partitions',
    )
    await produce('two')
    await waitUntil(consumers, () => consumed([a, b, c, d], 2 * PER_BATCH), 'the second batch')

    const orphaned = [...a.owned]
    await a.kill()
    const killedAt = Date.now()
    await produce('three')
    const survivors = [b, c, d]
    await new Promise((r) => setTimeout(r, 500))
    const [group] = (await admin.describeGroups([options.group])).groups
    assert.equal(group?.state, 'Stable', 'no rebalance within the session timeout')
    assert.equal(group?.members.length, 4, 'the killed member is still a member within its session timeout')
    assert.ok(
      orphaned.every((p) => !survivors.some((s) => s.owned.has(p))),
      'no partition of the killed member moved yet',
    )
    await waitUntil(
      consumers,
      () => orphaned.every((p) => survivors.some((s) => s.owned.has(p))),
      "A's partitions to move",
    )
    // A's last heartbeat was at most one interval (300 ms) before the kill.
    const movedAfter = Date.now() - killedAt
    assert.ok(movedAfter >= SESSION_TIMEOUT_MS - 800, `A's partitions moved ${movedAfter} ms after the kill`)
    await waitUntil(consumers, () => consumed([b, c, d], 3 * PER_BATCH), "the third batch, A's partitions moved")
    for (const p of orphaned)
      assert.ok(
        survivors.some((s) => s.owned.has(p)),
        `partition ${p} moved to a survivor`,
      )

    // Every record exactly once across the group; per partition, offsets 0..n-1 each once.
    const all = consumers.flatMap((x) => x.records)
    const values = all.map((r) => r.v).sort()
    const expected = ['one', 'two', 'three']
      .flatMap((b) => Array.from({ length: PER_BATCH }, (_, i) => `${b}-${i}`))
      .sort()
    assert.deepEqual(values, expected)
    for (let p = 0; p < PARTITIONS; p++) {
      const offsets = all
        .filter((r) => r.p === p)
        .map((r) => r.o)
        .sort((x, y) => x - y)
      assert.deepEqual(
        offsets,
        Array.from({ length: (3 * PER_BATCH) / PARTITIONS }, (_, i) => i),
        `partition ${p}`,
      )
    }
    const byA = new Set(a.records.map((r) => r.v))
    assert.ok(
      [...byA].every((v) => !v.startsWith('three')),
      'the killed consumer read nothing after it died',
    )
  } finally {
    await Promise.all(consumers.map((x) => x.stop()))
    await producer.disconnect().catch(() => undefined)
    await admin.disconnect().catch(() => undefined)
    await broker.close()
  }
}

describe('a group of three, a fourth joins, one is killed: every record exactly once', () => {
  for (const kind of ['kafkajs', 'kafka-python', 'confluent-kafka'] as const) {
    test(kind, { timeout: 240_000 }, async (t) => {
      const missing = clientMissing(kind)
      if (missing !== null) {
        console.warn(`SKIPPED: ${missing}`)
        t.skip(`SKIPPED: ${missing}`)
        return
      }
      await scenario(kind)
    })
  }
})
