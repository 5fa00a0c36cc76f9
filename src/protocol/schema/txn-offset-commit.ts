// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 is the same as version 0.
//
// Version 2 adds the committed leader epoch.
//
// Version 3 adds the member.id, group.instance.id and generation.id.
//
// Version 4 adds support for new error code TRANSACTION_ABORTABLE (KIP-890).
export const TxnOffsetCommitRequestSchema = {
  apiKey: 28,
  type: 'request',
  name: 'TxnOffsetCommitRequest',
  validVersions: '0-4',
  flexibleVersions: '3+',
  listeners: ['zkBroker', 'broker'],
  fields: [
    {
      name: 'TransactionalId',
      type: 'string',
      versions: '0+',
      entityType: 'transactionalId',
      about: 'The ID of the transaction.',
    },
    { name: 'GroupId', type: 'string', versions: '0+', entityType: 'groupId', about: 'The ID of the group.' },
    {
      name: 'ProducerId',
      type: 'int64',
      versions: '0+',
      entityType: 'producerId',
      about: 'The current producer ID in use by the transactional ID.',
    },
    {
      name: 'ProducerEpoch',
      type: 'int16',
      versions: '0+',
      about: 'The current epoch associated with the producer ID.',
    },
    { name: 'GenerationId', type: 'int32', versions: '3+', default: '-1', about: 'The generation of the consumer.' },
    {
      name: 'MemberId',
      type: 'string',
      versions: '3+',
      default: '',
      about: 'The member ID assigned by the group coordinator.',
    },
    {
      name: 'GroupInstanceId',
      type: 'string',
      versions: '3+',
      nullableVersions: '3+',
      default: 'null',
      about: 'The unique identifier of the consumer instance provided by end user.',
    },
    {
      name: 'Topics',
      type: '[]TxnOffsetCommitRequestTopic',
      versions: '0+',
      about: 'Each topic that we want to commit offsets for.',
      fields: [
        { name: 'Name', type: 'string', versions: '0+', entityType: 'topicName', about: 'The topic name.' },
        {
          name: 'Partitions',
          type: '[]TxnOffsetCommitRequestPartition',
          versions: '0+',
          about: 'The partitions inside the topic that we want to commit offsets for.',
          fields: [
            {
              name: 'PartitionIndex',
              type: 'int32',
              versions: '0+',
              about: 'The index of the partition within the topic.',
            },
            { name: 'CommittedOffset', type: 'int64', versions: '0+', about: 'The message offset to be committed.' },
            {
              name: 'CommittedLeaderEpoch',
              type: 'int32',
              versions: '2+',
              default: '-1',
              ignorable: true,
              about: 'The leader epoch of the last consumed record.',
            },
            {
              name: 'CommittedMetadata',
              type: 'string',
              versions: '0+',
              nullableVersions: '0+',
              about: 'Any associated metadata the client wants to keep.',
            },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSchema

// Starting in version 1, on quota violation, brokers send out responses before throttling.
//
// Version 2 is the same as version 1.
//
// Version 3 adds illegal generation, fenced instance id, and unknown member id errors.
//
// Version 4 adds support for new error code TRANSACTION_ABORTABLE (KIP-890).
export const TxnOffsetCommitResponseSchema = {
  apiKey: 28,
  type: 'response',
  name: 'TxnOffsetCommitResponse',
  validVersions: '0-4',
  flexibleVersions: '3+',
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
      type: '[]TxnOffsetCommitResponseTopic',
      versions: '0+',
      about: 'The responses for each topic.',
      fields: [
        { name: 'Name', type: 'string', versions: '0+', entityType: 'topicName', about: 'The topic name.' },
        {
          name: 'Partitions',
          type: '[]TxnOffsetCommitResponsePartition',
          versions: '0+',
          about: 'The responses for each partition in the topic.',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+', about: 'The partition index.' },
            { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The error code, or 0 if there was no error.' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSchema
