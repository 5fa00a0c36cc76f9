// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 is the first flexible version.
export const IncrementalAlterConfigsRequestSchema = {
  apiKey: 44,
  type: 'request',
  name: 'IncrementalAlterConfigsRequest',
  validVersions: '0-1',
  flexibleVersions: '1+',
  listeners: ['zkBroker', 'broker', 'controller'],
  fields: [
    {
      name: 'Resources',
      type: '[]AlterConfigsResource',
      versions: '0+',
      about: 'The incremental updates for each resource.',
      fields: [
        { name: 'ResourceType', type: 'int8', versions: '0+', mapKey: true, about: 'The resource type.' },
        { name: 'ResourceName', type: 'string', versions: '0+', mapKey: true, about: 'The resource name.' },
        {
          name: 'Configs',
          type: '[]AlterableConfig',
          versions: '0+',
          about: 'The configurations.',
          fields: [
            { name: 'Name', type: 'string', versions: '0+', mapKey: true, about: 'The configuration key name.' },
            {
              name: 'ConfigOperation',
              type: 'int8',
              versions: '0+',
              mapKey: true,
              about: 'The type (Set, Delete, Append, Subtract) of operation.',
            },
            {
              name: 'Value',
              type: 'string',
              versions: '0+',
              nullableVersions: '0+',
              about: 'The value to set for the configuration key.',
            },
          ],
        },
      ],
    },
    {
      name: 'ValidateOnly',
      type: 'bool',
      versions: '0+',
      about: 'True if we should validate the request, but not change the configurations.',
    },
  ],
} as const satisfies MessageSchema

// Version 1 is the first flexible version.
export const IncrementalAlterConfigsResponseSchema = {
  apiKey: 44,
  type: 'response',
  name: 'IncrementalAlterConfigsResponse',
  validVersions: '0-1',
  flexibleVersions: '1+',
  fields: [
    {
      name: 'ThrottleTimeMs',
      type: 'int32',
      versions: '0+',
      about:
        'Duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.',
    },
    {
      name: 'Responses',
      type: '[]AlterConfigsResourceResponse',
      versions: '0+',
      about: 'The responses for each resource.',
      fields: [
        { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The resource error code.' },
        {
          name: 'ErrorMessage',
          type: 'string',
          versions: '0+',
          nullableVersions: '0+',
          about: 'The resource error message, or null if there was no error.',
        },
        { name: 'ResourceType', type: 'int8', versions: '0+', about: 'The resource type.' },
        { name: 'ResourceName', type: 'string', versions: '0+', about: 'The resource name.' },
      ],
    },
  ],
} as const satisfies MessageSchema
