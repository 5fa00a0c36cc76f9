// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../../../protocol/schema-types.ts'

export const AccessControlEntryRecordSchema = {
  apiKey: 18,
  type: 'metadata',
  name: 'AccessControlEntryRecord',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'Id', type: 'uuid', versions: '0+', about: 'The unique ID of this ACL.' },
    { name: 'ResourceType', type: 'int8', versions: '0+', about: 'The resource type.' },
    { name: 'ResourceName', type: 'string', versions: '0+', about: 'The resource name.' },
    { name: 'PatternType', type: 'int8', versions: '0+', about: 'The resource name pattern type.' },
    { name: 'Principal', type: 'string', versions: '0+', about: 'The principal name.' },
    { name: 'Host', type: 'string', versions: '0+', about: 'The host name.' },
    { name: 'Operation', type: 'int8', versions: '0+', about: 'The AclOperation.' },
    { name: 'PermissionType', type: 'int8', versions: '0+', about: 'The AclPermissionType.' },
  ],
} as const satisfies MessageSchema
