// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

export const ListPartitionReassignmentsRequestSchema = {
  apiKey: 46,
  type: 'request',
  name: 'ListPartitionReassignmentsRequest',
  validVersions: '0',
  flexibleVersions: '0+',
  listeners: ['broker', 'controller', 'zkBroker'],
  fields: [
    {
      name: 'TimeoutMs',
      type: 'int32',
      versions: '0+',
      default: '60000',
      about: 'The time in ms to wait for the request to complete.',
    },
    {
      name: 'Topics',
      type: '[]ListPartitionReassignmentsTopics',
      versions: '0+',
      nullableVersions: '0+',
      default: 'null',
      about: 'The topics to list partition reassignments for, or null to list everything.',
      fields: [
        { name: 'Name', type: 'string', versions: '0+', entityType: 'topicName', about: 'The topic name' },
        {
          name: 'PartitionIndexes',
          type: '[]int32',
          versions: '0+',
          about: 'The partitions to list partition reassignments for.',
        },
      ],
    },
  ],
} as const satisfies MessageSchema

export const ListPartitionReassignmentsResponseSchema = {
  apiKey: 46,
  type: 'response',
  name: 'ListPartitionReassignmentsResponse',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    {
      name: 'ThrottleTimeMs',
      type: 'int32',
      versions: '0+',
      about:
        'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.',
    },
    { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The top-level error code, or 0 if there was no error' },
    {
      name: 'ErrorMessage',
      type: 'string',
      versions: '0+',
      nullableVersions: '0+',
      about: 'The top-level error message, or null if there was no error.',
    },
    {
      name: 'Topics',
      type: '[]OngoingTopicReassignment',
      versions: '0+',
      about: 'The ongoing reassignments for each topic.',
      fields: [
        { name: 'Name', type: 'string', versions: '0+', entityType: 'topicName', about: 'The topic name.' },
        {
          name: 'Partitions',
          type: '[]OngoingPartitionReassignment',
          versions: '0+',
          about: 'The ongoing reassignments for each partition.',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+', about: 'The index of the partition.' },
            {
              name: 'Replicas',
              type: '[]int32',
              versions: '0+',
              entityType: 'brokerId',
              about: 'The current replica set.',
            },
            {
              name: 'AddingReplicas',
              type: '[]int32',
              versions: '0+',
              entityType: 'brokerId',
              about: 'The set of replicas we are currently adding.',
            },
            {
              name: 'RemovingReplicas',
              type: '[]int32',
              versions: '0+',
              entityType: 'brokerId',
              about: 'The set of replicas we are currently removing.',
            },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSchema
