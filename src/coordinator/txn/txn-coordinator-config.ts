/** The broker settings the transaction coordinator reads (a view of the broker configuration, Kafka's names). */
export interface TxnConfigSource {
  getInt(key: string): number
  getLong(key: string): number
}

/** Kafka's TransactionStateManagerConfig and TransactionLogConfig, resolved once. */
export interface TxnCoordinatorConfig {
  readonly transactionStateLogNumPartitions: number
  readonly transactionStateLogReplicationFactor: number
  readonly transactionStateLogMinIsr: number
  readonly transactionStateLogSegmentBytes: number
  readonly transactionMaxTimeoutMs: number
  readonly transactionalIdExpirationMs: number
  readonly abortTimedOutTransactionsIntervalMs: number
  /** transaction.remove.expired.transaction.cleanup.interval.ms (Kafka: one hour). */
  readonly removeExpiredTransactionalIdsIntervalMs: number
  /** transaction.state.log.load.buffer.size (Kafka: 5 MiB). */
  readonly loadBufferBytes: number
  /** How long a write to `__transaction_state` may take to commit. */
  readonly writeTimeoutMs: number
  /** Producer ids reserved from the controller at a time (Kafka's block size: 1000). */
  readonly producerIdBlockSize: number
  /** Pause before markers that could not be written are tried again. */
  readonly markerRetryBackoffMs: number
}

const LOAD_BUFFER_BYTES = 5 * 1024 * 1024
const WRITE_TIMEOUT_MS = 5_000
const PRODUCER_ID_BLOCK_SIZE = 1000
const MARKER_RETRY_BACKOFF_MS = 100

export function txnCoordinatorConfigFrom(c: TxnConfigSource): TxnCoordinatorConfig {
  return {
    transactionStateLogNumPartitions: c.getInt('transaction.state.log.num.partitions'),
    transactionStateLogReplicationFactor: c.getInt('transaction.state.log.replication.factor'),
    transactionStateLogMinIsr: c.getInt('transaction.state.log.min.isr'),
    transactionStateLogSegmentBytes: c.getInt('transaction.state.log.segment.bytes'),
    transactionMaxTimeoutMs: c.getInt('transaction.max.timeout.ms'),
    transactionalIdExpirationMs: c.getInt('transactional.id.expiration.ms'),
    abortTimedOutTransactionsIntervalMs: c.getInt('transaction.abort.timed.out.transaction.cleanup.interval.ms'),
    removeExpiredTransactionalIdsIntervalMs: c.getInt('transaction.remove.expired.transaction.cleanup.interval.ms'),
    loadBufferBytes: LOAD_BUFFER_BYTES,
    writeTimeoutMs: WRITE_TIMEOUT_MS,
    producerIdBlockSize: PRODUCER_ID_BLOCK_SIZE,
    markerRetryBackoffMs: MARKER_RETRY_BACKOFF_MS,
  }
}

/** Kafka's defaults, for tests. */
export const DEFAULT_TXN_COORDINATOR_CONFIG: TxnCoordinatorConfig = {
  transactionStateLogNumPartitions: 50,
  transactionStateLogReplicationFactor: 3,
  transactionStateLogMinIsr: 2,
  transactionStateLogSegmentBytes: 104857600,
  transactionMaxTimeoutMs: 900_000,
  transactionalIdExpirationMs: 604_800_000,
  abortTimedOutTransactionsIntervalMs: 10_000,
  removeExpiredTransactionalIdsIntervalMs: 3_600_000,
  loadBufferBytes: LOAD_BUFFER_BYTES,
  writeTimeoutMs: WRITE_TIMEOUT_MS,
  producerIdBlockSize: PRODUCER_ID_BLOCK_SIZE,
  markerRetryBackoffMs: MARKER_RETRY_BACKOFF_MS,
}
