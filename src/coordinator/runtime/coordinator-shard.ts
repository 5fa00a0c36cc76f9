/**
 * What a coordinator shard is to the runtime (Kafka's CoordinatorShard and CoordinatorResult). A shard
 * holds the state of one partition of a coordinator topic (`__consumer_offsets`, `__transaction_state`).
 * Operations return the records to write and the response; the runtime writes the records through the
 * partition leader and answers only after the write committed.
 */

/** The outcome of one write operation. */
export interface CoordinatorResult<T, R> {
  /** Records to append, in order, as one batch. */
  readonly records: readonly R[]
  /** What the operation answers once the records are committed. */
  readonly response: T
  /**
   * True (offset commits, tombstones): the records are replayed into the shard after the write
   * succeeded, so the state changes only then. False (classic group membership, Kafka's
   * replayRecords=false): the operation already changed the soft state and the records only persist it;
   * `onAppended` finishes or reverts the change.
   */
  readonly replayRecords: boolean
  /** Called once the write succeeded (error null) or failed (before the operation's promise settles). */
  readonly onAppended?: (error: Error | null) => void
}

/** The state machine of one coordinator partition. */
export interface CoordinatorShard<R> {
  /** Applies one record read back from the log or written by an operation with replayRecords. */
  replay(offset: number, producerId: number, record: R): void
  /** A commit or abort marker of a transaction that wrote records into this partition. */
  replayEndTransaction(producerId: number, committed: boolean): void
  /** The log was replayed to its end: timers may start. */
  onLoaded(): void
  /** This broker stopped leading the partition: pending requests get NOT_COORDINATOR. */
  onUnloaded(): void
}

/** Turns records into log keys and values (int16 version prefixed, Kafka's format) and back. */
export interface CoordinatorRecordSerde<R> {
  serialize(record: R): { key: Buffer; value: Buffer | null }
  /** The record, or null for a record type this coordinator does not know (skipped when loading). */
  deserialize(key: Buffer, value: Buffer | null): R | null
}

/** A shorthand for results that write nothing. */
export function resultOf<T, R>(response: T, records: readonly R[] = [], replayRecords = true): CoordinatorResult<T, R> {
  return { records, response, replayRecords }
}
