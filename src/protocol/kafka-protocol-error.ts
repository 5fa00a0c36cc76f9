import { errorInfo } from './error-codes.ts'

const brand = Symbol.for('samsa.kafka-protocol-error')

/**
 * An expected, per-resource outcome carrying a Kafka error code (UNKNOWN_TOPIC_OR_PARTITION,
 * OFFSET_OUT_OF_RANGE, MESSAGE_TOO_LARGE...). Storage and coordinators may throw it; the handler catches
 * it and puts `errorCode` (and `message`, where the response has an error message) into the response
 * field of the resource it concerns. It never crosses a connection.
 */
export class KafkaProtocolError extends Error {
  readonly errorCode: number

  constructor(errorCode: number, message?: string) {
    super(message ?? errorInfo(errorCode).message)
    this.errorCode = errorCode
    this.name = `KafkaProtocolError(${errorInfo(errorCode).name})`
  }

  get [brand](): true {
    return true
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true
  }
}
