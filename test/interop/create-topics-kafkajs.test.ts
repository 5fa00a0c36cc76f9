/**
 * kafkajs 2.2.4's admin creating a topic with an explicit replica assignment (CreateTopics v3) on a single
 * node: a broker that does not exist, or the same broker twice, is refused with INVALID_REPLICA_ASSIGNMENT
 * for that topic and nothing is created; an assignment of this node is created as given.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type * as KafkaJs from 'kafkajs'
import { type EmbeddedBroker, startBroker } from '../../src/server/embed.ts'
import { loadKafkajs } from '../helpers/interop.ts'

const kafkajs = loadKafkajs()

interface CreateTopicErrors {
  name: string
  errors: { type: string; topic: string }[]
}

describe('kafkajs admin: explicit replica assignments', {
  skip: kafkajs === null ? 'kafkajs not installed' : false,
}, () => {
  let broker: EmbeddedBroker
  let admin: KafkaJs.Admin
  let nodeId: number

  before(async () => {
    broker = await startBroker()
    const k = kafkajs!
    admin = new k.Kafka({
      brokers: [broker.bootstrap],
      clientId: 'assignments',
      logLevel: k.logLevel.NOTHING,
    }).admin()
    await admin.connect()
    nodeId = (await admin.describeCluster()).brokers[0]!.nodeId
  })
  after(async () => {
    await admin?.disconnect()
    await broker?.close()
  })

  for (const [what, replicas] of [
    ['a broker that does not exist', (id: number) => [[id], [id + 6]]],
    ['the same broker twice', (id: number) => [[id, id]]],
  ] as const) {
    it(`refuses ${what} with INVALID_REPLICA_ASSIGNMENT and creates nothing`, async () => {
      const topic = `misassigned-${what.replaceAll(' ', '-')}`
      await assert.rejects(
        admin.createTopics({
          topics: [{ topic, replicaAssignment: replicas(nodeId).map((r, partition) => ({ partition, replicas: r })) }],
        }),
        (err: unknown) => {
          const e = err as CreateTopicErrors
          assert.equal(e.name, 'KafkaJSAggregateError', String(err))
          assert.deepEqual(
            e.errors.map((x) => [x.type, x.topic]),
            [['INVALID_REPLICA_ASSIGNMENT', topic]],
          )
          return true
        },
      )
      assert.ok(!(await admin.listTopics()).includes(topic))
    })
  }

  it('creates a topic from an assignment of this node', async () => {
    const created = await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: 'assigned',
          replicaAssignment: [
            { partition: 0, replicas: [nodeId] },
            { partition: 1, replicas: [nodeId] },
          ],
        },
      ],
    })
    assert.equal(created, true)
    const { topics } = await admin.fetchTopicMetadata({ topics: ['assigned'] })
    assert.deepEqual(topics[0]?.partitions.map((p) => [p.partitionId, p.replicas, p.leader]).sort(), [
      [0, [nodeId], nodeId],
      [1, [nodeId], nodeId],
    ])
  })
})
