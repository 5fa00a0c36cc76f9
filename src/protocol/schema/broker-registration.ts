// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 adds Zk broker epoch to the request if the broker is migrating from Zk mode to KRaft mode.
// Version 2 adds LogDirs for KIP-858
// Version 3 adds the PreviousBrokerEpoch for the KIP-966
// Version 4 fixes KAFKA-17011, which blocked SupportedFeatures.MinVersion in the response from being 0.
export const BrokerRegistrationRequestSchema = {
  apiKey: 62,
  type: 'request',
  name: 'BrokerRegistrationRequest',
  validVersions: '0-4',
  flexibleVersions: '0+',
  listeners: ['controller'],
  fields: [
    { name: 'BrokerId', type: 'int32', versions: '0+', entityType: 'brokerId', about: 'The broker ID.' },
    { name: 'ClusterId', type: 'string', versions: '0+', about: 'The cluster id of the broker process.' },
    { name: 'IncarnationId', type: 'uuid', versions: '0+', about: 'The incarnation id of the broker process.' },
    {
      name: 'Listeners',
      type: '[]Listener',
      versions: '0+',
      about: 'The listeners of this broker',
      fields: [
        { name: 'Name', type: 'string', versions: '0+', mapKey: true, about: 'The name of the endpoint.' },
        { name: 'Host', type: 'string', versions: '0+', about: 'The hostname.' },
        { name: 'Port', type: 'uint16', versions: '0+', about: 'The port.' },
        { name: 'SecurityProtocol', type: 'int16', versions: '0+', about: 'The security protocol.' },
      ],
    },
    {
      name: 'Features',
      type: '[]Feature',
      versions: '0+',
      about: 'The features on this broker. Note: in v0-v3, features with MinSupportedVersion = 0 are omitted.',
      fields: [
        { name: 'Name', type: 'string', versions: '0+', mapKey: true, about: 'The feature name.' },
        { name: 'MinSupportedVersion', type: 'int16', versions: '0+', about: 'The minimum supported feature level.' },
        { name: 'MaxSupportedVersion', type: 'int16', versions: '0+', about: 'The maximum supported feature level.' },
      ],
    },
    {
      name: 'Rack',
      type: 'string',
      versions: '0+',
      nullableVersions: '0+',
      about: 'The rack which this broker is in.',
    },
    {
      name: 'IsMigratingZkBroker',
      type: 'bool',
      versions: '1+',
      default: 'false',
      about: 'If the required configurations for ZK migration are present, this value is set to true',
    },
    {
      name: 'LogDirs',
      type: '[]uuid',
      versions: '2+',
      ignorable: true,
      about: 'Log directories configured in this broker which are available.',
    },
    {
      name: 'PreviousBrokerEpoch',
      type: 'int64',
      versions: '3+',
      default: '-1',
      ignorable: true,
      about: 'The epoch before a clean shutdown.',
    },
  ],
} as const satisfies MessageSchema

// Version 1 adds Zk broker epoch to the request if the broker is migrating from Zk mode to KRaft mode.
//
// Version 2 adds the PreviousBrokerEpoch to the request for the KIP-966
export const BrokerRegistrationResponseSchema = {
  apiKey: 62,
  type: 'response',
  name: 'BrokerRegistrationResponse',
  validVersions: '0-4',
  flexibleVersions: '0+',
  fields: [
    {
      name: 'ThrottleTimeMs',
      type: 'int32',
      versions: '0+',
      about:
        'Duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.',
    },
    { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The error code, or 0 if there was no error.' },
    {
      name: 'BrokerEpoch',
      type: 'int64',
      versions: '0+',
      default: '-1',
      about: "The broker's assigned epoch, or -1 if none was assigned.",
    },
  ],
} as const satisfies MessageSchema
