// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 adds RebalanceTimeoutMs.
//
// Version 2 and 3 are the same as version 1.
//
// Starting from version 4, the client needs to issue a second request to join group
//
// Starting from version 5, we add a new field called groupInstanceId to indicate member identity across restarts.
// with assigned id.
//
// Version 6 is the first flexible version.
//
// Version 7 is the same as version 6.
//
// Version 8 adds the Reason field (KIP-800).
//
// Version 9 is the same as version 8.
// Note: if RebalanceTimeoutMs is not present, SessionTimeoutMs should be
// used instead.  The default of -1 here is just intended as a placeholder.
export const JoinGroupRequestSchema = {
  apiKey: 11,
  type: 'request',
  name: 'JoinGroupRequest',
  validVersions: '0-9',
  flexibleVersions: '6+',
  listeners: ['zkBroker', 'broker'],
  fields: [
    { name: 'GroupId', type: 'string', versions: '0+', entityType: 'groupId', about: 'The group identifier.' },
    {
      name: 'SessionTimeoutMs',
      type: 'int32',
      versions: '0+',
      about:
        'The coordinator considers the consumer dead if it receives no heartbeat after this timeout in milliseconds.',
    },
    {
      name: 'RebalanceTimeoutMs',
      type: 'int32',
      versions: '1+',
      default: '-1',
      ignorable: true,
      about:
        'The maximum time in milliseconds that the coordinator will wait for each member to rejoin when rebalancing the group.',
    },
    { name: 'MemberId', type: 'string', versions: '0+', about: 'The member id assigned by the group coordinator.' },
    {
      name: 'GroupInstanceId',
      type: 'string',
      versions: '5+',
      nullableVersions: '5+',
      default: 'null',
      about: 'The unique identifier of the consumer instance provided by end user.',
    },
    {
      name: 'ProtocolType',
      type: 'string',
      versions: '0+',
      about: 'The unique name the for class of protocols implemented by the group we want to join.',
    },
    {
      name: 'Protocols',
      type: '[]JoinGroupRequestProtocol',
      versions: '0+',
      about: 'The list of protocols that the member supports.',
      fields: [
        { name: 'Name', type: 'string', versions: '0+', mapKey: true, about: 'The protocol name.' },
        { name: 'Metadata', type: 'bytes', versions: '0+', about: 'The protocol metadata.' },
      ],
    },
    {
      name: 'Reason',
      type: 'string',
      versions: '8+',
      nullableVersions: '8+',
      default: 'null',
      ignorable: true,
      about: 'The reason why the member (re-)joins the group.',
    },
  ],
} as const satisfies MessageSchema

// Version 1 is the same as version 0.
//
// Version 2 adds throttle time.
//
// Starting in version 3, on quota violation, brokers send out responses before throttling.
//
// Starting in version 4, the client needs to issue a second request to join group
// with assigned id.
//
// Version 5 is bumped to apply group.instance.id to identify member across restarts.
//
// Version 6 is the first flexible version.
//
// Starting from version 7, the broker sends back the Protocol Type to the client (KIP-559).
//
// Version 8 is the same as version 7.
//
// Version 9 adds the SkipAssignment field.
export const JoinGroupResponseSchema = {
  apiKey: 11,
  type: 'response',
  name: 'JoinGroupResponse',
  validVersions: '0-9',
  flexibleVersions: '6+',
  fields: [
    {
      name: 'ThrottleTimeMs',
      type: 'int32',
      versions: '2+',
      ignorable: true,
      about:
        'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.',
    },
    { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The error code, or 0 if there was no error.' },
    { name: 'GenerationId', type: 'int32', versions: '0+', default: '-1', about: 'The generation ID of the group.' },
    {
      name: 'ProtocolType',
      type: 'string',
      versions: '7+',
      nullableVersions: '7+',
      default: 'null',
      ignorable: true,
      about: 'The group protocol name.',
    },
    {
      name: 'ProtocolName',
      type: 'string',
      versions: '0+',
      nullableVersions: '7+',
      about: 'The group protocol selected by the coordinator.',
    },
    { name: 'Leader', type: 'string', versions: '0+', about: 'The leader of the group.' },
    {
      name: 'SkipAssignment',
      type: 'bool',
      versions: '9+',
      default: 'false',
      about: 'True if the leader must skip running the assignment.',
    },
    { name: 'MemberId', type: 'string', versions: '0+', about: 'The member ID assigned by the group coordinator.' },
    {
      name: 'Members',
      type: '[]JoinGroupResponseMember',
      versions: '0+',
      fields: [
        { name: 'MemberId', type: 'string', versions: '0+', about: 'The group member ID.' },
        {
          name: 'GroupInstanceId',
          type: 'string',
          versions: '5+',
          nullableVersions: '5+',
          default: 'null',
          ignorable: true,
          about: 'The unique identifier of the consumer instance provided by end user.',
        },
        { name: 'Metadata', type: 'bytes', versions: '0+', about: 'The group member metadata.' },
      ],
    },
  ],
} as const satisfies MessageSchema
