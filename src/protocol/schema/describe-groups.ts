// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Versions 1 and 2 are the same as version 0.
//
// Starting in version 3, authorized operations can be requested.
//
// Starting in version 4, the response will include group.instance.id info for members.
//
// Version 5 is the first flexible version.
export const DescribeGroupsRequestSchema = {
  apiKey: 15,
  type: 'request',
  name: 'DescribeGroupsRequest',
  validVersions: '0-5',
  flexibleVersions: '5+',
  listeners: ['zkBroker', 'broker'],
  fields: [
    {
      name: 'Groups',
      type: '[]string',
      versions: '0+',
      entityType: 'groupId',
      about: 'The names of the groups to describe',
    },
    {
      name: 'IncludeAuthorizedOperations',
      type: 'bool',
      versions: '3+',
      about: 'Whether to include authorized operations.',
    },
  ],
} as const satisfies MessageSchema

// Version 1 added throttle time.
//
// Starting in version 2, on quota violation, brokers send out responses before throttling.
//
// Starting in version 3, brokers can send authorized operations.
//
// Starting in version 4, the response will optionally include group.instance.id info for members.
//
// Version 5 is the first flexible version.
// ProtocolData is currently only filled in if the group state is in the Stable state.
// N.B. If the group is in the Dead state, the members array will always be empty.
// This is currently only provided if the group is in the Stable state.
// This is currently only provided if the group is in the Stable state.
export const DescribeGroupsResponseSchema = {
  apiKey: 15,
  type: 'response',
  name: 'DescribeGroupsResponse',
  validVersions: '0-5',
  flexibleVersions: '5+',
  fields: [
    {
      name: 'ThrottleTimeMs',
      type: 'int32',
      versions: '1+',
      ignorable: true,
      about:
        'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.',
    },
    {
      name: 'Groups',
      type: '[]DescribedGroup',
      versions: '0+',
      about: 'Each described group.',
      fields: [
        { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The describe error, or 0 if there was no error.' },
        { name: 'GroupId', type: 'string', versions: '0+', entityType: 'groupId', about: 'The group ID string.' },
        { name: 'GroupState', type: 'string', versions: '0+', about: 'The group state string, or the empty string.' },
        {
          name: 'ProtocolType',
          type: 'string',
          versions: '0+',
          about: 'The group protocol type, or the empty string.',
        },
        {
          name: 'ProtocolData',
          type: 'string',
          versions: '0+',
          about: 'The group protocol data, or the empty string.',
        },
        {
          name: 'Members',
          type: '[]DescribedGroupMember',
          versions: '0+',
          about: 'The group members.',
          fields: [
            {
              name: 'MemberId',
              type: 'string',
              versions: '0+',
              about: 'The member ID assigned by the group coordinator.',
            },
            {
              name: 'GroupInstanceId',
              type: 'string',
              versions: '4+',
              nullableVersions: '4+',
              default: 'null',
              ignorable: true,
              about: 'The unique identifier of the consumer instance provided by end user.',
            },
            {
              name: 'ClientId',
              type: 'string',
              versions: '0+',
              about: "The client ID used in the member's latest join group request.",
            },
            { name: 'ClientHost', type: 'string', versions: '0+', about: 'The client host.' },
            {
              name: 'MemberMetadata',
              type: 'bytes',
              versions: '0+',
              about: 'The metadata corresponding to the current group protocol in use.',
            },
            {
              name: 'MemberAssignment',
              type: 'bytes',
              versions: '0+',
              about: 'The current assignment provided by the group leader.',
            },
          ],
        },
        {
          name: 'AuthorizedOperations',
          type: 'int32',
          versions: '3+',
          default: '-2147483648',
          about: '32-bit bitfield to represent authorized operations for this group.',
        },
      ],
    },
  ],
} as const satisfies MessageSchema
