import { SamsaError, SamsaErrorCode } from '../common/errors.ts'
import { ErrorCode, errorInfo } from '../protocol/error-codes.ts'

/**
 * The client's failures, one class each. Every one is a SamsaError with a stable code and says whether
 * retrying the same operation may succeed (`retriable`), which is what the cluster's retry loop asks.
 */

/** A Kafka error code in a response (top level, per topic, per partition or per resource). */
export class KafkaResponseError extends SamsaError {
  /** Kafka's numeric error code, e.g. 36. */
  readonly errorCode: number
  /** Kafka's error name, e.g. TOPIC_ALREADY_EXISTS. */
  readonly errorName: string
  readonly retriable: boolean
  /** The topic, or the config resource name, the error is about. */
  readonly resource: string | null
  readonly partition: number | null

  constructor(
    errorCode: number,
    context: { resource?: string | null; partition?: number | null; message?: string | null } = {},
  ) {
    const info = errorInfo(errorCode)
    const where =
      context.resource === undefined || context.resource === null
        ? ''
        : context.partition === undefined || context.partition === null
          ? ` (${context.resource})`
          : ` (${context.resource}-${context.partition})`
    super(SamsaErrorCode.ClientKafka, `${info.name}${where}: ${context.message ?? info.message}`)
    this.name = 'KafkaResponseError'
    this.errorCode = errorCode
    this.errorName = info.name
    this.retriable = info.retriable
    this.resource = context.resource ?? null
    this.partition = context.partition ?? null
  }
}

/** The socket could not be opened, or it closed while requests were in flight. Always retriable. */
export class ClientConnectionError extends SamsaError {
  readonly retriable = true
  readonly address: string

  constructor(address: string, message: string, options?: ErrorOptions) {
    super(SamsaErrorCode.ClientConnection, `${address}: ${message}`, options)
    this.name = 'ClientConnectionError'
    this.address = address
  }
}

/** No response within the request timeout (or the connection did not open in time). Retriable. */
export class ClientTimeoutError extends SamsaError {
  readonly retriable = true

  constructor(message: string) {
    super(SamsaErrorCode.ClientTimeout, message)
    this.name = 'ClientTimeoutError'
  }
}

/** The client, or the connection, was closed by its owner. Not retriable. */
export class ClientClosedError extends SamsaError {
  readonly retriable = false

  constructor(message = 'the client is closed') {
    super(SamsaErrorCode.ClientClosed, message)
    this.name = 'ClientClosedError'
  }
}

/** The broker does not serve a version of an API that this client can speak. */
export class UnsupportedVersionError extends SamsaError {
  readonly retriable = false
  readonly apiKey: number

  constructor(apiKey: number, message: string) {
    super(SamsaErrorCode.ProtocolUnsupportedVersion, message)
    this.name = 'UnsupportedVersionError'
    this.apiKey = apiKey
  }
}

/** Whether an error is worth retrying: a retriable Kafka error, a lost connection or a timeout. */
export function isRetriable(err: unknown): boolean {
  if (err instanceof KafkaResponseError) return err.retriable
  return err instanceof ClientConnectionError || err instanceof ClientTimeoutError
}

/** Errors after which the client's view of leaders is probably stale. */
const METADATA_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.NOT_CONTROLLER,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.KAFKA_STORAGE_ERROR,
  ErrorCode.NOT_ENOUGH_REPLICAS,
  ErrorCode.REPLICA_NOT_AVAILABLE,
  ErrorCode.BROKER_NOT_AVAILABLE,
  ErrorCode.UNKNOWN_TOPIC_ID,
  ErrorCode.OFFSET_NOT_AVAILABLE,
])

export function needsMetadataRefresh(err: unknown): boolean {
  if (err instanceof KafkaResponseError) return METADATA_ERRORS.has(err.errorCode)
  return err instanceof ClientConnectionError || err instanceof ClientTimeoutError
}

/** Throws a KafkaResponseError unless `errorCode` is NONE. */
export function throwIfError(
  errorCode: number,
  context: { resource?: string | null; partition?: number | null; message?: string | null } = {},
): void {
  if (errorCode !== ErrorCode.NONE) throw new KafkaResponseError(errorCode, context)
}
