/**
 * Static membership (KIP-345) and cooperative rebalancing (KIP-429) with librdkafka (confluent-kafka):
 *
 * - a static member killed and restarted within its session timeout gets its partitions back without a
 *   rebalance: the other member sees no revocation and no new assignment, and the group metadata records
 *   the broker writes to `__consumer_offsets` keep the generation while the instance's member id changes;
 * - two processes with the same group.instance.id: the newer one takes over the instance and its
 *   partitions, the older one gets librdkafka's fatal fencing error (FENCED_INSTANCE_ID) and stops;
 * - in a cooperative-sticky group a new member takes partitions away incrementally: the existing members
 *   keep the partitions that do not move and are never asked to give them up.
 *
 * kafkajs 2.2.4 and kafka-python 2.0.2 support neither static membership nor cooperative rebalancing.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Kafka, logLevel, Partitioners } from 'kafkajs'
import { type EmbeddedBroker, startBroker } from '../../src/server/embed.ts'
import { ConsumerProcess, clientMissing, consumerOffsetsRecords, coversExactly, waitUntil } from './groups-harness.ts'

const PARTITIONS = 6

async function setup(): Promise<{ broker: EmbeddedBroker; produce: (prefix: string, n: number) => Promise<void> }> {
  const broker = await startBroker({
    config: { 'group.min.session.timeout.ms': '1000', 'offsets.topic.num.partitions': '3' },
  })
  const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic: 'events', numPartitions: PARTITIONS }] })
  await admin.disconnect()
  const produce = async (prefix: string, n: number) => {
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
    await producer.connect()
    await producer.send({
      topic: 'events',
      messages: Array.from({ length: n }, (_, i) => ({ value: `${prefix}-${i}`, partition: i % PARTITIONS })),
    })
    await producer.disconnect()
  }
  return { broker, produce }
}

/**
 * The classic group metadata records of `group` in `__consumer_offsets`, oldest first, as the broker wrote
 * them: each generation and the members it holds ([member id, instance id]).
 */
async function groupMetadataRecords(
  bootstrap: string,
  group: string,
): Promise<{ generation: number; members: [string, string | null][] }[]> {
  return (await consumerOffsetsRecords(bootstrap)).flatMap((rec) =>
    rec.type === 'GroupMetadata' && rec.key.group === group && rec.value !== null
      ? [
          {
            generation: rec.value.generation,
            members: rec.value.members.map((m): [string, string | null] => [m.memberId, m.groupInstanceId]),
          },
        ]
      : [],
  )
}

const rebalanceEvents = (c: ConsumerProcess) => c.events.filter((e) => e.e !== 'record' && e.e !== 'error')

test('confluent-kafka: a static member restarting within its session timeout causes no rebalance', {
  timeout: 180_000,
}, async (t) => {
  const missing = clientMissing('confluent-kafka')
  if (missing !== null) {
    console.warn(`SKIPPED: ${missing}`)
    t.skip(`SKIPPED: ${missing}`)
    return
  }
  const { broker, produce } = await setup()
  const consumers: ConsumerProcess[] = []
  const start = (name: string, instanceId: string) => {
    const c = ConsumerProcess.start('confluent-kafka', name, {
      bootstrap: broker.bootstrap,
      group: 'static-group',
      topic: 'events',
      sessionTimeoutMs: 15_000,
      instanceId,
    })
    consumers.push(c)
    return c
  }
  try {
    const one = start('one', 'instance-1')
    const two = start('two', 'instance-2')
    await waitUntil(
      consumers,
      () => coversExactly([one, two], PARTITIONS) && one.owned.size > 0 && two.owned.size > 0,
      'two static members sharing six partitions',
    )
    await produce('first', 60)
    await waitUntil(consumers, () => one.records.length + two.records.length >= 60, 'the first batch')
    const before = rebalanceEvents(one).length
    const twoOwned = [...two.owned].sort()
    const written = await groupMetadataRecords(broker.bootstrap, 'static-group')
    const stable = written.at(-1)!
    const memberOf = (r: typeof stable, instance: string) => r.members.find((m) => m[1] === instance)?.[0]
    assert.deepEqual(
      stable.members.map((m) => m[1]).sort(),
      ['instance-1', 'instance-2'],
      'the group as written holds both instances',
    )

    await two.kill()
    const twoAgain = start('two-again', 'instance-2')
    await waitUntil(consumers, () => twoAgain.owned.size > 0, 'the restarted member to get its partitions')
    assert.deepEqual([...twoAgain.owned].sort(), twoOwned, 'the same partitions as before the restart')
    await produce('second', 60)
    await waitUntil(
      consumers,
      () => one.records.length + two.records.length + twoAgain.records.length >= 120,
      'the second batch',
    )
    assert.equal(rebalanceEvents(one).length, before, 'the other member saw no rebalance')
    // The broker recorded the restarted instance under a new member id, at the same generation.
    const after = (await groupMetadataRecords(broker.bootstrap, 'static-group')).slice(written.length)
    assert.ok(after.length > 0, 'the new member id of instance-2 was written')
    for (const r of after) assert.equal(r.generation, stable.generation, 'the generation did not change')
    assert.notEqual(memberOf(after.at(-1)!, 'instance-2'), memberOf(stable, 'instance-2'))
    assert.equal(memberOf(after.at(-1)!, 'instance-1'), memberOf(stable, 'instance-1'))
    const values = consumers.flatMap((c) => c.records.map((r) => r.v))
    assert.equal(new Set(values).size, 120)
    assert.equal(values.length, 120, 'nothing read twice')
  } finally {
    await Promise.all(consumers.map((c) => c.stop()))
    await broker.close()
  }
})

