/**
 * `samsa groups` against a broker with one idle group (offsets committed) and one live kafkajs group:
 * list, describe with lag, members, reset-offsets (dry run, then --execute, refused while active), delete.
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
    await producer.close()
    await admin.alterCommittedOffsets('idle', [
      { topic: 'orders', partition: 0, offset: 4 },
      { topic: 'orders', partition: 1, offset: 7 },
    ])
    const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
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
    assert.deepEqual(
      groups.map((g) => [g.groupId, g.state]),
      [
        ['idle', 'Empty'],
        ['live', 'Stable'],
      ],
    )
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
})
