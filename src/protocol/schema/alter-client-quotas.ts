// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 enables flexible versions.
export const AlterClientQuotasRequestSchema = {
  apiKey: 49,
  type: 'request',
  name: 'AlterClientQuotasRequest',
  validVersions: '0-1',
  flexibleVersions: '1+',
  listeners: ['zkBroker', 'broker', 'controller'],
  fields: [
    {
      name: 'Entries',
      type: '[]EntryData',
      versions: '0+',
      about: 'The quota configuration entries to alter.',
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
        {
          name: 'Ops',
          type: '[]OpData',
          versions: '0+',
          about: 'An individual quota configuration entry to alter.',
          fields: [
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
        },
      ],
    },
    {
      name: 'ValidateOnly',
      type: 'bool',
      versions: '0+',
      about: 'Whether the alteration should be validated, but not performed.',
    },
  ],
} as const satisfies MessageSchema

// Version 1 enables flexible versions.
export const AlterClientQuotasResponseSchema = {
  apiKey: 49,
  type: 'response',
  name: 'AlterClientQuotasResponse',
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
      name: 'Entries',
      type: '[]EntryData',
      versions: '0+',
      about: 'The quota configuration entries to alter.',
      fields: [
        {
          name: 'ErrorCode',
          type: 'int16',
          versions: '0+',
          about: 'The error code, or `0` if the quota alteration succeeded.',
        },
        {
          name: 'ErrorMessage',
          type: 'string',
          versions: '0+',
          nullableVersions: '0+',
          about: 'The error message, or `null` if the quota alteration succeeded.',
        },
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
      ],
    },
  ],
} as const satisfies MessageSchema
