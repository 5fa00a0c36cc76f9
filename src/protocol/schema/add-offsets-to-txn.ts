// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 is the same as version 0.
//
// Version 2 adds the support for new error code PRODUCER_FENCED.
//
// Version 3 enables flexible versions.
//
// Version 4 adds support for new error code TRANSACTION_ABORTABLE (KIP-890).
export const AddOffsetsToTxnRequestSchema = {
  apiKey: 25,
  type: 'request',
  name: 'AddOffsetsToTxnRequest',
  validVersions: '0-4',
  flexibleVersions: '3+',
  listeners: ['zkBroker', 'broker'],
  fields: [
    {
      name: 'TransactionalId',
      type: 'string',
      versions: '0+',
      entityType: 'transactionalId',
      about: 'The transactional id corresponding to the transaction.',
    },
    {
      name: 'ProducerId',
      type: 'int64',
      versions: '0+',
      entityType: 'producerId',
      about: 'Current producer id in use by the transactional id.',
    },
    { name: 'ProducerEpoch', type: 'int16', versions: '0+', about: 'Current epoch associated with the producer id.' },
    { name: 'GroupId', type: 'string', versions: '0+', entityType: 'groupId', about: 'The unique group identifier.' },
  ],
} as const satisfies MessageSchema

// Starting in version 1, on quota violation brokers send out responses before throttling.
//
// Version 2 adds the support for new error code PRODUCER_FENCED.
//
// Version 3 enables flexible versions.
//
// Version 4 adds support for new error code TRANSACTION_ABORTABLE (KIP-890).
export const AddOffsetsToTxnResponseSchema = {
  apiKey: 25,
  type: 'response',
  name: 'AddOffsetsToTxnResponse',
  validVersions: '0-4',
  flexibleVersions: '3+',
  fields: [
    {
      name: 'ThrottleTimeMs',
      type: 'int32',
      versions: '0+',
      about:
        'Duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.',
    },
    { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The response error code, or 0 if there was no error.' },
  ],
} as const satisfies MessageSchema
