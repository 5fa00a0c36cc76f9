// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

export const OffsetDeleteRequestSchema = {
  apiKey: 47,
  type: 'request',
  name: 'OffsetDeleteRequest',
  validVersions: '0',
  flexibleVersions: 'none',
  listeners: ['zkBroker', 'broker'],
  fields: [
    { name: 'GroupId', type: 'string', versions: '0+', entityType: 'groupId', about: 'The unique group identifier.' },
    {
      name: 'Topics',
      type: '[]OffsetDeleteRequestTopic',
      versions: '0+',
      about: 'The topics to delete offsets for',
      fields: [
        {
          name: 'Name',
          type: 'string',
          versions: '0+',
          entityType: 'topicName',
          mapKey: true,
          about: 'The topic name.',
        },
        {
          name: 'Partitions',
          type: '[]OffsetDeleteRequestPartition',
          versions: '0+',
          about: 'Each partition to delete offsets for.',
          fields: [{ name: 'PartitionIndex', type: 'int32', versions: '0+', about: 'The partition index.' }],
        },
      ],
    },
  ],
} as const satisfies MessageSchema

export const OffsetDeleteResponseSchema = {
  apiKey: 47,
  type: 'response',
  name: 'OffsetDeleteResponse',
  validVersions: '0',
  flexibleVersions: 'none',
  fields: [
    {
      name: 'ErrorCode',
      type: 'int16',
      versions: '0+',
      about: 'The top-level error code, or 0 if there was no error.',
    },
    {
      name: 'ThrottleTimeMs',
      type: 'int32',
      versions: '0+',
      ignorable: true,
      about:
        'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.',
    },
    {
      name: 'Topics',
      type: '[]OffsetDeleteResponseTopic',
      versions: '0+',
      about: 'The responses for each topic.',
      fields: [
        {
          name: 'Name',
          type: 'string',
          versions: '0+',
          entityType: 'topicName',
          mapKey: true,
          about: 'The topic name.',
        },
        {
          name: 'Partitions',
          type: '[]OffsetDeleteResponsePartition',
          versions: '0+',
          about: 'The responses for each partition in the topic.',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+', mapKey: true, about: 'The partition index.' },
            { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The error code, or 0 if there was no error.' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSchema
