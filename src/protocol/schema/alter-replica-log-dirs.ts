// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 is the same as version 0.
// Version 2 enables flexible versions.
export const AlterReplicaLogDirsRequestSchema = {
  apiKey: 34,
  type: 'request',
  name: 'AlterReplicaLogDirsRequest',
  validVersions: '0-2',
  flexibleVersions: '2+',
  listeners: ['zkBroker', 'broker'],
  fields: [
    {
      name: 'Dirs',
      type: '[]AlterReplicaLogDir',
      versions: '0+',
      about: 'The alterations to make for each directory.',
      fields: [
        { name: 'Path', type: 'string', versions: '0+', mapKey: true, about: 'The absolute directory path.' },
        {
          name: 'Topics',
          type: '[]AlterReplicaLogDirTopic',
          versions: '0+',
          about: 'The topics to add to the directory.',
          fields: [
            {
              name: 'Name',
              type: 'string',
              versions: '0+',
              entityType: 'topicName',
              mapKey: true,
              about: 'The topic name.',
            },
            { name: 'Partitions', type: '[]int32', versions: '0+', about: 'The partition indexes.' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSchema

// Starting in version 1, on quota violation brokers send out responses before throttling.
// Version 2 enables flexible versions.
export const AlterReplicaLogDirsResponseSchema = {
  apiKey: 34,
  type: 'response',
  name: 'AlterReplicaLogDirsResponse',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    {
      name: 'ThrottleTimeMs',
      type: 'int32',
      versions: '0+',
      about:
        'Duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.',
    },
    {
      name: 'Results',
      type: '[]AlterReplicaLogDirTopicResult',
      versions: '0+',
      about: 'The results for each topic.',
      fields: [
        { name: 'TopicName', type: 'string', versions: '0+', entityType: 'topicName', about: 'The name of the topic.' },
        {
          name: 'Partitions',
          type: '[]AlterReplicaLogDirPartitionResult',
          versions: '0+',
          about: 'The results for each partition.',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+', about: 'The partition index.' },
            { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The error code, or 0 if there was no error.' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSchema
