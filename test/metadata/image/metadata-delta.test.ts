/**
 * MetadataDelta: replaying metadata records onto an image and applying them gives the next image, the
 * way every broker and the controller rebuild cluster state from the metadata log.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MetadataDelta } from '../../../src/metadata/image/metadata-delta.ts'
import { MetadataImage } from '../../../src/metadata/image/metadata-image.ts'
import type { MetadataRecord } from '../../../src/metadata/records/metadata-record.ts'
import {
  BROKER_RESOURCE,
  config,
  EVENTS_AGAIN_ID,
  EVENTS_ID,
  featureLevel,
  ORDERS_ID,
  partition,
  partitionChange,
  plain,
  producerIds,
  registerBroker,
  removeTopic,
  TOPIC_RESOURCE,
  topic,
} from '../fixtures.ts'

function replay(
  image: MetadataImage,
  records: MetadataRecord[],
  offset: number,
): { delta: MetadataDelta; next: MetadataImage } {
  const delta = new MetadataDelta(image)
  for (const r of records) delta.replay(r)
  return { delta, next: delta.apply(offset) }
}

/** A cluster of two brokers with `orders` (2 partitions) and `events` (1 partition), and some configs. */
const BASE: MetadataRecord[] = [
  featureLevel('metadata.version', 19),
  registerBroker(1, 9092),
  registerBroker(2, 9093),
  topic('orders', ORDERS_ID),
  partition(ORDERS_ID, 0, [1, 2]),
  partition(ORDERS_ID, 1, [2, 1]),
  config(TOPIC_RESOURCE, 'orders', 'retention.ms', '3600000'),
  topic('events', EVENTS_ID),
  partition(EVENTS_ID, 0, [1]),
  config(TOPIC_RESOURCE, 'events', 'cleanup.policy', 'compact'),
  config(BROKER_RESOURCE, '', 'log.retention.ms', '7200000'),
  config(BROKER_RESOURCE, '1', 'log.cleaner.backoff.ms', '1000'),
  producerIds(2000),
]

const base = (): MetadataImage => replay(MetadataImage.EMPTY, BASE, 12).next

