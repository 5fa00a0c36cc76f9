// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 is the same as version 0.
// Version 2 is the first flexible version.
// Version 3 is the same as version 2 (new field in response).
// Version 4 is the same as version 2 (new fields in response).
export const DescribeLogDirsRequestSchema = {
  apiKey: 35,
  type: 'request',
  name: 'DescribeLogDirsRequest',
  validVersions: '0-4',
  flexibleVersions: '2+',
  listeners: ['zkBroker', 'broker'],
  fields: [
    {
      name: 'Topics',
      type: '[]DescribableLogDirTopic',
      versions: '0+',
      nullableVersions: '0+',
      about: 'Each topic that we want to describe log directories for, or null for all topics.',
      fields: [
        {
          name: 'Topic',
          type: 'string',
          versions: '0+',
          entityType: 'topicName',
          mapKey: true,
          about: 'The topic name',
        },
        { name: 'Partitions', type: '[]int32', versions: '0+', about: 'The partition indexes.' },
      ],
    },
  ],
} as const satisfies MessageSchema

// Starting in version 1, on quota violation, brokers send out responses before throttling.
// Version 2 is the first flexible version.
// Version 3 adds the top-level ErrorCode field
// Version 4 adds the TotalBytes and UsableBytes fields
export const DescribeLogDirsResponseSchema = {
  apiKey: 35,
  type: 'response',
  name: 'DescribeLogDirsResponse',
  validVersions: '0-4',
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
      name: 'ErrorCode',
      type: 'int16',
      versions: '3+',
      ignorable: true,
      about: 'The error code, or 0 if there was no error.',
    },
    {
      name: 'Results',
      type: '[]DescribeLogDirsResult',
      versions: '0+',
      about: 'The log directories.',
      fields: [
        { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The error code, or 0 if there was no error.' },
        { name: 'LogDir', type: 'string', versions: '0+', about: 'The absolute log directory path.' },
        {
          name: 'Topics',
          type: '[]DescribeLogDirsTopic',
          versions: '0+',
          about: 'Each topic.',
          fields: [
            { name: 'Name', type: 'string', versions: '0+', entityType: 'topicName', about: 'The topic name.' },
            {
              name: 'Partitions',
              type: '[]DescribeLogDirsPartition',
              versions: '0+',
              fields: [
                { name: 'PartitionIndex', type: 'int32', versions: '0+', about: 'The partition index.' },
                {
                  name: 'PartitionSize',
                  type: 'int64',
                  versions: '0+',
                  about: 'The size of the log segments in this partition in bytes.',
                },
                {
                  name: 'OffsetLag',
                  type: 'int64',
                  versions: '0+',
                  about:
                    "The lag of the log's LEO w.r.t. partition's HW (if it is the current log for the partition) or current replica's LEO (if it is the future log for the partition)",
                },
                {
                  name: 'IsFutureKey',
                  type: 'bool',
                  versions: '0+',
                  about:
                    'True if this log is created by AlterReplicaLogDirsRequest and will replace the current log of the replica in the future.',
                },
              ],
            },
          ],
        },
        {
          name: 'TotalBytes',
          type: 'int64',
          versions: '4+',
          default: '-1',
          ignorable: true,
          about: 'The total size in bytes of the volume the log directory is in.',
        },
        {
          name: 'UsableBytes',
          type: 'int64',
          versions: '4+',
          default: '-1',
          ignorable: true,
          about: 'The usable size in bytes of the volume the log directory is in.',
        },
      ],
    },
  ],
} as const satisfies MessageSchema
