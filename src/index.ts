/**
 * The public entry point of the samsa package. Everything exported here is a supported API; nothing
 * else is.
 */

// The TypeScript client.
export {
  Admin,
  type AdminOptions,
  type ClusterDescription,
  type ConfigDescription,
  type ConfigEntry,
  type ConfigResource,
  type ConfigResourceType,
  type ConfigSource,
  type ConfigSynonym,
  type CreatedTopic,
  type NewTopic,
  type PartitionDescription,
  type TopicDescription,
} from './client/admin.ts'
export type { ClusterOptions } from './client/cluster.ts'
export {
  Consumer,
  type ConsumerOptions,
  type ConsumerRecord,
  type OffsetStart,
  type TopicPartitionStart,
} from './client/consumer.ts'
export {
  ClientClosedError,
  ClientConnectionError,
  ClientTimeoutError,
  KafkaResponseError,
  UnsupportedVersionError,
} from './client/errors.ts'
export type { OffsetSpec, PartitionOffset } from './client/list-offsets.ts'
export { type Partitioner, type PartitionerArgs, partitionForKey } from './client/partitioner.ts'
export {
  type Acks,
  type CompressionName,
  Producer,
  type ProducerMessage,
  type ProducerOptions,
  type ProducerRecord,
  type RecordMetadata,
} from './client/producer.ts'
// Errors.
export { SamsaError, SamsaErrorCode } from './common/errors.ts'
export { ErrorCode, errorInfo } from './protocol/error-codes.ts'
export { BrokerConfig } from './server/config.ts'
// The broker, embedded or composed.
export { type EmbeddedBroker, type StartBrokerOptions, startBroker } from './server/embed.ts'
export { BrokerNode, type BrokerNodeOptions } from './server/node.ts'
