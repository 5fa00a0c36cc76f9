// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 adds KeyType.
//
// Version 2 is the same as version 1.
//
// Version 3 is the first flexible version.
//
// Version 4 adds support for batching via CoordinatorKeys (KIP-699)
//
// Version 5 adds support for new error code TRANSACTION_ABORTABLE (KIP-890).
//
// Version 6 adds support for share groups (KIP-932).
export const FindCoordinatorRequestSchema = {
  apiKey: 10,
  type: 'request',
  name: 'FindCoordinatorRequest',
  validVersions: '0-6',
  flexibleVersions: '3+',
  listeners: ['zkBroker', 'broker'],
  fields: [
    { name: 'Key', type: 'string', versions: '0-3', about: 'The coordinator key.' },
    {
      name: 'KeyType',
      type: 'int8',
      versions: '1+',
      default: '0',
      ignorable: false,
      about: 'The coordinator key type. (Group, transaction, etc.)',
    },
    { name: 'CoordinatorKeys', type: '[]string', versions: '4+', about: 'The coordinator keys.' },
  ],
} as const satisfies MessageSchema

// Version 1 adds throttle time and error messages.
//
// Starting in version 2, on quota violation, brokers send out responses before throttling.
//
// Version 3 is the first flexible version.
//
// Version 4 adds support for batching via Coordinators (KIP-699)
//
// Version 5 adds support for new error code TRANSACTION_ABORTABLE (KIP-890).
//
// Version 6 adds support for share groups (KIP-932).
export const FindCoordinatorResponseSchema = {
  apiKey: 10,
  type: 'response',
  name: 'FindCoordinatorResponse',
  validVersions: '0-6',
  flexibleVersions: '3+',
  fields: [
    {
      name: 'ThrottleTimeMs',
      type: 'int32',
      versions: '1+',
      ignorable: true,
      about:
        'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.',
    },
    { name: 'ErrorCode', type: 'int16', versions: '0-3', about: 'The error code, or 0 if there was no error.' },
    {
      name: 'ErrorMessage',
      type: 'string',
      versions: '1-3',
      nullableVersions: '1-3',
      ignorable: true,
      about: 'The error message, or null if there was no error.',
    },
    { name: 'NodeId', type: 'int32', versions: '0-3', entityType: 'brokerId', about: 'The node id.' },
    { name: 'Host', type: 'string', versions: '0-3', about: 'The host name.' },
    { name: 'Port', type: 'int32', versions: '0-3', about: 'The port.' },
    {
      name: 'Coordinators',
      type: '[]Coordinator',
      versions: '4+',
      about: 'Each coordinator result in the response',
      fields: [
        { name: 'Key', type: 'string', versions: '4+', about: 'The coordinator key.' },
        { name: 'NodeId', type: 'int32', versions: '4+', entityType: 'brokerId', about: 'The node id.' },
        { name: 'Host', type: 'string', versions: '4+', about: 'The host name.' },
        { name: 'Port', type: 'int32', versions: '4+', about: 'The port.' },
        { name: 'ErrorCode', type: 'int16', versions: '4+', about: 'The error code, or 0 if there was no error.' },
        {
          name: 'ErrorMessage',
          type: 'string',
          versions: '4+',
          nullableVersions: '4+',
          ignorable: true,
          about: 'The error message, or null if there was no error.',
        },
      ],
    },
  ],
} as const satisfies MessageSchema
