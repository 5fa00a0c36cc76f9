// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 is the same as version 0.
// Version 2 is the first flexible version.
export const DeleteRecordsRequestSchema = {
  apiKey: 21,
  type: 'request',
  name: 'DeleteRecordsRequest',
  validVersions: '0-2',
  flexibleVersions: '2+',
  listeners: ['zkBroker', 'broker'],
  fields: [
    {
      name: 'Topics',
      type: '[]DeleteRecordsTopic',
      versions: '0+',
      about: 'Each topic that we want to delete records from.',
      fields: [
        { name: 'Name', type: 'string', versions: '0+', entityType: 'topicName', about: 'The topic name.' },
        {
          name: 'Partitions',
          type: '[]DeleteRecordsPartition',
          versions: '0+',
          about: 'Each partition that we want to delete records from.',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+', about: 'The partition index.' },
            { name: 'Offset', type: 'int64', versions: '0+', about: 'The deletion offset.' },
          ],
        },
      ],
    },
    {
      name: 'TimeoutMs',
      type: 'int32',
      versions: '0+',
      about: 'How long to wait for the deletion to complete, in milliseconds.',
    },
  ],
} as const satisfies MessageSchema

// Starting in version 1, on quota violation, brokers send out responses before throttling.
// Version 2 is the first flexible version.
export const DeleteRecordsResponseSchema = {
  apiKey: 21,
  type: 'response',
  name: 'DeleteRecordsResponse',
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
    {
      name: 'Topics',
      type: '[]DeleteRecordsTopicResult',
      versions: '0+',
      about: 'Each topic that we wanted to delete records from.',
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
          type: '[]DeleteRecordsPartitionResult',
          versions: '0+',
          about: 'Each partition that we wanted to delete records from.',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+', mapKey: true, about: 'The partition index.' },
            { name: 'LowWatermark', type: 'int64', versions: '0+', about: 'The partition low water mark.' },
            {
              name: 'ErrorCode',
              type: 'int16',
              versions: '0+',
              about: 'The deletion error code, or 0 if the deletion succeeded.',
            },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSchema
