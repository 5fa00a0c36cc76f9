/** Metadata records for the metadata tests, filled as the controller writes them, and images as plain data. */

import { partitionRecord } from '../../src/metadata/controller/quorum-controller.ts'
import type { MetadataImage } from '../../src/metadata/image/metadata-image.ts'

import { defaultPartitionChangeRecord } from '../../src/metadata/records/generated/partition-change-record.ts'
import { defaultRegisterBrokerRecord } from '../../src/metadata/records/generated/register-broker-record.ts'
import type { MetadataRecord } from '../../src/metadata/records/metadata-record.ts'

export const TOPIC_RESOURCE = 2
export const BROKER_RESOURCE = 4

export const registerBroker = (brokerId: number, port: number, fenced = false): MetadataRecord => ({
  type: 'RegisterBrokerRecord',
  data: {
    ...defaultRegisterBrokerRecord(),
    brokerId,
    brokerEpoch: 10 + brokerId,
    incarnationId: 'AAAAAAAAAAAAAAAAAAAAAQ',
    endPoints: [{ name: 'PLAINTEXT', host: '127.0.0.1', port, securityProtocol: 0 }],
    fenced,
  },
})

export const topic = (name: string, topicId: string): MetadataRecord => ({
  type: 'TopicRecord',
  data: { name, topicId },
})

export const partition = partitionRecord

/** A PartitionChangeRecord; fields left out mean "unchanged" (leader -2, lists null), as in Kafka. */
export const partitionChange = (
  topicId: string,
  partitionId: number,
  change: { leader?: number; isr?: number[]; replicas?: number[] },
): MetadataRecord => ({
  type: 'PartitionChangeRecord',
  data: {
    ...defaultPartitionChangeRecord(),
    topicId,
    partitionId,
    leader: change.leader ?? -2,
    isr: change.isr ?? null,
    replicas: change.replicas ?? null,
  },
})

export const config = (
  resourceType: number,
  resourceName: string,
  name: string,
  value: string | null,
): MetadataRecord => ({
  type: 'ConfigRecord',
  data: { resourceType, resourceName, name, value },
})

export const removeTopic = (topicId: string): MetadataRecord => ({ type: 'RemoveTopicRecord', data: { topicId } })

export const featureLevel = (name: string, featureLevel: number): MetadataRecord => ({
  type: 'FeatureLevelRecord',
  data: { name, featureLevel },
})

export const producerIds = (nextProducerId: number): MetadataRecord => ({
  type: 'ProducerIdsRecord',
  data: { brokerId: 1, brokerEpoch: 11, nextProducerId },
})

/** Topic ids as Kafka prints them (base64 of 16 bytes). */
export const ORDERS_ID = 'b3JkZXJzLXRvcGljLWlkMQ'
export const EVENTS_ID = 'ZXZlbnRzLXRvcGljLWlkMg'
export const EVENTS_AGAIN_ID = 'ZXZlbnRzLWFnYWluLWlkMw'

/** Everything an image holds, as plain data (deepEqual does not see private fields). */
export function plain(image: MetadataImage): unknown {
  return {
    offset: image.offset,
    features: [...image.features.finalized],
    brokers: [...image.cluster.brokers],
    topicsById: [...image.topics.byId],
    topicsByName: [...image.topics.byName],
    configs: [...image.configs.entries()].map(([k, m]) => [k, [...m]]),
    nextProducerId: image.nextProducerId,
  }
}
