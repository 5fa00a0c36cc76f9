import { errorInfo } from './error-codes.ts'

const brand = Symbol.for('samsa.kafka-protocol-error')

/** One rejected record of a Produce batch (Produce v8+ record_errors, KIP-467): its index in the batch. */
export interface RecordError {
  readonly batchIndex: number
  readonly message: string | null
}

/**
 * An expected, per-resource outcome carrying a Kafka error code (UNKNOWN_TOPIC_OR_PARTITION,
 * OFFSET_OUT_OF_RANGE, MESSAGE_TOO_LARGE...). Storage and coordinators may throw it; the handler catches
 * it and puts `errorCode` (and `message`, where the response has an error message) into the response
 * field of the resource it concerns. It never crosses a connection. `recordErrors` lists the records that
 * made an append fail (Kafka's RecordValidationException), for Produce's record_errors.
 */
export class KafkaProtocolError extends Error {
  readonly errorCode: number
  readonly recordErrors: readonly RecordError[]

  constructor(errorCode: number, message?: string, recordErrors: readonly RecordError[] = []) {
    super(message ?? errorInfo(errorCode).message)
    this.errorCode = errorCode
    this.recordErrors = recordErrors
    this.name = `KafkaProtocolError(${errorInfo(errorCode).name})`
  }

  get [brand](): true {
    return true
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true
  }
}
