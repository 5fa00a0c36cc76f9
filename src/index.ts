/**
 * The public entry point of the samsa package. Everything exported here is a supported API; nothing
 * else is.
 */

export { SamsaError, SamsaErrorCode } from './common/errors.ts'
export { ErrorCode } from './protocol/error-codes.ts'
export { BrokerConfig } from './server/config.ts'
export { type EmbeddedBroker, type StartBrokerOptions, startBroker } from './server/embed.ts'
export { BrokerNode, type BrokerNodeOptions } from './server/node.ts'
