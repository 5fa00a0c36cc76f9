// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

export const DescribeTransactionsRequestSchema = {
  apiKey: 65,
  type: 'request',
  name: 'DescribeTransactionsRequest',
  validVersions: '0',
  flexibleVersions: '0+',
  listeners: ['zkBroker', 'broker'],
  fields: [
    {
      name: 'TransactionalIds',
      type: '[]string',
      versions: '0+',
      entityType: 'transactionalId',
      about: 'Array of transactionalIds to include in describe results. If empty, then no results will be returned.',
    },
  ],
} as const satisfies MessageSchema

export const DescribeTransactionsResponseSchema = {
  apiKey: 65,
  type: 'response',
  name: 'DescribeTransactionsResponse',
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
      name: 'TransactionStates',
      type: '[]TransactionState',
      versions: '0+',
      fields: [
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'TransactionalId', type: 'string', versions: '0+', entityType: 'transactionalId' },
        { name: 'TransactionState', type: 'string', versions: '0+' },
        { name: 'TransactionTimeoutMs', type: 'int32', versions: '0+' },
        { name: 'TransactionStartTimeMs', type: 'int64', versions: '0+' },
        { name: 'ProducerId', type: 'int64', versions: '0+', entityType: 'producerId' },
        { name: 'ProducerEpoch', type: 'int16', versions: '0+' },
        {
          name: 'Topics',
          type: '[]TopicData',
          versions: '0+',
          about:
            'The set of partitions included in the current transaction (if active). When a transaction is preparing to commit or abort, this will include only partitions which do not have markers.',
          fields: [
            { name: 'Topic', type: 'string', versions: '0+', entityType: 'topicName', mapKey: true },
            { name: 'Partitions', type: '[]int32', versions: '0+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSchema
