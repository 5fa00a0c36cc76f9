// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../../../protocol/schema-types.ts'

// Version 1 adds InControlledShutdown
// Version 2 adds IsMigratingZkBroker
// Version 3 adds LogDirs
export const RegisterBrokerRecordSchema = {
  apiKey: 0,
  type: 'metadata',
  name: 'RegisterBrokerRecord',
  validVersions: '0-3',
  flexibleVersions: '0+',
  fields: [
    { name: 'BrokerId', type: 'int32', versions: '0+', entityType: 'brokerId', about: 'The broker id.' },
    {
      name: 'IsMigratingZkBroker',
      type: 'bool',
      versions: '2+',
      default: 'false',
      about: 'True if the broker is a ZK broker in migration mode. Otherwise, false',
    },
    { name: 'IncarnationId', type: 'uuid', versions: '0+', about: 'The incarnation ID of the broker process' },
    { name: 'BrokerEpoch', type: 'int64', versions: '0+', about: 'The broker epoch assigned by the controller.' },
    {
      name: 'EndPoints',
      type: '[]BrokerEndpoint',
      versions: '0+',
      about: 'The endpoints that can be used to communicate with this broker.',
      fields: [
        { name: 'Name', type: 'string', versions: '0+', mapKey: true, about: 'The name of the endpoint.' },
        { name: 'Host', type: 'string', versions: '0+', about: 'The hostname.' },
        { name: 'Port', type: 'uint16', versions: '0+', about: 'The port.' },
        { name: 'SecurityProtocol', type: 'int16', versions: '0+', about: 'The security protocol.' },
      ],
    },
    {
      name: 'Features',
      type: '[]BrokerFeature',
      versions: '0+',
      about: 'The features on this broker',
      fields: [
        { name: 'Name', type: 'string', versions: '0+', mapKey: true, about: 'The feature name.' },
        { name: 'MinSupportedVersion', type: 'int16', versions: '0+', about: 'The minimum supported feature level.' },
        { name: 'MaxSupportedVersion', type: 'int16', versions: '0+', about: 'The maximum supported feature level.' },
      ],
    },
    { name: 'Rack', type: 'string', versions: '0+', nullableVersions: '0+', about: 'The broker rack.' },
    { name: 'Fenced', type: 'bool', versions: '0+', default: 'true', about: 'True if the broker is fenced.' },
    {
      name: 'InControlledShutdown',
      type: 'bool',
      versions: '1+',
      default: 'false',
      about: 'True if the broker is in controlled shutdown.',
    },
    {
      name: 'LogDirs',
      type: '[]uuid',
      versions: '3+',
      taggedVersions: '3+',
      tag: 0,
      about: 'Log directories configured in this broker which are available.',
    },
  ],
} as const satisfies MessageSchema
