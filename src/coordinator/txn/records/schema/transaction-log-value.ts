// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../../../../protocol/schema-types.ts'

// Version 1 is the first flexible version.
// KIP-915: bumping the version will no longer make this record backward compatible.
// We suggest to add/remove only tagged fields to maintain backward compatibility.
export const TransactionLogValueSchema = {
  type: 'data',
  name: 'TransactionLogValue',
  validVersions: '0-1',
  flexibleVersions: '1+',
  fields: [
    { name: 'producerId', type: 'int64', versions: '0+', about: 'Producer id in use by the transactional id' },
    {
      name: 'previousProducerId',
      type: 'int64',
      versions: '1+',
      taggedVersions: '1+',
      tag: 0,
      default: '-1',
      about: 'Producer id used by the last committed transaction',
    },
    {
      name: 'nextProducerId',
      type: 'int64',
      versions: '1+',
      taggedVersions: '1+',
      tag: 1,
      default: '-1',
      about: 'Latest producer ID sent to the producer for the given transactional ID',
    },
    { name: 'producerEpoch', type: 'int16', versions: '0+', about: 'Epoch associated with the producer id' },
    { name: 'transactionTimeoutMs', type: 'int32', versions: '0+', about: 'Transaction timeout in milliseconds' },
    { name: 'transactionStatus', type: 'int8', versions: '0+', about: 'TransactionState the transaction is in' },
    {
      name: 'transactionPartitions',
      type: '[]PartitionsSchema',
      versions: '0+',
      nullableVersions: '0+',
      about: 'Set of partitions involved in the transaction',
      fields: [
        { name: 'topic', type: 'string', versions: '0+' },
        { name: 'partitionIds', type: '[]int32', versions: '0+' },
      ],
    },
    {
      name: 'transactionLastUpdateTimestampMs',
      type: 'int64',
      versions: '0+',
      about: 'Time the transaction was last updated',
    },
    { name: 'transactionStartTimestampMs', type: 'int64', versions: '0+', about: 'Time the transaction was started' },
    {
      name: 'clientTransactionVersion',
      type: 'int16',
      versions: '1+',
      default: '0',
      taggedVersions: '1+',
      tag: 2,
      about: 'The transaction version used by the client',
    },
  ],
} as const satisfies MessageSchema
