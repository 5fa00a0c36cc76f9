// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

export const AssignReplicasToDirsRequestSchema = {
  apiKey: 73,
  type: 'request',
  name: 'AssignReplicasToDirsRequest',
  validVersions: '0',
  flexibleVersions: '0+',
  listeners: ['controller'],
  fields: [
    {
      name: 'BrokerId',
      type: 'int32',
      versions: '0+',
      entityType: 'brokerId',
      about: 'The ID of the requesting broker',
    },
    { name: 'BrokerEpoch', type: 'int64', versions: '0+', default: '-1', about: 'The epoch of the requesting broker' },
    {
      name: 'Directories',
      type: '[]DirectoryData',
      versions: '0+',
      fields: [
        { name: 'Id', type: 'uuid', versions: '0+', about: 'The ID of the directory' },
        {
          name: 'Topics',
          type: '[]TopicData',
          versions: '0+',
          fields: [
            { name: 'TopicId', type: 'uuid', versions: '0+', about: 'The ID of the assigned topic' },
            {
              name: 'Partitions',
              type: '[]PartitionData',
              versions: '0+',
              fields: [{ name: 'PartitionIndex', type: 'int32', versions: '0+', about: 'The partition index' }],
            },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSchema

export const AssignReplicasToDirsResponseSchema = {
  apiKey: 73,
  type: 'response',
  name: 'AssignReplicasToDirsResponse',
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
    { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The top level response error code' },
    {
      name: 'Directories',
      type: '[]DirectoryData',
      versions: '0+',
      fields: [
        { name: 'Id', type: 'uuid', versions: '0+', about: 'The ID of the directory' },
        {
          name: 'Topics',
          type: '[]TopicData',
          versions: '0+',
          fields: [
            { name: 'TopicId', type: 'uuid', versions: '0+', about: 'The ID of the assigned topic' },
            {
              name: 'Partitions',
              type: '[]PartitionData',
              versions: '0+',
              fields: [
                { name: 'PartitionIndex', type: 'int32', versions: '0+', about: 'The partition index' },
                { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The partition level error code' },
              ],
            },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSchema
