/**
 * `samsa groups` against a broker with one idle group (offsets committed) and one live kafkajs group:
 * list, describe with lag, members, reset-offsets (dry run, then --execute, refused while active, every
 * target), delete; the error cases answered as kafka-consumer-groups answers them.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Kafka, type Consumer as KafkaJsConsumer, logLevel } from 'kafkajs'
import { Admin } from '../../src/client/admin.ts'
import { Producer } from '../../src/client/producer.ts'
import { type EmbeddedBroker, startBroker } from '../../src/server/embed.ts'
import { runSamsa as samsa } from '../helpers/samsa-cli.ts'

interface Row {
  topic: string
  partition: number
  currentOffset: number
  logEndOffset: number
  lag: number | null
  consumerId: string
}

describe('samsa groups', () => {
  let broker: EmbeddedBroker
  let b: string[]
  let admin: Admin
  let live: KafkaJsConsumer
  /** The timestamp of events' first record; record i is stamped t0 + i seconds. */
  const t0 = Date.now() - 60_000
  before(async () => {
    broker = await startBroker()
    b = ['--bootstrap-server', broker.bootstrap]
    admin = new Admin({ bootstrapServers: broker.bootstrap })
    await admin.connect()
    await admin.createTopics([{ topic: 'orders', numPartitions: 2 }])
    const producer = new Producer({ bootstrapServers: broker.bootstrap })
    await producer.connect()
    for (let p = 0; p < 2; p++) {
      await producer.send({
        topic: 'orders',
        messages: Array.from({ length: 10 }, (_, i) => ({ value: `v${i}`, partition: p })),
      })
    }
    await admin.createTopics([
      { topic: 'events', numPartitions: 1 },
      { topic: 'trimmed', numPartitions: 1 },
    ])
    await producer.send({
      topic: 'events',
      messages: Array.from({ length: 10 }, (_, i) => ({ value: `e${i}`, partition: 0, timestamp: t0 + i * 1000 })),
    })
    await producer.send({
      topic: 'trimmed',
      messages: Array.from({ length: 10 }, (_, i) => ({ value: `t${i}`, partition: 0 })),
    })
    await producer.close()
    await admin.alterCommittedOffsets('hist', [{ topic: 'events', partition: 0, offset: 2 }])
    await admin.alterCommittedOffsets('trim', [{ topic: 'trimmed', partition: 0, offset: 8 }])
    await admin.alterCommittedOffsets('spare', [{ topic: 'events', partition: 0, offset: 1 }])
    await admin.alterCommittedOffsets('idle', [
      { topic: 'orders', partition: 0, offset: 4 },
      { topic: 'orders', partition: 1, offset: 7 },
    ])
    const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
    const kadmin = kafka.admin()
    await kadmin.connect()
    await kadmin.fetchTopicOffsets('trimmed') // kafkajs deletes records only of topics whose metadata it holds
    await kadmin.deleteTopicRecords({ topic: 'trimmed', partitions: [{ partition: 0, offset: '6' }] })
    await kadmin.disconnect()
    live = kafka.consumer({ groupId: 'live' })
    await live.connect()
    await live.subscribe({ topic: 'orders', fromBeginning: true })
    let seen = 0
    await new Promise<void>((resolve) => {
      void live.run({
        eachMessage: async () => {
          if (++seen === 20) resolve()
        },
      })
    })
  })
  after(async () => {
    await live?.disconnect()
    await admin?.close()
    await broker?.close()
  })

  it('lists groups with their states', async () => {
    const r = await samsa(['groups', 'list', '--json', ...b])
    assert.equal(r.code, 0, r.stderr)
    const groups = JSON.parse(r.stdout) as { groupId: string; state: string }[]
    assert.deepEqual(groups.map((g) => [g.groupId, g.state]).sort(), [
      ['hist', 'Empty'],
      ['idle', 'Empty'],
      ['live', 'Stable'],
      ['spare', 'Empty'],
      ['trim', 'Empty'],
    ])
  })

  it('describes committed offset, log end offset and lag per partition', async () => {
    const r = await samsa(['groups', 'describe', 'idle', '--json', ...b])
    assert.equal(r.code, 0, r.stderr)
    const rows = (JSON.parse(r.stdout) as { partitions: Row[] }).partitions
    assert.deepEqual(
      rows.map((x) => [x.topic, x.partition, x.currentOffset, x.logEndOffset, x.lag, x.consumerId]),
      [
        ['orders', 0, 4, 10, 6, '-'],
        ['orders', 1, 7, 10, 3, '-'],
      ],
    )
    const human = await samsa(['groups', 'describe', 'idle', ...b])
    assert.match(human.stdout, /has no active members/)
    assert.match(human.stdout, /GROUP\s+TOPIC\s+PARTITION\s+CURRENT-OFFSET\s+LOG-END-OFFSET\s+LAG/)
  })

  it('shows the members of a live group with their assignments', async () => {
    const r = await samsa(['groups', 'describe', 'live', '--members', '--json', ...b])
    assert.equal(r.code, 0, r.stderr)
    const g = JSON.parse(r.stdout) as {
      state: string
      members: { assignment: { topic: string; partitions: number[] }[] }[]
    }
    assert.equal(g.state, 'Stable')
    assert.equal(g.members.length, 1)
    assert.deepEqual(g.members[0]?.assignment, [{ topic: 'orders', partitions: [0, 1] }])
  })

  it('resets offsets: a dry run changes nothing, --execute commits, offsets stay within the log', async () => {
    const dry = await samsa(['groups', 'reset-offsets', 'idle', '--topic', 'orders', '--to-earliest', '--json', ...b])
    assert.equal(dry.code, 0, dry.stderr)
    assert.deepEqual(JSON.parse(dry.stdout), [
      { topic: 'orders', partition: 0, offset: 0 },
      { topic: 'orders', partition: 1, offset: 0 },
    ])
    assert.match(dry.stderr, /Dry run/)
    assert.deepEqual(
      (await admin.fetchCommittedOffsets('idle')).map((o) => o.offset),
      [4, 7],
    )
    const shifted = await samsa([
      'groups',
      'reset-offsets',
      'idle',
      '--topic',
      'orders:1',
      '--shift-by',
      '5',
      '--execute',
      '--json',
      ...b,
    ])
    assert.equal(shifted.code, 0, shifted.stderr)
    assert.deepEqual(
      JSON.parse(shifted.stdout),
      [{ topic: 'orders', partition: 1, offset: 10 }],
      '7 + 5 is clamped to the log end',
    )
    const exact = await samsa([
      'groups',
      'reset-offsets',
      'idle',
      '--all-topics',
      '--to-offset',
      '2',
      '--execute',
      ...b,
    ])
    assert.equal(exact.code, 0, exact.stderr)
    assert.deepEqual(
      (await admin.fetchCommittedOffsets('idle')).map((o) => o.offset),
      [2, 2],
    )
    const future = await samsa([
      'groups',
      'reset-offsets',
      'idle',
      '--all-topics',
      '--to-datetime',
      new Date(Date.now() + 3_600_000).toISOString(),
      '--json',
      ...b,
    ])
    assert.deepEqual(
      (JSON.parse(future.stdout) as { offset: number }[]).map((o) => o.offset),
      [10, 10],
      'no record at or after the time: the log end',
    )
  })

  it('refuses to reset or delete an active group, and deletes an idle one', async () => {
    const reset = await samsa(['groups', 'reset-offsets', 'live', '--all-topics', '--to-earliest', '--execute', ...b])
    assert.equal(reset.code, 1)
    assert.match(reset.stderr, /can only be reset if the group 'live' is inactive, but the current state is Stable/)
    const busy = await samsa(['groups', 'delete', 'live', ...b])
    assert.equal(busy.code, 1)
    assert.match(busy.stderr, /NON_EMPTY_GROUP/)
    const del = await samsa(['groups', 'delete', 'idle', ...b])
    assert.equal(del.code, 0, del.stderr)
    const gone = await samsa(['groups', 'delete', 'idle', ...b])
    assert.match(gone.stderr, /GROUP_ID_NOT_FOUND/)
  })

  const committedOf = async (group: string) =>
    (await admin.fetchCommittedOffsets(group)).map((o) => [o.topic, o.partition, o.offset])
  const reset = async (group: string, ...args: string[]) => {
    const r = await samsa(['groups', 'reset-offsets', group, ...args, '--json', ...b])
    return { ...r, planned: r.code === 0 ? (JSON.parse(r.stdout) as { offset: number }[]).map((o) => o.offset) : [] }
  }

  it('resets to the latest, the earliest, and a time inside the log (--dry-run shows, --execute commits)', async () => {
    const latest = await reset('hist', '--topic', 'events', '--to-latest', '--dry-run')
    assert.equal(latest.code, 0, latest.stderr)
    assert.deepEqual(latest.planned, [10])
    assert.deepEqual(await committedOf('hist'), [['events', 0, 2]], 'an explicit dry run changes nothing')
    const both = await reset('hist', '--topic', 'events', '--to-latest', '--dry-run', '--execute')
    assert.equal(both.code, 1)
    assert.match(both.stderr, /only one of --execute and --dry-run/)

    assert.equal((await reset('hist', '--topic', 'events', '--to-latest', '--execute')).code, 0)
    assert.deepEqual(await committedOf('hist'), [['events', 0, 10]])
    assert.equal((await reset('hist', '--topic', 'events', '--to-earliest', '--execute')).code, 0)
    assert.deepEqual(await committedOf('hist'), [['events', 0, 0]])
    // Record 5 is stamped t0 + 5 s: the first record at or after t0 + 4.5 s.
    const when = new Date(t0 + 4500).toISOString()
    const byTime = await reset('hist', '--topic', 'events', '--to-datetime', when, '--execute')
    assert.equal(byTime.code, 0, byTime.stderr)
    assert.deepEqual(byTime.planned, [5])
    assert.deepEqual(await committedOf('hist'), [['events', 0, 5]])
    const exact = await reset('hist', '--topic', 'events', '--to-datetime', String(t0 + 7000))
    assert.deepEqual(exact.planned, [7], 'epoch ms naming a record exactly gives that record')
  })

  it('shifts back past the log start to the log start, and refuses to shift a partition with no committed offset', async () => {
    // trimmed: 10 records, the first 6 deleted; the group sits at 8.
    const back = await reset('trim', '--topic', 'trimmed', '--shift-by', '-5', '--execute')
    assert.equal(back.code, 0, back.stderr)
    assert.deepEqual(back.planned, [6], '8 - 5 is clamped to the log start offset 6')
    assert.deepEqual(await committedOf('trim'), [['trimmed', 0, 6]])
    const none = await reset('trim', '--topic', 'events', '--shift-by', '1', '--execute')
    assert.equal(none.code, 1)
    assert.match(none.stderr, /Cannot shift offset for partition events-0 since there is no current committed offset/)
    assert.deepEqual(await committedOf('trim'), [['trimmed', 0, 6]], 'nothing committed')
  })

  it('refuses even a dry run for an active group', async () => {
    const dry = await samsa(['groups', 'reset-offsets', 'live', '--all-topics', '--to-earliest', ...b])
    assert.equal(dry.code, 1)
    assert.match(dry.stderr, /can only be reset if the group 'live' is inactive, but the current state is Stable/)
    assert.equal(dry.stdout, '', 'no plan is shown')
  })

  it('says a group that does not exist does not exist', async () => {
    for (const extra of [[], ['--members']]) {
      const r = await samsa(['groups', 'describe', 'nosuch', ...extra, ...b])
      assert.equal(r.code, 1)
      assert.match(r.stderr, /Consumer group 'nosuch' does not exist\./)
    }
  })

  it('deletes every group it can and reports each one that failed', async () => {
    const r = await samsa(['groups', 'delete', 'spare', 'nosuch', 'live', ...b])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /Deletion of some consumer groups failed/)
    assert.match(r.stderr, /\* Group 'nosuch' could not be deleted due to: GROUP_ID_NOT_FOUND/)
    assert.match(r.stderr, /\* Group 'live' could not be deleted due to: NON_EMPTY_GROUP/)
    assert.match(r.stdout, /These consumer groups were deleted successfully: 'spare'/)
    assert.deepEqual(await committedOf('spare'), [], 'spare is gone although a later group failed')
    const two = await samsa(['groups', 'delete', 'hist', 'trim', ...b])
    assert.equal(two.code, 0, two.stderr)
    assert.equal(two.stdout.trim(), "Deletion of requested consumer groups ('hist', 'trim') was successful.")
  })

  it('the groups live in __consumer_offsets as Kafka creates it by default: 50 compacted partitions, one replica on one node', async () => {
    const [topic] = await admin.describeTopics(['__consumer_offsets'])
    assert.equal(topic?.isInternal, true)
    assert.equal(topic?.partitions.length, 50, 'offsets.topic.num.partitions defaults to 50')
    assert.ok(
      topic?.partitions.every((p) => p.replicas.length === 1 && p.isr.length === 1),
      'offsets.topic.replication.factor 3 is capped at the one broker there is',
    )
    const [described] = await admin.describeConfigs([{ type: 'topic', name: '__consumer_offsets' }])
    const config = new Map(described?.configs.map((c) => [c.name, c.value]))
    assert.equal(config.get('cleanup.policy'), 'compact')
    assert.equal(config.get('segment.bytes'), '104857600', 'offsets.topic.segment.bytes')
  })
})
