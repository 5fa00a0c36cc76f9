// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 is the same as version 0.
//
// Version 2 adds the support for new error code PRODUCER_FENCED.
//
// Version 3 enables flexible versions.
//
// Version 4 adds VerifyOnly field to check if partitions are already in transaction and adds support to batch multiple transactions.
//
// Version 5 adds support for new error code TRANSACTION_ABORTABLE (KIP-890).
// Versions 3 and below will be exclusively used by clients and versions 4 and above will be used by brokers.
export const AddPartitionsToTxnRequestSchema = {
  apiKey: 24,
  type: 'request',
  name: 'AddPartitionsToTxnRequest',
  validVersions: '0-5',
  flexibleVersions: '3+',
  latestVersionUnstable: false,
  listeners: ['zkBroker', 'broker'],
  fields: [
    {
      name: 'Transactions',
      type: '[]AddPartitionsToTxnTransaction',
      versions: '4+',
      about: 'List of transactions to add partitions to.',
      fields: [
        {
          name: 'TransactionalId',
          type: 'string',
          versions: '4+',
          entityType: 'transactionalId',
          mapKey: true,
          about: 'The transactional id corresponding to the transaction.',
        },
        {
          name: 'ProducerId',
          type: 'int64',
          versions: '4+',
          entityType: 'producerId',
          about: 'Current producer id in use by the transactional id.',
        },
        {
          name: 'ProducerEpoch',
          type: 'int16',
          versions: '4+',
          about: 'Current epoch associated with the producer id.',
        },
        {
          name: 'VerifyOnly',
          type: 'bool',
          versions: '4+',
          default: 'false',
          about: 'Boolean to signify if we want to check if the partition is in the transaction rather than add it.',
        },
        {
          name: 'Topics',
          type: '[]AddPartitionsToTxnTopic',
          versions: '4+',
          about: 'The partitions to add to the transaction.',
        },
      ],
    },
    {
      name: 'V3AndBelowTransactionalId',
      type: 'string',
      versions: '0-3',
      entityType: 'transactionalId',
      about: 'The transactional id corresponding to the transaction.',
    },
    {
      name: 'V3AndBelowProducerId',
      type: 'int64',
      versions: '0-3',
      entityType: 'producerId',
      about: 'Current producer id in use by the transactional id.',
    },
    {
      name: 'V3AndBelowProducerEpoch',
      type: 'int16',
      versions: '0-3',
      about: 'Current epoch associated with the producer id.',
    },
    {
      name: 'V3AndBelowTopics',
      type: '[]AddPartitionsToTxnTopic',
      versions: '0-3',
      about: 'The partitions to add to the transaction.',
    },
  ],
  commonStructs: [
    {
      name: 'AddPartitionsToTxnTopic',
      versions: '0+',
      fields: [
        {
          name: 'Name',
          type: 'string',
          versions: '0+',
          entityType: 'topicName',
          mapKey: true,
          about: 'The name of the topic.',
        },
        {
          name: 'Partitions',
          type: '[]int32',
          versions: '0+',
          about: 'The partition indexes to add to the transaction',
        },
      ],
    },
  ],
} as const satisfies MessageSchema

// Starting in version 1, on quota violation brokers send out responses before throttling.
//
// Version 2 adds the support for new error code PRODUCER_FENCED.
//
// Version 3 enables flexible versions.
//
// Version 4 adds support to batch multiple transactions and a top level error code.
//
// Version 5 adds support for new error code TRANSACTION_ABORTABLE (KIP-890).
export const AddPartitionsToTxnResponseSchema = {
  apiKey: 24,
  type: 'response',
  name: 'AddPartitionsToTxnResponse',
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: [
    {
      name: 'ThrottleTimeMs',
      type: 'int32',
      versions: '0+',
      about:
        'Duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.',
    },
    { name: 'ErrorCode', type: 'int16', versions: '4+', ignorable: true, about: 'The response top level error code.' },
    {
      name: 'ResultsByTransaction',
      type: '[]AddPartitionsToTxnResult',
      versions: '4+',
      about: 'Results categorized by transactional ID.',
      fields: [
        {
          name: 'TransactionalId',
          type: 'string',
          versions: '4+',
          entityType: 'transactionalId',
          mapKey: true,
          about: 'The transactional id corresponding to the transaction.',
        },
        {
          name: 'TopicResults',
          type: '[]AddPartitionsToTxnTopicResult',
          versions: '4+',
          about: 'The results for each topic.',
        },
      ],
    },
    {
      name: 'ResultsByTopicV3AndBelow',
      type: '[]AddPartitionsToTxnTopicResult',
      versions: '0-3',
      about: 'The results for each topic.',
    },
  ],
  commonStructs: [
    {
      name: 'AddPartitionsToTxnTopicResult',
      versions: '0+',
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
          name: 'ResultsByPartition',
          type: '[]AddPartitionsToTxnPartitionResult',
          versions: '0+',
          about: 'The results for each partition',
        },
      ],
    },
    {
      name: 'AddPartitionsToTxnPartitionResult',
      versions: '0+',
      fields: [
        { name: 'PartitionIndex', type: 'int32', versions: '0+', mapKey: true, about: 'The partition indexes.' },
        { name: 'PartitionErrorCode', type: 'int16', versions: '0+', about: 'The response error code.' },
      ],
    },
  ],
} as const satisfies MessageSchema