describe('MetadataDelta', () => {
  it('replays a record sequence into the expected image', () => {
    const image = base()
    assert.equal(image.offset, 12)
    assert.equal(image.features.metadataVersion, 19)
    assert.deepEqual(
      image.cluster.activeBrokers.map((b) => [b.id, b.epoch, b.listeners.map((l) => `${l.host}:${l.port}`)]),
      [
        [1, 11, ['127.0.0.1:9092']],
        [2, 12, ['127.0.0.1:9093']],
      ],
    )
    assert.deepEqual([...image.topics.byName.keys()].sort(), ['events', 'orders'])
    assert.equal(image.topics.getTopicById(ORDERS_ID)?.name, 'orders')
    assert.deepEqual(image.topics.getPartition('orders', 1), {
      partitionId: 1,
      replicas: [2, 1],
      isr: [2, 1],
      removingReplicas: [],
      addingReplicas: [],
      leader: 2,
      leaderEpoch: 0,
      partitionEpoch: 0,
    })
    assert.deepEqual(image.configs.toRecord(TOPIC_RESOURCE, 'orders'), { 'retention.ms': '3600000' })
    assert.deepEqual(image.configs.toRecord(TOPIC_RESOURCE, 'events'), { 'cleanup.policy': 'compact' })
    assert.deepEqual(image.configs.toRecord(BROKER_RESOURCE, ''), { 'log.retention.ms': '7200000' })
    assert.deepEqual(image.configs.toRecord(BROKER_RESOURCE, '1'), { 'log.cleaner.backoff.ms': '1000' })
    assert.equal(image.nextProducerId, 2000)
  })

  it('gives the same image whether the records come in one delta or in several', () => {
    let stepwise = MetadataImage.EMPTY
    for (const [i, r] of BASE.entries()) stepwise = replay(stepwise, [r], i).next
    assert.deepEqual(plain(stepwise), plain(base()))
  })

  it('reports created topics with their partitions, and changed topics with only the changed partitions', () => {
    const first = replay(MetadataImage.EMPTY, BASE, 12).delta
    assert.equal(first.changedTopics.get(ORDERS_ID)?.isNew, true)
    assert.deepEqual([...(first.changedTopics.get(ORDERS_ID)?.partitions.keys() ?? [])], [0, 1])
    const { delta } = replay(base(), [partitionChange(ORDERS_ID, 1, { isr: [2] })], 13)
    assert.deepEqual([...delta.changedTopics.keys()], [ORDERS_ID])
    assert.equal(delta.changedTopics.get(ORDERS_ID)?.isNew, false)
    assert.deepEqual([...(delta.changedTopics.get(ORDERS_ID)?.partitions.keys() ?? [])], [1])
    assert.equal(delta.deletedTopics.size, 0)
    assert.equal(delta.hasConfigChanges, false)
  })

  it('PartitionChangeRecord: a leader in the record bumps the leader epoch, every change bumps the partition epoch, unset fields stay', () => {
    const image = base()
    const isrOnly = replay(image, [partitionChange(ORDERS_ID, 0, { isr: [1] })], 13).next
    assert.deepEqual(isrOnly.topics.getPartition('orders', 0), {
      ...image.topics.getPartition('orders', 0)!,
      isr: [1],
      partitionEpoch: 1,
    })
    const newLeader = replay(isrOnly, [partitionChange(ORDERS_ID, 0, { leader: 2, isr: [2] })], 14).next
    assert.deepEqual(newLeader.topics.getPartition('orders', 0), {
      ...isrOnly.topics.getPartition('orders', 0)!,
      leader: 2,
      isr: [2],
      leaderEpoch: 1,
      partitionEpoch: 2,
    })
    // The same leader again still starts a new leader epoch (Kafka's PartitionRegistration.merge): the
    // controller writes the leader when it wants the bump, e.g. when replicas are removed.
    const sameLeader = replay(newLeader, [partitionChange(ORDERS_ID, 0, { leader: 2, replicas: [2] })], 15).next
    assert.equal(sameLeader.topics.getPartition('orders', 0)?.leaderEpoch, 2)
    assert.equal(sameLeader.topics.getPartition('orders', 0)?.partitionEpoch, 3)
    assert.deepEqual(sameLeader.topics.getPartition('orders', 0)?.replicas, [2])
    // The other partition and topic are untouched (and shared with the previous image).
    assert.equal(sameLeader.topics.getPartition('orders', 1), image.topics.getPartition('orders', 1))
    assert.equal(sameLeader.topics.getTopic('events'), image.topics.getTopic('events'))
  })

  it('adds partitions to an existing topic (CreatePartitions) and keeps the old ones', () => {
    const image = base()
    const { delta, next } = replay(image, [partition(ORDERS_ID, 2, [1, 2]), partition(ORDERS_ID, 3, [2, 1])], 13)
    assert.deepEqual([...(next.topics.getTopic('orders')?.partitions.keys() ?? [])].sort(), [0, 1, 2, 3])
    assert.equal(next.topics.getPartition('orders', 0), image.topics.getPartition('orders', 0))
    assert.deepEqual([...(delta.changedTopics.get(ORDERS_ID)?.partitions.keys() ?? [])], [2, 3])
    assert.equal(next.topics.getTopicById(ORDERS_ID)?.name, 'orders')
  })

  it('RemoveTopicRecord removes the topic by id and name with its configs; the name can then be created again', () => {
    const image = base()
    const { delta, next } = replay(image, [removeTopic(EVENTS_ID)], 13)
    assert.equal(next.topics.getTopic('events'), undefined)
    assert.equal(next.topics.getTopicById(EVENTS_ID), undefined)
    assert.deepEqual(next.configs.toRecord(TOPIC_RESOURCE, 'events'), {}, 'its configs go with it')
    assert.deepEqual(next.configs.toRecord(TOPIC_RESOURCE, 'orders'), { 'retention.ms': '3600000' })
    assert.deepEqual([...delta.deletedTopics.keys()], [EVENTS_ID])
    assert.equal(delta.deletedTopics.get(EVENTS_ID)?.name, 'events')
    assert.equal(next.topics.getTopic('orders'), image.topics.getTopic('orders'))

    const again = replay(next, [topic('events', EVENTS_AGAIN_ID), partition(EVENTS_AGAIN_ID, 0, [2])], 14).next
    assert.equal(again.topics.getTopic('events')?.topicId, EVENTS_AGAIN_ID)
    assert.equal(again.topics.getTopicById(EVENTS_ID), undefined)
    assert.deepEqual(again.configs.toRecord(TOPIC_RESOURCE, 'events'), {}, 'the old configs do not come back')
  })

  it('removal and re-creation of a name within one delta leaves only the new topic', () => {
    const { delta, next } = replay(
      base(),
      [removeTopic(EVENTS_ID), topic('events', EVENTS_AGAIN_ID), partition(EVENTS_AGAIN_ID, 0, [2])],
      13,
    )
    assert.equal(next.topics.getTopic('events')?.topicId, EVENTS_AGAIN_ID)
    assert.deepEqual(next.topics.getPartition('events', 0)?.replicas, [2])
    assert.equal(next.topics.getTopicById(EVENTS_ID), undefined)
    assert.deepEqual([...delta.deletedTopics.keys()], [EVENTS_ID])
    assert.equal(delta.changedTopics.get(EVENTS_AGAIN_ID)?.isNew, true)
  })

  it('a topic created and removed within one delta never appears', () => {
    const { next } = replay(
      base(),
      [topic('brief', EVENTS_AGAIN_ID), partition(EVENTS_AGAIN_ID, 0, [1]), removeTopic(EVENTS_AGAIN_ID)],
      13,
    )
    assert.equal(next.topics.getTopic('brief'), undefined)
    assert.equal(next.topics.getTopicById(EVENTS_AGAIN_ID), undefined)
  })

  it('ConfigRecord sets and, with a null value, deletes a key; a resource with no keys left is gone', () => {
    const { delta, next } = replay(
      base(),
      [
        config(TOPIC_RESOURCE, 'orders', 'retention.ms', null),
        config(TOPIC_RESOURCE, 'orders', 'max.message.bytes', '2048'),
        config(BROKER_RESOURCE, '1', 'log.cleaner.backoff.ms', null),
        config(BROKER_RESOURCE, '', 'log.retention.ms', '60000'),
      ],
      13,
    )
    assert.deepEqual(next.configs.toRecord(TOPIC_RESOURCE, 'orders'), { 'max.message.bytes': '2048' })
    assert.deepEqual(next.configs.toRecord(BROKER_RESOURCE, ''), { 'log.retention.ms': '60000' })
    assert.deepEqual(
      [...next.configs.entries()].map(([k]) => k).sort(),
      ['2:events', '2:orders', '4:'],
      'broker 1 has no overrides left',
    )
    assert.equal(delta.hasConfigChanges, true)
    assert.deepEqual([...delta.changedConfigResources].sort(), ['2:orders', '4:', '4:1'])
  })

  it('broker registrations replace earlier ones; fenced brokers are not active', () => {
    const next = replay(base(), [registerBroker(2, 9094, true)], 13).next
    assert.equal(next.cluster.brokers.get(2)?.listeners[0]?.port, 9094)
    assert.deepEqual(
      next.cluster.activeBrokers.map((b) => b.id),
      [1],
    )
  })

  it('leaves the image it started from unchanged', () => {
    const image = base()
    const snapshot = structuredClone(plain(image))
    replay(
      image,
      [
        removeTopic(EVENTS_ID),
        partitionChange(ORDERS_ID, 0, { leader: 2 }),
        config(TOPIC_RESOURCE, 'orders', 'retention.ms', null),
        registerBroker(3, 9095),
      ],
      13,
    )
    assert.deepEqual(plain(image), snapshot)
  })

  it('refuses records about topics or partitions it does not know', () => {
    assert.throws(
      () => new MetadataDelta(base()).replay(partitionChange(ORDERS_ID, 7, { leader: 1 })),
      /unknown partition/,
    )
    assert.throws(() => new MetadataDelta(base()).replay(partition(EVENTS_AGAIN_ID, 0, [1])), /unknown topic id/)
  })
})
