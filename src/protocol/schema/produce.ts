// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 and 2 are the same as version 0.
//
// Version 3 adds the transactional ID, which is used for authorization when attempting to write
// transactional data.  Version 3 also adds support for Kafka Message Format v2.
//
// Version 4 is the same as version 3, but the requester must be prepared to handle a
// KAFKA_STORAGE_ERROR.
//
// Version 5 and 6 are the same as version 3.
//
// Starting in version 7, records can be produced using ZStandard compression.  See KIP-110.
//
// Starting in Version 8, response has RecordErrors and ErrorMessage. See KIP-467.
//
// Version 9 enables flexible versions.
//
// Version 10 is the same as version 9 (KIP-951).
//
// Version 11 adds support for new error code TRANSACTION_ABORTABLE (KIP-890).
export const ProduceRequestSchema = {
  apiKey: 0,
  type: 'request',
  name: 'ProduceRequest',
  validVersions: '0-11',
  flexibleVersions: '9+',
  listeners: ['zkBroker', 'broker'],
  fields: [
    {
      name: 'TransactionalId',
      type: 'string',
      versions: '3+',
      nullableVersions: '3+',
      default: 'null',
      entityType: 'transactionalId',
      about: 'The transactional ID, or null if the producer is not transactional.',
    },
    {
      name: 'Acks',
      type: 'int16',
      versions: '0+',
      about:
        'The number of acknowledgments the producer requires the leader to have received before considering a request complete. Allowed values: 0 for no acknowledgments, 1 for only the leader and -1 for the full ISR.',
    },
    { name: 'TimeoutMs', type: 'int32', versions: '0+', about: 'The timeout to await a response in milliseconds.' },
    {
      name: 'TopicData',
      type: '[]TopicProduceData',
      versions: '0+',
      about: 'Each topic to produce to.',
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
          name: 'PartitionData',
          type: '[]PartitionProduceData',
          versions: '0+',
          about: 'Each partition to produce to.',
          fields: [
            { name: 'Index', type: 'int32', versions: '0+', about: 'The partition index.' },
            {
              name: 'Records',
              type: 'records',
              versions: '0+',
              nullableVersions: '0+',
              about: 'The record data to be produced.',
            },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSchema

// Version 1 added the throttle time.
//
// Version 2 added the log append time.
//
// Version 3 is the same as version 2.
//
// Version 4 added KAFKA_STORAGE_ERROR as a possible error code.
//
// Version 5 added LogStartOffset to filter out spurious
// OutOfOrderSequenceExceptions on the client.
//
// Version 8 added RecordErrors and ErrorMessage to include information about
// records that cause the whole batch to be dropped.  See KIP-467 for details.
//
// Version 9 enables flexible versions.
//
// Version 10 adds 'CurrentLeader' and 'NodeEndpoints' as tagged fields (KIP-951)
//
// Version 11 adds support for new error code TRANSACTION_ABORTABLE (KIP-890).
export const ProduceResponseSchema = {
  apiKey: 0,
  type: 'response',
  name: 'ProduceResponse',
  validVersions: '0-11',
  flexibleVersions: '9+',
  fields: [
    {
      name: 'Responses',
      type: '[]TopicProduceResponse',
      versions: '0+',
      about: 'Each produce response',
      fields: [
        {
          name: 'Name',
          type: 'string',
          versions: '0+',
          entityType: 'topicName',
          mapKey: true,
          about: 'The topic name',
        },
        {
          name: 'PartitionResponses',
          type: '[]PartitionProduceResponse',
          versions: '0+',
          about: 'Each partition that we produced to within the topic.',
          fields: [
            { name: 'Index', type: 'int32', versions: '0+', about: 'The partition index.' },
            { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The error code, or 0 if there was no error.' },
            { name: 'BaseOffset', type: 'int64', versions: '0+', about: 'The base offset.' },
            {
              name: 'LogAppendTimeMs',
              type: 'int64',
              versions: '2+',
              default: '-1',
              ignorable: true,
              about:
                'The timestamp returned by broker after appending the messages. If CreateTime is used for the topic, the timestamp will be -1.  If LogAppendTime is used for the topic, the timestamp will be the broker local time when the messages are appended.',
            },
            {
              name: 'LogStartOffset',
              type: 'int64',
              versions: '5+',
              default: '-1',
              ignorable: true,
              about: 'The log start offset.',
            },
            {
              name: 'RecordErrors',
              type: '[]BatchIndexAndErrorMessage',
              versions: '8+',
              ignorable: true,
              about: 'The batch indices of records that caused the batch to be dropped',
              fields: [
                {
                  name: 'BatchIndex',
                  type: 'int32',
                  versions: '8+',
                  about: 'The batch index of the record that cause the batch to be dropped',
                },
                {
                  name: 'BatchIndexErrorMessage',
                  type: 'string',
                  versions: '8+',
                  nullableVersions: '8+',
                  default: 'null',
                  about: 'The error message of the record that caused the batch to be dropped',
                },
              ],
            },
            {
              name: 'ErrorMessage',
              type: 'string',
              versions: '8+',
              nullableVersions: '8+',
              default: 'null',
              ignorable: true,
              about:
                'The global error message summarizing the common root cause of the records that caused the batch to be dropped',
            },
            {
              name: 'CurrentLeader',
              type: 'LeaderIdAndEpoch',
              versions: '10+',
              taggedVersions: '10+',
              tag: 0,
              fields: [
                {
                  name: 'LeaderId',
                  type: 'int32',
                  versions: '10+',
                  default: '-1',
                  entityType: 'brokerId',
                  about: 'The ID of the current leader or -1 if the leader is unknown.',
                },
                {
                  name: 'LeaderEpoch',
                  type: 'int32',
                  versions: '10+',
                  default: '-1',
                  about: 'The latest known leader epoch',
                },
              ],
            },
          ],
        },
      ],
    },
    {
      name: 'ThrottleTimeMs',
      type: 'int32',
      versions: '1+',
      default: '0',
      ignorable: true,
      about:
        'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.',
    },
    {
      name: 'NodeEndpoints',
      type: '[]NodeEndpoint',
      versions: '10+',
      taggedVersions: '10+',
      tag: 0,
      about:
        'Endpoints for all current-leaders enumerated in PartitionProduceResponses, with errors NOT_LEADER_OR_FOLLOWER.',
      fields: [
        {
          name: 'NodeId',
          type: 'int32',
          versions: '10+',
          entityType: 'brokerId',
          mapKey: true,
          about: 'The ID of the associated node.',
        },
        { name: 'Host', type: 'string', versions: '10+', about: "The node's hostname." },
        { name: 'Port', type: 'int32', versions: '10+', about: "The node's port." },
        {
          name: 'Rack',
          type: 'string',
          versions: '10+',
          nullableVersions: '10+',
          default: 'null',
          about: 'The rack of the node, or null if it has not been assigned to a rack.',
        },
      ],
    },
  ],
} as const satisfies MessageSchema
