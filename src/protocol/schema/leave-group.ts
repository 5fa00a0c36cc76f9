// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 and 2 are the same as version 0.
//
// Version 3 defines batch processing scheme with group.instance.id + member.id for identity
//
// Version 4 is the first flexible version.
//
// Version 5 adds the Reason field (KIP-800).
export const LeaveGroupRequestSchema = {
  apiKey: 13,
  type: 'request',
  name: 'LeaveGroupRequest',
  validVersions: '0-5',
  flexibleVersions: '4+',
  listeners: ['zkBroker', 'broker'],
  fields: [
    { name: 'GroupId', type: 'string', versions: '0+', entityType: 'groupId', about: 'The ID of the group to leave.' },
    { name: 'MemberId', type: 'string', versions: '0-2', about: 'The member ID to remove from the group.' },
    {
      name: 'Members',
      type: '[]MemberIdentity',
      versions: '3+',
      about: 'List of leaving member identities.',
      fields: [
        { name: 'MemberId', type: 'string', versions: '3+', about: 'The member ID to remove from the group.' },
        {
          name: 'GroupInstanceId',
          type: 'string',
          versions: '3+',
          nullableVersions: '3+',
          default: 'null',
          about: 'The group instance ID to remove from the group.',
        },
        {
          name: 'Reason',
          type: 'string',
          versions: '5+',
          nullableVersions: '5+',
          default: 'null',
          ignorable: true,
          about: 'The reason why the member left the group.',
        },
      ],
    },
  ],
} as const satisfies MessageSchema

// Version 1 adds the throttle time.
//
// Starting in version 2, on quota violation, brokers send out responses before throttling.
//
// Starting in version 3, we will make leave group request into batch mode and add group.instance.id.
//
// Version 4 is the first flexible version.
//
// Version 5 is the same as version 4.
export const LeaveGroupResponseSchema = {
  apiKey: 13,
  type: 'response',
  name: 'LeaveGroupResponse',
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
      name: 'Members',
      type: '[]MemberResponse',
      versions: '3+',
      about: 'List of leaving member responses.',
      fields: [
        { name: 'MemberId', type: 'string', versions: '3+', about: 'The member ID to remove from the group.' },
        {
          name: 'GroupInstanceId',
          type: 'string',
          versions: '3+',
          nullableVersions: '3+',
          about: 'The group instance ID to remove from the group.',
        },
        { name: 'ErrorCode', type: 'int16', versions: '3+', about: 'The error code, or 0 if there was no error.' },
      ],
    },
  ],
} as const satisfies MessageSchema
