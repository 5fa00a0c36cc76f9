// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 enables flexible versions.
export const DescribeClientQuotasRequestSchema = {
  apiKey: 48,
  type: 'request',
  name: 'DescribeClientQuotasRequest',
  validVersions: '0-1',
  flexibleVersions: '1+',
  listeners: ['zkBroker', 'broker'],
  fields: [
    {
      name: 'Components',
      type: '[]ComponentData',
      versions: '0+',
      about: 'Filter components to apply to quota entities.',
      fields: [
        {
          name: 'EntityType',
          type: 'string',
          versions: '0+',
          about: 'The entity type that the filter component applies to.',
        },
        {
          name: 'MatchType',
          type: 'int8',
          versions: '0+',
          about: 'How to match the entity {0 = exact name, 1 = default name, 2 = any specified name}.',
        },
        {
          name: 'Match',
          type: 'string',
          versions: '0+',
          nullableVersions: '0+',
          about: 'The string to match against, or null if unused for the match type.',
        },
      ],
    },
    {
      name: 'Strict',
      type: 'bool',
      versions: '0+',
      about: 'Whether the match is strict, i.e. should exclude entities with unspecified entity types.',
    },
  ],
} as const satisfies MessageSchema

// Version 1 enables flexible versions.
export const DescribeClientQuotasResponseSchema = {
  apiKey: 48,
  type: 'response',
  name: 'DescribeClientQuotasResponse',
  validVersions: '0-1',
  flexibleVersions: '1+',
  fields: [
    {
      name: 'ThrottleTimeMs',
      type: 'int32',
      versions: '0+',
      about:
        'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.',
    },
    {
      name: 'ErrorCode',
      type: 'int16',
      versions: '0+',
      about: 'The error code, or `0` if the quota description succeeded.',
    },
    {
      name: 'ErrorMessage',
      type: 'string',
      versions: '0+',
      nullableVersions: '0+',
      about: 'The error message, or `null` if the quota description succeeded.',
    },
    {
      name: 'Entries',
      type: '[]EntryData',
      versions: '0+',
      nullableVersions: '0+',
      about: 'A result entry.',
      fields: [
        {
          name: 'Entity',
          type: '[]EntityData',
          versions: '0+',
          about: 'The quota entity description.',
          fields: [
            { name: 'EntityType', type: 'string', versions: '0+', about: 'The entity type.' },
            {
              name: 'EntityName',
              type: 'string',
              versions: '0+',
              nullableVersions: '0+',
              about: 'The entity name, or null if the default.',
            },
          ],
        },
        {
          name: 'Values',
          type: '[]ValueData',
          versions: '0+',
          about: 'The quota values for the entity.',
          fields: [
            { name: 'Key', type: 'string', versions: '0+', about: 'The quota configuration key.' },
            { name: 'Value', type: 'float64', versions: '0+', about: 'The quota configuration value.' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSchema
