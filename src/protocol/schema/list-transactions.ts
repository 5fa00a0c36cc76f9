// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1: adds DurationFilter to list transactions older than specified duration
export const ListTransactionsRequestSchema = {
  apiKey: 66,
  type: 'request',
  name: 'ListTransactionsRequest',
  validVersions: '0-1',
  flexibleVersions: '0+',
  listeners: ['zkBroker', 'broker'],
  fields: [
    {
      name: 'StateFilters',
      type: '[]string',
      versions: '0+',
      about:
        'The transaction states to filter by: if empty, all transactions are returned; if non-empty, then only transactions matching one of the filtered states will be returned',
    },
    {
      name: 'ProducerIdFilters',
      type: '[]int64',
      versions: '0+',
      entityType: 'producerId',
      about:
        'The producerIds to filter by: if empty, all transactions will be returned; if non-empty, only transactions which match one of the filtered producerIds will be returned',
    },
    {
      name: 'DurationFilter',
      type: 'int64',
      versions: '1+',
      default: '-1',
      about:
        'Duration (in millis) to filter by: if < 0, all transactions will be returned; otherwise, only transactions running longer than this duration will be returned',
    },
  ],
} as const satisfies MessageSchema

// Version 1 is the same as version 0 (KIP-994).
export const ListTransactionsResponseSchema = {
  apiKey: 66,
  type: 'response',
  name: 'ListTransactionsResponse',
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: [
    {
      name: 'ThrottleTimeMs',
      type: 'int32',
      versions: '0+',
      about:
        'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.',
    },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    {
      name: 'UnknownStateFilters',
      type: '[]string',
      versions: '0+',
      about: 'Set of state filters provided in the request which were unknown to the transaction coordinator',
    },
    {
      name: 'TransactionStates',
      type: '[]TransactionState',
      versions: '0+',
      fields: [
        { name: 'TransactionalId', type: 'string', versions: '0+', entityType: 'transactionalId' },
        { name: 'ProducerId', type: 'int64', versions: '0+', entityType: 'producerId' },
        {
          name: 'TransactionState',
          type: 'string',
          versions: '0+',
          about: 'The current transaction state of the producer',
        },
      ],
    },
  ],
} as const satisfies MessageSchema
