// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Versions 0 through 2 of ApiVersionsRequest are the same.
//
// Version 3 is the first flexible version and adds ClientSoftwareName and ClientSoftwareVersion.
//
// Version 4 fixes KAFKA-17011, which blocked SupportedFeatures.MinVersion in the response from being 0.
export const ApiVersionsRequestSchema = {
  apiKey: 18,
  type: 'request',
  name: 'ApiVersionsRequest',
  validVersions: '0-4',
  flexibleVersions: '3+',
  listeners: ['zkBroker', 'broker', 'controller'],
  fields: [
    { name: 'ClientSoftwareName', type: 'string', versions: '3+', ignorable: true, about: 'The name of the client.' },
    {
      name: 'ClientSoftwareVersion',
      type: 'string',
      versions: '3+',
      ignorable: true,
      about: 'The version of the client.',
    },
  ],
} as const satisfies MessageSchema

// Version 1 adds throttle time to the response.
//
// Starting in version 2, on quota violation, brokers send out responses before throttling.
//
// Version 3 is the first flexible version. Tagged fields are only supported in the body but
// not in the header. The length of the header must not change in order to guarantee the
// backward compatibility.
//
// Starting from Apache Kafka 2.4 (KIP-511), ApiKeys field is populated with the supported
// versions of the ApiVersionsRequest when an UNSUPPORTED_VERSION error is returned.
//
// Version 4 fixes KAFKA-17011, which blocked SupportedFeatures.MinVersion from being 0.
export const ApiVersionsResponseSchema = {
  apiKey: 18,
  type: 'response',
  name: 'ApiVersionsResponse',
  validVersions: '0-4',
  flexibleVersions: '3+',
  fields: [
    { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The top-level error code.' },
    {
      name: 'ApiKeys',
      type: '[]ApiVersion',
      versions: '0+',
      about: 'The APIs supported by the broker.',
      fields: [
        { name: 'ApiKey', type: 'int16', versions: '0+', mapKey: true, about: 'The API index.' },
        { name: 'MinVersion', type: 'int16', versions: '0+', about: 'The minimum supported version, inclusive.' },
        { name: 'MaxVersion', type: 'int16', versions: '0+', about: 'The maximum supported version, inclusive.' },
      ],
    },
    {
      name: 'ThrottleTimeMs',
      type: 'int32',
      versions: '1+',
      ignorable: true,
      about:
        'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.',
    },
    {
      name: 'SupportedFeatures',
      type: '[]SupportedFeatureKey',
      versions: '3+',
      taggedVersions: '3+',
      tag: 0,
      ignorable: true,
      about: 'Features supported by the broker. Note: in v0-v3, features with MinSupportedVersion = 0 are omitted.',
      fields: [
        { name: 'Name', type: 'string', versions: '3+', mapKey: true, about: 'The name of the feature.' },
        { name: 'MinVersion', type: 'int16', versions: '3+', about: 'The minimum supported version for the feature.' },
        { name: 'MaxVersion', type: 'int16', versions: '3+', about: 'The maximum supported version for the feature.' },
      ],
    },
    {
      name: 'FinalizedFeaturesEpoch',
      type: 'int64',
      versions: '3+',
      taggedVersions: '3+',
      tag: 1,
      default: '-1',
      ignorable: true,
      about:
        'The monotonically increasing epoch for the finalized features information. Valid values are >= 0. A value of -1 is special and represents unknown epoch.',
    },
    {
      name: 'FinalizedFeatures',
      type: '[]FinalizedFeatureKey',
      versions: '3+',
      taggedVersions: '3+',
      tag: 2,
      ignorable: true,
      about: 'List of cluster-wide finalized features. The information is valid only if FinalizedFeaturesEpoch >= 0.',
      fields: [
        { name: 'Name', type: 'string', versions: '3+', mapKey: true, about: 'The name of the feature.' },
        {
          name: 'MaxVersionLevel',
          type: 'int16',
          versions: '3+',
          about: 'The cluster-wide finalized max version level for the feature.',
        },
        {
          name: 'MinVersionLevel',
          type: 'int16',
          versions: '3+',
          about: 'The cluster-wide finalized min version level for the feature.',
        },
      ],
    },
    {
      name: 'ZkMigrationReady',
      type: 'bool',
      versions: '3+',
      taggedVersions: '3+',
      tag: 3,
      default: 'false',
      ignorable: true,
      about: 'Set by a KRaft controller if the required configurations for ZK migration are present',
    },
  ],
} as const satisfies MessageSchema
