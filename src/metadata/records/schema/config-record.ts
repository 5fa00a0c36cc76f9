// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../../../protocol/schema-types.ts'

export const ConfigRecordSchema = {
  apiKey: 4,
  type: 'metadata',
  name: 'ConfigRecord',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    {
      name: 'ResourceType',
      type: 'int8',
      versions: '0+',
      about: 'The type of resource this configuration applies to.',
    },
    {
      name: 'ResourceName',
      type: 'string',
      versions: '0+',
      about: 'The name of the resource this configuration applies to.',
    },
    { name: 'Name', type: 'string', versions: '0+', about: 'The name of the configuration key.' },
    {
      name: 'Value',
      type: 'string',
      versions: '0+',
      nullableVersions: '0+',
      about: 'The value of the configuration, or null if the it should be deleted.',
    },
  ],
} as const satisfies MessageSchema
