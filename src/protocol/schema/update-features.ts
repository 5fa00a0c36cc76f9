// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 adds validate only field.
//
// Version 2 changes the response to not return feature level results.
export const UpdateFeaturesRequestSchema = {
  apiKey: 57,
  type: 'request',
  name: 'UpdateFeaturesRequest',
  validVersions: '0-2',
  flexibleVersions: '0+',
  listeners: ['zkBroker', 'broker', 'controller'],
  fields: [
    {
      name: 'timeoutMs',
      type: 'int32',
      versions: '0+',
      default: '60000',
      about: 'How long to wait in milliseconds before timing out the request.',
    },
    {
      name: 'FeatureUpdates',
      type: '[]FeatureUpdateKey',
      versions: '0+',
      about: 'The list of updates to finalized features.',
      fields: [
        {
          name: 'Feature',
          type: 'string',
          versions: '0+',
          mapKey: true,
          about: 'The name of the finalized feature to be updated.',
        },
        {
          name: 'MaxVersionLevel',
          type: 'int16',
          versions: '0+',
          about:
            'The new maximum version level for the finalized feature. A value >= 1 is valid. A value < 1, is special, and can be used to request the deletion of the finalized feature.',
        },
        {
          name: 'AllowDowngrade',
          type: 'bool',
          versions: '0',
          about:
            "DEPRECATED in version 1 (see DowngradeType). When set to true, the finalized feature version level is allowed to be downgraded/deleted. The downgrade request will fail if the new maximum version level is a value that's not lower than the existing maximum finalized version level.",
        },
        {
          name: 'UpgradeType',
          type: 'int8',
          versions: '1+',
          default: '1',
          about:
            'Determine which type of upgrade will be performed: 1 will perform an upgrade only (default), 2 is safe downgrades only (lossless), 3 is unsafe downgrades (lossy).',
        },
      ],
    },
    {
      name: 'ValidateOnly',
      type: 'bool',
      versions: '1+',
      default: 'false',
      about: 'True if we should validate the request, but not perform the upgrade or downgrade.',
    },
  ],
} as const satisfies MessageSchema

export const UpdateFeaturesResponseSchema = {
  apiKey: 57,
  type: 'response',
  name: 'UpdateFeaturesResponse',
  validVersions: '0-2',
  flexibleVersions: '0+',
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
      about: 'The top-level error code, or `0` if there was no top-level error.',
    },
    {
      name: 'ErrorMessage',
      type: 'string',
      versions: '0+',
      nullableVersions: '0+',
      about: 'The top-level error message, or `null` if there was no top-level error.',
    },
    {
      name: 'Results',
      type: '[]UpdatableFeatureResult',
      versions: '0-1',
      ignorable: true,
      about: 'Results for each feature update.',
      fields: [
        { name: 'Feature', type: 'string', versions: '0+', mapKey: true, about: 'The name of the finalized feature.' },
        {
          name: 'ErrorCode',
          type: 'int16',
          versions: '0+',
          about: 'The feature update error code or `0` if the feature update succeeded.',
        },
        {
          name: 'ErrorMessage',
          type: 'string',
          versions: '0+',
          nullableVersions: '0+',
          about: 'The feature update error, or `null` if the feature update succeeded.',
        },
      ],
    },
  ],
} as const satisfies MessageSchema
