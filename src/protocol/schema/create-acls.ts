// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 adds resource pattern type.
// Version 2 enables flexible versions.
// Version 3 adds user resource type.
export const CreateAclsRequestSchema = {
  apiKey: 30,
  type: 'request',
  name: 'CreateAclsRequest',
  validVersions: '0-3',
  flexibleVersions: '2+',
  listeners: ['zkBroker', 'broker', 'controller'],
  fields: [
    {
      name: 'Creations',
      type: '[]AclCreation',
      versions: '0+',
      about: 'The ACLs that we want to create.',
      fields: [
        { name: 'ResourceType', type: 'int8', versions: '0+', about: 'The type of the resource.' },
        { name: 'ResourceName', type: 'string', versions: '0+', about: 'The resource name for the ACL.' },
        {
          name: 'ResourcePatternType',
          type: 'int8',
          versions: '1+',
          default: '3',
          about: 'The pattern type for the ACL.',
        },
        { name: 'Principal', type: 'string', versions: '0+', about: 'The principal for the ACL.' },
        { name: 'Host', type: 'string', versions: '0+', about: 'The host for the ACL.' },
        {
          name: 'Operation',
          type: 'int8',
          versions: '0+',
          about: 'The operation type for the ACL (read, write, etc.).',
        },
        {
          name: 'PermissionType',
          type: 'int8',
          versions: '0+',
          about: 'The permission type for the ACL (allow, deny, etc.).',
        },
      ],
    },
  ],
} as const satisfies MessageSchema

// Starting in version 1, on quota violation, brokers send out responses before throttling.
// Version 2 enables flexible versions.
// Version 3 adds user resource type.
export const CreateAclsResponseSchema = {
  apiKey: 30,
  type: 'response',
  name: 'CreateAclsResponse',
  validVersions: '0-3',
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
      type: '[]AclCreationResult',
      versions: '0+',
      about: 'The results for each ACL creation.',
      fields: [
        { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The result error, or zero if there was no error.' },
        {
          name: 'ErrorMessage',
          type: 'string',
          versions: '0+',
          nullableVersions: '0+',
          about: 'The result message, or null if there was no error.',
        },
      ],
    },
  ],
} as const satisfies MessageSchema
