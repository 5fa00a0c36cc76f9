// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 is the same as version 0.
// Version 2 enables flexible versions.
export const AlterConfigsRequestSchema = {
  apiKey: 33,
  type: 'request',
  name: 'AlterConfigsRequest',
  validVersions: '0-2',
  flexibleVersions: '2+',
  listeners: ['zkBroker', 'broker', 'controller'],
  fields: [
    {
      name: 'Resources',
      type: '[]AlterConfigsResource',
      versions: '0+',
      about: 'The updates for each resource.',
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

// Starting in version 1, on quota violation brokers send out responses before throttling.
// Version 2 enables flexible versions.
export const AlterConfigsResponseSchema = {
  apiKey: 33,
  type: 'response',
  name: 'AlterConfigsResponse',
  validVersions: '0-2',
  flexibleVersions: '2+',
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