test('confluent-kafka cooperative-sticky: existing members keep the partitions that do not move', {
  timeout: 180_000,
}, async (t) => {
  const missing = clientMissing('confluent-kafka')
  if (missing !== null) {
    console.warn(`SKIPPED: ${missing}`)
    t.skip(`SKIPPED: ${missing}`)
    return
  }
  const { broker, produce } = await setup()
  const consumers: ConsumerProcess[] = []
  const start = (name: string) => {
    const c = ConsumerProcess.start('confluent-kafka', name, {
      bootstrap: broker.bootstrap,
      group: 'cooperative-group',
      topic: 'events',
      sessionTimeoutMs: 6000,
      strategy: 'cooperative-sticky',
    })
    consumers.push(c)
    return c
  }
  try {
    const one = start('one')
    const two = start('two')
    await waitUntil(
      consumers,
      () => coversExactly([one, two], PARTITIONS) && one.owned.size === 3,
      'two members with three partitions each',
    )
    await produce('first', 60)
    await waitUntil(consumers, () => one.records.length + two.records.length >= 60, 'the first batch')
    const owned = new Map([one, two].map((c) => [c, new Set(c.owned)]))
    const mark = new Map([one, two].map((c) => [c, c.events.length]))

    const three = start('three')
    await waitUntil(
      consumers,
      () => coversExactly([one, two, three], PARTITIONS) && three.owned.size === 2,
      'the third member with two partitions',
    )
    for (const c of [one, two]) {
      const after = c.events.slice(mark.get(c))
      const revoked = after.flatMap((e) => (e.e === 'revoked' ? e.p : []))
      const kept = [...owned.get(c)!].filter((p) => !revoked.includes(p))
      assert.equal(revoked.length, 1, `${c.name} gives up exactly one partition (incrementally)`)
      assert.equal(kept.length, 2, `${c.name} keeps the other two`)
      for (const p of kept) assert.ok(c.owned.has(p), `${c.name} still owns ${p}`)
    }
    await produce('second', 60)
    await waitUntil(consumers, () => consumers.reduce((n, c) => n + c.records.length, 0) >= 120, 'the second batch')
    const values = consumers.flatMap((c) => c.records.map((r) => r.v))
    assert.equal(new Set(values).size, 120)
    assert.equal(values.length, 120, 'nothing read twice')
  } finally {
    await Promise.all(consumers.map((c) => c.stop()))
    await broker.close()
  }
})

test('confluent-kafka: a second process with the same group.instance.id fences the first', {
  timeout: 180_000,
}, async (t) => {
  const missing = clientMissing('confluent-kafka')
  if (missing !== null) {
    console.warn(`SKIPPED: ${missing}`)
    t.skip(`SKIPPED: ${missing}`)
    return
  }
  const { broker, produce } = await setup()
  const consumers: ConsumerProcess[] = []
  const start = (name: string) => {
    const c = ConsumerProcess.start('confluent-kafka', name, {
      bootstrap: broker.bootstrap,
      group: 'duplicate-group',
      topic: 'events',
      sessionTimeoutMs: 15_000,
      instanceId: 'same-instance',
    })
    consumers.push(c)
    return c
  }
  try {
    const older = start('older')
    await waitUntil(consumers, () => older.owned.size === PARTITIONS, 'the first process to own every partition')
    await produce('first', 60)
    await waitUntil(consumers, () => older.records.length >= 60, 'the first batch')
    const newer = start('newer')
    await waitUntil(consumers, () => newer.owned.size === PARTITIONS, 'the newer process to take the instance over')
    await older.waitFor(() => older.events.some((e) => e.e === 'fatal'), 'a fatal error in the older process')
    const fatal = older.events.find((e) => e.e === 'fatal')
    assert.match(fatal && 'm' in fatal ? fatal.m : '', /fenced|FENCED_INSTANCE_ID/i)
    await produce('second', 60)
    await waitUntil(
      consumers,
      () => newer.records.filter((r) => r.v.startsWith('second')).length >= 60,
      'the second batch',
    )
    assert.equal(newer.owned.size, PARTITIONS, 'the newer process keeps every partition')
    assert.ok(
      older.records.every((r) => r.v.startsWith('first')),
      'the fenced process read nothing after it was fenced',
    )
    const values = consumers.flatMap((c) => c.records.map((r) => r.v))
    assert.equal(new Set(values).size, 120, 'every record was read')
    assert.equal(values.length, 120, 'nothing read twice')
  } finally {
    await Promise.all(consumers.map((c) => c.stop()))
    await broker.close()
  }
})
