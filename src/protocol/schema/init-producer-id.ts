// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 is the same as version 0.
//
// Version 2 is the first flexible version.
//
// Version 3 adds ProducerId and ProducerEpoch, allowing producers to try to resume after an INVALID_PRODUCER_EPOCH error
//
// Version 4 adds the support for new error code PRODUCER_FENCED.
//
// Verison 5 adds support for new error code TRANSACTION_ABORTABLE (KIP-890).
export const InitProducerIdRequestSchema = {
  apiKey: 22,
  type: 'request',
  name: 'InitProducerIdRequest',
  validVersions: '0-5',
  flexibleVersions: '2+',
  listeners: ['zkBroker', 'broker'],
  fields: [
    {
      name: 'TransactionalId',
      type: 'string',
      versions: '0+',
      nullableVersions: '0+',
      entityType: 'transactionalId',
      about: 'The transactional id, or null if the producer is not transactional.',
    },
    {
      name: 'TransactionTimeoutMs',
      type: 'int32',
      versions: '0+',
      about:
        'The time in ms to wait before aborting idle transactions sent by this producer. This is only relevant if a TransactionalId has been defined.',
    },
    {
      name: 'ProducerId',
      type: 'int64',
      versions: '3+',
      default: '-1',
      entityType: 'producerId',
      about:
        'The producer id. This is used to disambiguate requests if a transactional id is reused following its expiration.',
    },
    {
      name: 'ProducerEpoch',
      type: 'int16',
      versions: '3+',
      default: '-1',
      about:
        "The producer's current epoch. This will be checked against the producer epoch on the broker, and the request will return an error if they do not match.",
    },
  ],
} as const satisfies MessageSchema

// Starting in version 1, on quota violation, brokers send out responses before throttling.
//
// Version 2 is the first flexible version.
//
// Version 3 is the same as version 2.
//
// Version 4 adds the support for new error code PRODUCER_FENCED.
//
// Version 5 adds support for new error code TRANSACTION_ABORTABLE (KIP-890).
export const InitProducerIdResponseSchema = {
  apiKey: 22,
  type: 'response',
  name: 'InitProducerIdResponse',
  validVersions: '0-5',
  flexibleVersions: '2+',
  fields: [
    {
      name: 'ThrottleTimeMs',
      type: 'int32',
      versions: '0+',
      ignorable: true,
      about:
        'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.',
    },
    { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The error code, or 0 if there was no error.' },
    {
      name: 'ProducerId',
      type: 'int64',
      versions: '0+',
      default: '-1',
      entityType: 'producerId',
      about: 'The current producer id.',
    },
    {
      name: 'ProducerEpoch',
      type: 'int16',
      versions: '0+',
      about: 'The current epoch associated with the producer id.',
    },
  ],
} as const satisfies MessageSchema
