import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Admin } from '../../src/client/admin.ts'
import { KafkaResponseError } from '../../src/client/errors.ts'
import { Producer } from '../../src/client/producer.ts'
import { SamsaError } from '../../src/common/errors.ts'
import { type EmbeddedBroker, startBroker } from '../../src/server/embed.ts'

/** Asserts a rejection with a KafkaResponseError of the given Kafka error name. */
function kafkaError(errorName: string, resource?: string) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof KafkaResponseError, `expected a KafkaResponseError, got ${String(err)}`)
    assert.ok(err instanceof SamsaError)
    assert.equal(err.code, 'SAMSA_ERR_CLIENT_KAFKA')
    assert.equal(err.errorName, errorName)
    assert.match(err.message, new RegExp(`^${errorName}`))
    if (resource !== undefined) assert.equal(err.resource, resource)
    return true
  }
}

describe('Admin against an embedded broker', () => {
  let broker: EmbeddedBroker
  let admin: Admin

  before(async () => {
    broker = await startBroker({ config: { 'num.partitions': '2' } })
    admin = new Admin({ bootstrapServers: broker.bootstrap, clientId: 'admin-test' })
    await admin.connect()
  })

  after(async () => {
    await admin.close()
    await broker.close()
  })

  it('creates topics with partitions, replication factor and configs, and lists them', async () => {
    const created = await admin.createTopics([
      { topic: 'admin-a', numPartitions: 3, replicationFactor: 1, configs: { 'retention.ms': '3600000' } },
      { topic: 'admin-b' },
    ])
    assert.deepEqual(
      created.map((t) => [t.topic, t.numPartitions, t.replicationFactor]),
      [
        ['admin-a', 3, 1],
        ['admin-b', 2, 1],
      ],
    )
    assert.notEqual(created[0]!.topicId, 'AAAAAAAAAAAAAAAAAAAAAA')
    const topics = await admin.listTopics()
    assert.ok(topics.includes('admin-a') && topics.includes('admin-b'))
    assert.deepEqual(topics, [...topics].sort())
  })

  it('reports TOPIC_ALREADY_EXISTS with the topic name, and validateOnly creates nothing', async () => {
    await assert.rejects(admin.createTopics([{ topic: 'admin-a' }]), kafkaError('TOPIC_ALREADY_EXISTS', 'admin-a'))
    await admin.createTopics([{ topic: 'admin-validate-only', numPartitions: 1 }], { validateOnly: true })
    assert.ok(!(await admin.listTopics()).includes('admin-validate-only'))
  })

  it('rejects an invalid partition count with the Kafka error name', async () => {
    await assert.rejects(
      admin.createTopics([{ topic: 'admin-bad', numPartitions: 0 }]),
      kafkaError('INVALID_PARTITIONS', 'admin-bad'),
    )
  })

  it('describes topics: partitions, leader, replicas, isr and topic id', async () => {
    const [a] = await admin.describeTopics(['admin-a'])
    assert.ok(a !== undefined)
    assert.equal(a.name, 'admin-a')
    assert.equal(a.isInternal, false)
    assert.deepEqual(
      a.partitions.map((p) => p.partition),
      [0, 1, 2],
    )
    const cluster = await admin.describeCluster()
    const nodeId = cluster.brokers[0]!.nodeId
    for (const p of a.partitions) {
      assert.equal(p.leader, nodeId)
      assert.deepEqual(p.replicas, [nodeId])
      assert.deepEqual(p.isr, [nodeId])
    }
    await assert.rejects(admin.describeTopics(['admin-missing']), kafkaError('UNKNOWN_TOPIC_OR_PARTITION'))
  })

  it('creates a topic from an explicit replica assignment', async () => {
    const { brokers } = await admin.describeCluster()
    const nodeId = brokers[0]!.nodeId
    await admin.createTopics([{ topic: 'admin-assigned', assignments: { 0: [nodeId], 1: [nodeId], 2: [nodeId] } }])
    const [t] = await admin.describeTopics(['admin-assigned'])
    assert.deepEqual(
      t?.partitions.map((p) => [p.partition, p.replicas]),
      [
        [0, [nodeId]],
        [1, [nodeId]],
        [2, [nodeId]],
      ],
    )
  })

  it('refuses an explicit assignment to a broker that does not exist, or to one broker twice, naming the problem', async () => {
    const nodeId = (await admin.describeCluster()).brokers[0]!.nodeId
    const refused = (detail: RegExp) => (err: unknown) =>
      kafkaError('INVALID_REPLICA_ASSIGNMENT', 'admin-misassigned')(err) && detail.test((err as Error).message)
    await assert.rejects(
      admin.createTopics([{ topic: 'admin-misassigned', assignments: { 0: [nodeId], 1: [nodeId + 6] } }]),
      refused(new RegExp(`broker ${nodeId + 6}, but no such broker is registered`)),
    )
    await assert.rejects(
      admin.createTopics([{ topic: 'admin-misassigned', assignments: { 0: [nodeId, nodeId] } }]),
      refused(/Duplicate brokers/),
    )
    assert.ok(!(await admin.listTopics()).includes('admin-misassigned'))
  })

  it('describes the cluster', async () => {
    const cluster = await admin.describeCluster()
    assert.equal(typeof cluster.clusterId, 'string')
    assert.equal(cluster.brokers.length, 1)
    assert.equal(cluster.brokers[0]!.port, broker.port)
    assert.equal(cluster.controllerId, cluster.brokers[0]!.nodeId)
  })

  it('adds partitions', async () => {
    await admin.createPartitions('admin-b', 4)
    const [b] = await admin.describeTopics(['admin-b'])
    assert.equal(b!.partitions.length, 4)
    await assert.rejects(admin.createPartitions('admin-b', 3), kafkaError('INVALID_PARTITIONS', 'admin-b'))
  })

  it('refuses adding more than 10,000 partitions in one request (POLICY_VIOLATION) and adds none', async () => {
    await assert.rejects(admin.createPartitions('admin-b', 10_005), kafkaError('POLICY_VIOLATION'))
    await assert.rejects(admin.createPartitions('admin-b', 0x7fffffff), kafkaError('POLICY_VIOLATION'))
    const [b] = await admin.describeTopics(['admin-b'])
    assert.equal(b!.partitions.length, 4)
  })

  it('describes topic and broker configs with source, default flag and synonyms', async () => {
    const [topic] = await admin.describeConfigs([
      { type: 'topic', name: 'admin-a', keys: ['retention.ms', 'cleanup.policy'] },
    ])
    assert.ok(topic !== undefined)
    const byName = new Map(topic.configs.map((c) => [c.name, c]))
    const retention = byName.get('retention.ms')
    assert.equal(retention?.value, '3600000')
    assert.equal(retention?.source, 'DYNAMIC_TOPIC_CONFIG')
    assert.equal(retention?.isDefault, false)
    const cleanup = byName.get('cleanup.policy')
    assert.equal(cleanup?.value, 'delete')
    assert.equal(cleanup?.isDefault, true)
    assert.equal(cleanup?.source, 'DEFAULT_CONFIG')
    assert.ok(cleanup?.synonyms.some((s) => s.name === 'log.cleanup.policy'))

    const { brokers } = await admin.describeCluster()
    const [brokerConfig] = await admin.describeConfigs([
      { type: 'broker', name: String(brokers[0]!.nodeId), keys: ['num.partitions'] },
    ])
    const numPartitions = brokerConfig?.configs.find((c) => c.name === 'num.partitions')
    assert.equal(numPartitions?.value, '2')
    assert.equal(numPartitions?.isDefault, false)

    await assert.rejects(
      admin.describeConfigs([{ type: 'topic', name: 'admin-missing' }]),
      kafkaError('UNKNOWN_TOPIC_OR_PARTITION', 'admin-missing'),
    )
  })

  it('lists earliest, latest, by-timestamp and max-timestamp offsets', async () => {
    await admin.createTopics([{ topic: 'admin-offsets', numPartitions: 2 }])
    const producer = new Producer({ bootstrapServers: broker.bootstrap, lingerMs: 0 })
    try {
      const base = 1_700_000_000_000
      await producer.send({
        topic: 'admin-offsets',
        messages: [0, 1, 2, 3, 4].map((i) => ({ value: `v${i}`, partition: 0, timestamp: base + i * 1000 })),
      })
      await producer.send({ topic: 'admin-offsets', messages: [{ value: 'x', partition: 1, timestamp: base }] })
      const earliest = await admin.listOffsets('admin-offsets', null, 'earliest')
      assert.deepEqual(
        earliest.map((o) => [o.partition, o.offset]),
        [
          [0, 0],
          [1, 0],
        ],
      )
      const latest = await admin.listOffsets('admin-offsets', [0, 1], 'latest')
      assert.deepEqual(
        latest.map((o) => [o.partition, o.offset]),
        [
          [0, 5],
          [1, 1],
        ],
      )
      const [byTime] = await admin.listOffsets('admin-offsets', [0], base + 2500)
      assert.equal(byTime?.offset, 3)
      assert.equal(byTime?.timestamp, base + 3000)
      const [afterEnd] = await admin.listOffsets('admin-offsets', [0], base + 60_000)
      assert.equal(afterEnd?.offset, -1)
      const [max] = await admin.listOffsets('admin-offsets', [0], 'max-timestamp')
      assert.equal(max?.offset, 4)
      assert.equal(max?.timestamp, base + 4000)
    } finally {
      await producer.close()
    }
  })

  it('deletes topics, and reports unknown ones', async () => {
    await admin.deleteTopics(['admin-b'])
    assert.ok(!(await admin.listTopics()).includes('admin-b'))
    await assert.rejects(admin.describeTopics(['admin-b']), kafkaError('UNKNOWN_TOPIC_OR_PARTITION', 'admin-b'))
    await assert.rejects(admin.deleteTopics(['admin-never']), kafkaError('UNKNOWN_TOPIC_OR_PARTITION', 'admin-never'))
  })
})
