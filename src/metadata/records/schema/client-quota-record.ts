// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../../../protocol/schema-types.ts'

export const ClientQuotaRecordSchema = {
  apiKey: 14,
  type: 'metadata',
  name: 'ClientQuotaRecord',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    {
      name: 'Entity',
      type: '[]EntityData',
      versions: '0+',
      about: 'The quota entity to alter.',
      fields: [
        { name: 'EntityType', type: 'string', versions: '0+', about: 'The entity type.' },
        {
          name: 'EntityName',
          type: 'string',
          versions: '0+',
          nullableVersions: '0+',
          about: 'The name of the entity, or null if the default.',
        },
      ],
    },
    { name: 'Key', type: 'string', versions: '0+', about: 'The quota configuration key.' },
    {
      name: 'Value',
      type: 'float64',
      versions: '0+',
      about: 'The value to set, otherwise ignored if the value is to be removed.',
    },
    {
      name: 'Remove',
      type: 'bool',
      versions: '0+',
      about: 'Whether the quota configuration value should be removed, otherwise set.',
    },
  ],
} as const satisfies MessageSchema
