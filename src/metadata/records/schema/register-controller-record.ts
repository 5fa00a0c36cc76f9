// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../../../protocol/schema-types.ts'

export const RegisterControllerRecordSchema = {
  apiKey: 27,
  type: 'metadata',
  name: 'RegisterControllerRecord',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'ControllerId', type: 'int32', versions: '0+', about: 'The controller id.' },
    { name: 'IncarnationId', type: 'uuid', versions: '0+', about: 'The incarnation ID of the controller process' },
    {
      name: 'ZkMigrationReady',
      type: 'bool',
      versions: '0+',
      about: 'Set if the required configurations for ZK migration are present.',
    },
    {
      name: 'EndPoints',
      type: '[]ControllerEndpoint',
      versions: '0+',
      about: 'The endpoints that can be used to communicate with this controller.',
      fields: [
        { name: 'Name', type: 'string', versions: '0+', mapKey: true, about: 'The name of the endpoint.' },
        { name: 'Host', type: 'string', versions: '0+', about: 'The hostname.' },
        { name: 'Port', type: 'uint16', versions: '0+', about: 'The port.' },
        { name: 'SecurityProtocol', type: 'int16', versions: '0+', about: 'The security protocol.' },
      ],
    },
    {
      name: 'Features',
      type: '[]ControllerFeature',
      versions: '0+',
      about: 'The features on this controller',
      fields: [
        { name: 'Name', type: 'string', versions: '0+', mapKey: true, about: 'The feature name.' },
        { name: 'MinSupportedVersion', type: 'int16', versions: '0+', about: 'The minimum supported feature level.' },
        { name: 'MaxSupportedVersion', type: 'int16', versions: '0+', about: 'The maximum supported feature level.' },
      ],
    },
  ],
} as const satisfies MessageSchema
