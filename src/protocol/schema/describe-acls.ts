// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 adds resource pattern type.
// Version 2 enables flexible versions.
// Version 3 adds user resource type.
export const DescribeAclsRequestSchema = {
  apiKey: 29,
  type: 'request',
  name: 'DescribeAclsRequest',
  validVersions: '0-3',
  flexibleVersions: '2+',
  listeners: ['zkBroker', 'broker', 'controller'],
  fields: [
    { name: 'ResourceTypeFilter', type: 'int8', versions: '0+', about: 'The resource type.' },
    {
      name: 'ResourceNameFilter',
      type: 'string',
      versions: '0+',
      nullableVersions: '0+',
      about: 'The resource name, or null to match any resource name.',
    },
    {
      name: 'PatternTypeFilter',
      type: 'int8',
      versions: '1+',
      default: '3',
      ignorable: false,
      about: 'The resource pattern to match.',
    },
    {
      name: 'PrincipalFilter',
      type: 'string',
      versions: '0+',
      nullableVersions: '0+',
      about: 'The principal to match, or null to match any principal.',
    },
    {
      name: 'HostFilter',
      type: 'string',
      versions: '0+',
      nullableVersions: '0+',
      about: 'The host to match, or null to match any host.',
    },
    { name: 'Operation', type: 'int8', versions: '0+', about: 'The operation to match.' },
    { name: 'PermissionType', type: 'int8', versions: '0+', about: 'The permission type to match.' },
  ],
} as const satisfies MessageSchema

// Version 1 adds PatternType.
// Starting in version 1, on quota violation, brokers send out responses before throttling.
// Version 2 enables flexible versions.
// Version 3 adds user resource type.
export const DescribeAclsResponseSchema = {
  apiKey: 29,
  type: 'response',
  name: 'DescribeAclsResponse',
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
    { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The error code, or 0 if there was no error.' },
    {
      name: 'ErrorMessage',
      type: 'string',
      versions: '0+',
      nullableVersions: '0+',
      about: 'The error message, or null if there was no error.',
    },
    {
      name: 'Resources',
      type: '[]DescribeAclsResource',
      versions: '0+',
      about: 'Each Resource that is referenced in an ACL.',
      fields: [
        { name: 'ResourceType', type: 'int8', versions: '0+', about: 'The resource type.' },
        { name: 'ResourceName', type: 'string', versions: '0+', about: 'The resource name.' },
        {
          name: 'PatternType',
          type: 'int8',
          versions: '1+',
          default: '3',
          ignorable: false,
          about: 'The resource pattern type.',
        },
        {
          name: 'Acls',
          type: '[]AclDescription',
          versions: '0+',
          about: 'The ACLs.',
          fields: [
            { name: 'Principal', type: 'string', versions: '0+', about: 'The ACL principal.' },
            { name: 'Host', type: 'string', versions: '0+', about: 'The ACL host.' },
            { name: 'Operation', type: 'int8', versions: '0+', about: 'The ACL operation.' },
            { name: 'PermissionType', type: 'int8', versions: '0+', about: 'The ACL permission type.' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSchema
