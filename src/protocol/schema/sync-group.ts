// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Versions 1 and 2 are the same as version 0.
//
// Starting from version 3, we add a new field called groupInstanceId to indicate member identity across restarts.
//
// Version 4 is the first flexible version.
//
// Starting from version 5, the client sends the Protocol Type and the Protocol Name
// to the broker (KIP-559). The broker will reject the request if they are inconsistent
// with the Type and Name known by the broker.
export const SyncGroupRequestSchema = {
  apiKey: 14,
  type: 'request',
  name: 'SyncGroupRequest',
  validVersions: '0-5',
  flexibleVersions: '4+',
  listeners: ['zkBroker', 'broker'],
  fields: [
    { name: 'GroupId', type: 'string', versions: '0+', entityType: 'groupId', about: 'The unique group identifier.' },
    { name: 'GenerationId', type: 'int32', versions: '0+', about: 'The generation of the group.' },
    { name: 'MemberId', type: 'string', versions: '0+', about: 'The member ID assigned by the group.' },
    {
      name: 'GroupInstanceId',
      type: 'string',
      versions: '3+',
      nullableVersions: '3+',
      default: 'null',
      about: 'The unique identifier of the consumer instance provided by end user.',
    },
    {
      name: 'ProtocolType',
      type: 'string',
      versions: '5+',
      nullableVersions: '5+',
      default: 'null',
      ignorable: true,
      about: 'The group protocol type.',
    },
    {
      name: 'ProtocolName',
      type: 'string',
      versions: '5+',
      nullableVersions: '5+',
      default: 'null',
      ignorable: true,
      about: 'The group protocol name.',
    },
    {
      name: 'Assignments',
      type: '[]SyncGroupRequestAssignment',
      versions: '0+',
      about: 'Each assignment.',
      fields: [
        { name: 'MemberId', type: 'string', versions: '0+', about: 'The ID of the member to assign.' },
        { name: 'Assignment', type: 'bytes', versions: '0+', about: 'The member assignment.' },
      ],
    },
  ],
} as const satisfies MessageSchema

// Version 1 adds throttle time.
//
// Starting in version 2, on quota violation, brokers send out responses before throttling.
//
// Starting from version 3, syncGroupRequest supports a new field called groupInstanceId to indicate member identity across restarts.
//
// Version 4 is the first flexible version.
//
// Starting from version 5, the broker sends back the Protocol Type and the Protocol Name
// to the client (KIP-559).
export const SyncGroupResponseSchema = {
  apiKey: 14,
  type: 'response',
  name: 'SyncGroupResponse',
  validVersions: '0-5',
  flexibleVersions: '4+',
  fields: [
    {
      name: 'ThrottleTimeMs',
      type: 'int32',
      versions: '1+',
      ignorable: true,
      about:
        'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.',
    },
    { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The error code, or 0 if there was no error.' },
    {
      name: 'ProtocolType',
      type: 'string',
      versions: '5+',
      nullableVersions: '5+',
      default: 'null',
      ignorable: true,
      about: 'The group protocol type.',
    },
    {
      name: 'ProtocolName',
      type: 'string',
      versions: '5+',
      nullableVersions: '5+',
      default: 'null',
      ignorable: true,
      about: 'The group protocol name.',
    },
    { name: 'Assignment', type: 'bytes', versions: '0+', about: 'The member assignment.' },
  ],
} as const satisfies MessageSchema
