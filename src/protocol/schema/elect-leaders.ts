// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 implements multiple leader election types, as described by KIP-460.
//
// Version 2 is the first flexible version.
export const ElectLeadersRequestSchema = {
  apiKey: 43,
  type: 'request',
  name: 'ElectLeadersRequest',
  validVersions: '0-2',
  flexibleVersions: '2+',
  listeners: ['zkBroker', 'broker', 'controller'],
  fields: [
    {
      name: 'ElectionType',
      type: 'int8',
      versions: '1+',
      about:
        "Type of elections to conduct for the partition. A value of '0' elects the preferred replica. A value of '1' elects the first live replica if there are no in-sync replica.",
    },
    {
      name: 'TopicPartitions',
      type: '[]TopicPartitions',
      versions: '0+',
      nullableVersions: '0+',
      about: 'The topic partitions to elect leaders.',
      fields: [
        {
          name: 'Topic',
          type: 'string',
          versions: '0+',
          entityType: 'topicName',
          mapKey: true,
          about: 'The name of a topic.',
        },
        {
          name: 'Partitions',
          type: '[]int32',
          versions: '0+',
          about: 'The partitions of this topic whose leader should be elected.',
        },
      ],
    },
    {
      name: 'TimeoutMs',
      type: 'int32',
      versions: '0+',
      default: '60000',
      about: 'The time in ms to wait for the election to complete.',
    },
  ],
} as const satisfies MessageSchema

// Version 1 adds a top-level error code.
//
// Version 2 is the first flexible version.
export const ElectLeadersResponseSchema = {
  apiKey: 43,
  type: 'response',
  name: 'ElectLeadersResponse',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    {
      name: 'ThrottleTimeMs',
      type: 'int32',
      versions: '0+',
      about:
        'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.',
    },
    { name: 'ErrorCode', type: 'int16', versions: '1+', ignorable: false, about: 'The top level response error code.' },
    {
      name: 'ReplicaElectionResults',
      type: '[]ReplicaElectionResult',
      versions: '0+',
      about:
        'The election results, or an empty array if the requester did not have permission and the request asks for all partitions.',
      fields: [
        { name: 'Topic', type: 'string', versions: '0+', entityType: 'topicName', about: 'The topic name' },
        {
          name: 'PartitionResult',
          type: '[]PartitionResult',
          versions: '0+',
          about: 'The results for each partition',
          fields: [
            { name: 'PartitionId', type: 'int32', versions: '0+', about: 'The partition id' },
            {
              name: 'ErrorCode',
              type: 'int16',
              versions: '0+',
              about: 'The result error, or zero if there was no error.',
            },
            {
              name: 'ErrorMessage',
              type: 'string',
              versions: '0+',
              nullableVersions: '0+',
              about: 'The result message, or null if there was no error.',
            },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSchema
