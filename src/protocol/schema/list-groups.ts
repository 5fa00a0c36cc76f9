// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 and 2 are the same as version 0.
//
// Version 3 is the first flexible version.
//
// Version 4 adds the StatesFilter field (KIP-518).
//
// Version 5 adds the TypesFilter field (KIP-848).
export const ListGroupsRequestSchema = {
  apiKey: 16,
  type: 'request',
  name: 'ListGroupsRequest',
  validVersions: '0-5',
  flexibleVersions: '3+',
  listeners: ['zkBroker', 'broker'],
  fields: [
    {
      name: 'StatesFilter',
      type: '[]string',
      versions: '4+',
      about: 'The states of the groups we want to list. If empty, all groups are returned with their state.',
    },
    {
      name: 'TypesFilter',
      type: '[]string',
      versions: '5+',
      about: 'The types of the groups we want to list. If empty, all groups are returned with their type.',
    },
  ],
} as const satisfies MessageSchema

// Version 1 adds the throttle time.
//
// Starting in version 2, on quota violation, brokers send out
// responses before throttling.
//
// Version 3 is the first flexible version.
//
// Version 4 adds the GroupState field (KIP-518).
//
// Version 5 adds the GroupType field (KIP-848).
export const ListGroupsResponseSchema = {
  apiKey: 16,
  type: 'response',
  name: 'ListGroupsResponse',
  validVersions: '0-5',
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
    { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The error code, or 0 if there was no error.' },
    {
      name: 'Groups',
      type: '[]ListedGroup',
      versions: '0+',
      about: 'Each group in the response.',
      fields: [
        { name: 'GroupId', type: 'string', versions: '0+', entityType: 'groupId', about: 'The group ID.' },
        { name: 'ProtocolType', type: 'string', versions: '0+', about: 'The group protocol type.' },
        { name: 'GroupState', type: 'string', versions: '4+', ignorable: true, about: 'The group state name.' },
        { name: 'GroupType', type: 'string', versions: '5+', ignorable: true, about: 'The group type name.' },
      ],
    },
  ],
} as const satisfies MessageSchema
