// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 is the same as version 0.
//
// Version 2 is the first flexible version.
export const DeleteGroupsRequestSchema = {
  apiKey: 42,
  type: 'request',
  name: 'DeleteGroupsRequest',
  validVersions: '0-2',
  flexibleVersions: '2+',
  listeners: ['zkBroker', 'broker'],
  fields: [
    {
      name: 'GroupsNames',
      type: '[]string',
      versions: '0+',
      entityType: 'groupId',
      about: 'The group names to delete.',
    },
  ],
} as const satisfies MessageSchema

// Starting in version 1, on quota violation, brokers send out responses before throttling.
//
// Version 2 is the first flexible version.
export const DeleteGroupsResponseSchema = {
  apiKey: 42,
  type: 'response',
  name: 'DeleteGroupsResponse',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    {
      name: 'ThrottleTimeMs',
      type: 'int32',
      versions: '0+',
      about:
        'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.',
    },
    {
      name: 'Results',
      type: '[]DeletableGroupResult',
      versions: '0+',
      about: 'The deletion results',
      fields: [
        { name: 'GroupId', type: 'string', versions: '0+', entityType: 'groupId', mapKey: true, about: 'The group id' },
        {
          name: 'ErrorCode',
          type: 'int16',
          versions: '0+',
          about: 'The deletion error, or 0 if the deletion succeeded.',
        },
      ],
    },
  ],
} as const satisfies MessageSchema
