// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

export const DescribeProducersRequestSchema = {
  apiKey: 61,
  type: 'request',
  name: 'DescribeProducersRequest',
  validVersions: '0',
  flexibleVersions: '0+',
  listeners: ['zkBroker', 'broker'],
  fields: [
    {
      name: 'Topics',
      type: '[]TopicRequest',
      versions: '0+',
      fields: [
        { name: 'Name', type: 'string', versions: '0+', entityType: 'topicName', about: 'The topic name.' },
        {
          name: 'PartitionIndexes',
          type: '[]int32',
          versions: '0+',
          about: 'The indexes of the partitions to list producers for.',
        },
      ],
    },
  ],
} as const satisfies MessageSchema

export const DescribeProducersResponseSchema = {
  apiKey: 61,
  type: 'response',
  name: 'DescribeProducersResponse',
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
      name: 'Topics',
      type: '[]TopicResponse',
      versions: '0+',
      about: 'Each topic in the response.',
      fields: [
        { name: 'Name', type: 'string', versions: '0+', entityType: 'topicName', about: 'The topic name' },
        {
          name: 'Partitions',
          type: '[]PartitionResponse',
          versions: '0+',
          about: 'Each partition in the response.',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+', about: 'The partition index.' },
            {
              name: 'ErrorCode',
              type: 'int16',
              versions: '0+',
              about: 'The partition error code, or 0 if there was no error.',
            },
            {
              name: 'ErrorMessage',
              type: 'string',
              versions: '0+',
              nullableVersions: '0+',
              default: 'null',
              about: 'The partition error message, which may be null if no additional details are available',
            },
            {
              name: 'ActiveProducers',
              type: '[]ProducerState',
              versions: '0+',
              fields: [
                { name: 'ProducerId', type: 'int64', versions: '0+', entityType: 'producerId' },
                { name: 'ProducerEpoch', type: 'int32', versions: '0+' },
                { name: 'LastSequence', type: 'int32', versions: '0+', default: '-1' },
                { name: 'LastTimestamp', type: 'int64', versions: '0+', default: '-1' },
                { name: 'CoordinatorEpoch', type: 'int32', versions: '0+' },
                { name: 'CurrentTxnStartOffset', type: 'int64', versions: '0+', default: '-1' },
              ],
            },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSchema
