// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 is the same as version 0.
//
// Version 2 adds the support for new error code PRODUCER_FENCED.
//
// Version 3 enables flexible versions.
//
// Version 4 adds support for new error code TRANSACTION_ABORTABLE (KIP-890).
//
// Version 5 enables bumping epoch on every transaction (KIP-890 Part 2)
export const EndTxnRequestSchema = {
  apiKey: 26,
  type: 'request',
  name: 'EndTxnRequest',
  validVersions: '0-5',
  flexibleVersions: '3+',
  latestVersionUnstable: true,
  listeners: ['zkBroker', 'broker'],
  fields: [
    {
      name: 'TransactionalId',
      type: 'string',
      versions: '0+',
      entityType: 'transactionalId',
      about: 'The ID of the transaction to end.',
    },
    { name: 'ProducerId', type: 'int64', versions: '0+', entityType: 'producerId', about: 'The producer ID.' },
    { name: 'ProducerEpoch', type: 'int16', versions: '0+', about: 'The current epoch associated with the producer.' },
    {
      name: 'Committed',
      type: 'bool',
      versions: '0+',
      about: 'True if the transaction was committed, false if it was aborted.',
    },
  ],
} as const satisfies MessageSchema

// Starting in version 1, on quota violation, brokers send out responses before throttling.
//
// Version 2 adds the support for new error code PRODUCER_FENCED.
//
// Version 3 enables flexible versions.
//
// Version 4 adds support for new error code TRANSACTION_ABORTABLE (KIP-890).
//
// Version 5 enables bumping epoch on every transaction (KIP-890 Part 2), so producer ID and epoch are included in the response.
export const EndTxnResponseSchema = {
  apiKey: 26,
  type: 'response',
  name: 'EndTxnResponse',
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: [
    {
      name: 'ThrottleTimeMs',
      type: 'int32',
      versions: '0+',
      about:
        'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.',
    },
    { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The error code, or 0 if there was no error.' },
    {
      name: 'ProducerId',
      type: 'int64',
      versions: '5+',
      default: '-1',
      entityType: 'producerId',
      ignorable: true,
      about: 'The producer ID.',
    },
    {
      name: 'ProducerEpoch',
      type: 'int16',
      versions: '5+',
      default: '-1',
      ignorable: true,
      about: 'The current epoch associated with the producer.',
    },
  ],
} as const satisfies MessageSchema
