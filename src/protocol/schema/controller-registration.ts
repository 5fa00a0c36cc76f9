// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

export const ControllerRegistrationRequestSchema = {
  apiKey: 70,
  type: 'request',
  name: 'ControllerRegistrationRequest',
  validVersions: '0',
  flexibleVersions: '0+',
  listeners: ['controller'],
  fields: [
    { name: 'ControllerId', type: 'int32', versions: '0+', about: 'The ID of the controller to register.' },
    {
      name: 'IncarnationId',
      type: 'uuid',
      versions: '0+',
      about: 'The controller incarnation ID, which is unique to each process run.',
    },
    {
      name: 'ZkMigrationReady',
      type: 'bool',
      versions: '0+',
      about: 'Set if the required configurations for ZK migration are present.',
    },
    {
      name: 'Listeners',
      type: '[]Listener',
      versions: '0+',
      about: 'The listeners of this controller',
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
      about: 'The features on this controller',
      fields: [
        { name: 'Name', type: 'string', versions: '0+', mapKey: true, about: 'The feature name.' },
        { name: 'MinSupportedVersion', type: 'int16', versions: '0+', about: 'The minimum supported feature level.' },
        { name: 'MaxSupportedVersion', type: 'int16', versions: '0+', about: 'The maximum supported feature level.' },
      ],
    },
  ],
} as const satisfies MessageSchema

export const ControllerRegistrationResponseSchema = {
  apiKey: 70,
  type: 'response',
  name: 'ControllerRegistrationResponse',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    {
      name: 'ThrottleTimeMs',
      type: 'int32',
      versions: '0+',
      about:
        'Duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.',
    },
    { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The response error code.' },
    {
      name: 'ErrorMessage',
      type: 'string',
      versions: '0+',
      nullableVersions: '0+',
      about: 'The response error message, or null if there was no error.',
    },
  ],
} as const satisfies MessageSchema
