// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

export const AlterPartitionReassignmentsRequestSchema = {
  apiKey: 45,
  type: 'request',
  name: 'AlterPartitionReassignmentsRequest',
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
      type: '[]ReassignableTopic',
      versions: '0+',
      about: 'The topics to reassign.',
      fields: [
        { name: 'Name', type: 'string', versions: '0+', entityType: 'topicName', about: 'The topic name.' },
        {
          name: 'Partitions',
          type: '[]ReassignablePartition',
          versions: '0+',
          about: 'The partitions to reassign.',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+', about: 'The partition index.' },
            {
              name: 'Replicas',
              type: '[]int32',
              versions: '0+',
              nullableVersions: '0+',
              default: 'null',
              entityType: 'brokerId',
              about:
                'The replicas to place the partitions on, or null to cancel a pending reassignment for this partition.',
            },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSchema

export const AlterPartitionReassignmentsResponseSchema = {
  apiKey: 45,
  type: 'response',
  name: 'AlterPartitionReassignmentsResponse',
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
    {
      name: 'ErrorCode',
      type: 'int16',
      versions: '0+',
      about: 'The top-level error code, or 0 if there was no error.',
    },
    {
      name: 'ErrorMessage',
      type: 'string',
      versions: '0+',
      nullableVersions: '0+',
      about: 'The top-level error message, or null if there was no error.',
    },
    {
      name: 'Responses',
      type: '[]ReassignableTopicResponse',
      versions: '0+',
      about: 'The responses to topics to reassign.',
      fields: [
        { name: 'Name', type: 'string', versions: '0+', entityType: 'topicName', about: 'The topic name' },
        {
          name: 'Partitions',
          type: '[]ReassignablePartitionResponse',
          versions: '0+',
          about: 'The responses to partitions to reassign',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+', about: 'The partition index.' },
            {
              name: 'ErrorCode',
              type: 'int16',
              versions: '0+',
              about: 'The error code for this partition, or 0 if there was no error.',
            },
            {
              name: 'ErrorMessage',
              type: 'string',
              versions: '0+',
              nullableVersions: '0+',
              about: 'The error message for this partition, or null if there was no error.',
            },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSchema
