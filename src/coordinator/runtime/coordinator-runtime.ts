import type { Logger } from '../../common/log.ts'
import type { Scheduler } from '../../common/scheduler.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { KafkaProtocolError } from '../../protocol/kafka-protocol-error.ts'
import { encodeControlBatch, encodeRecordBatch } from '../../protocol/records/records.ts'
import type { CoordinatorLog } from './coordinator-log.ts'
import type { CoordinatorRecordSerde, CoordinatorResult, CoordinatorShard } from './coordinator-shard.ts'
import { type CoordinatorTimer, ShardTimer, type TimerOperation } from './coordinator-timer.ts'
import { loadShard } from './shard-loader.ts'

export const ShardState = { Loading: 'Loading', Active: 'Active', Closed: 'Closed' } as const
export type ShardState = (typeof ShardState)[keyof typeof ShardState]

export interface CoordinatorRuntimeOptions<S extends CoordinatorShard<R>, R> {
  /** For log lines ('group-coordinator'). */
  readonly name: string
  readonly scheduler: Scheduler
  readonly logger: Logger
  readonly serde: CoordinatorRecordSerde<R>
  /** Builds the empty shard of a partition before its log is replayed into it. */
  readonly newShard: (partition: number, timer: CoordinatorTimer<R>) => S
  /** Bytes read per step while loading. */
  readonly loadBufferBytes: number
}

class ShardContext<S, R> {
  readonly partition: number
  readonly epoch: number
  readonly log: CoordinatorLog
  readonly shard: S
  readonly timer: ShardTimer<R>
  state: ShardState = ShardState.Loading
  /** Tail of the write queue: operations of one shard run one at a time, each after the previous write. */
  queue: Promise<unknown> = Promise.resolve()

  constructor(partition: number, epoch: number, log: CoordinatorLog, shard: S, timer: ShardTimer<R>) {
    this.partition = partition
    this.epoch = epoch
    this.log = log
    this.shard = shard
    this.timer = timer
  }
}

/**
 * Runs the shards of a coordinator topic this broker leads (Kafka's CoordinatorRuntime). Loading replays
 * a partition's log into a fresh shard (COORDINATOR_LOAD_IN_PROGRESS meanwhile); write operations of a
 * shard run one at a time: the operation computes records and a response from the current state, the
 * records are appended as one batch with acks=all, and only then are they replayed (or the operation's
 * callback told) and the response released. A failed write changes nothing and rejects with the
 * coordinator error for it. Unloading (leadership lost, topic deleted) fails what is pending with
 * NOT_COORDINATOR.
 */
export class CoordinatorRuntime<S extends CoordinatorShard<R>, R> {
  readonly #o: CoordinatorRuntimeOptions<S, R>
  readonly #log: Logger
  readonly #shards = new Map<number, ShardContext<S, R>>()

  constructor(o: CoordinatorRuntimeOptions<S, R>) {
    this.#o = o
    this.#log = o.logger.child({ component: o.name })
  }

  /** Starts loading `partition` from `log` in `epoch`, unless it is already loaded or loading in that epoch. */
  scheduleLoad(partition: number, epoch: number, log: CoordinatorLog): void {
    const existing = this.#shards.get(partition)
    if (existing !== undefined && existing.state !== ShardState.Closed && existing.epoch >= epoch) return
    if (existing !== undefined) this.#close(existing)
    let ctx: ShardContext<S, R> | undefined
    const timer = new ShardTimer<R>(this.#o.scheduler, (key, op) => {
      if (ctx !== undefined) this.#enqueueTimer(ctx, key, op)
    })
    ctx = new ShardContext(partition, epoch, log, this.#o.newShard(partition, timer), timer)
    this.#shards.set(partition, ctx)
    const loading = ctx
    loading.queue = this.#load(loading)
  }

  async #load(ctx: ShardContext<S, R>): Promise<void> {
    const startMs = this.#o.scheduler.clock.monotonicMs()
    try {
      const stats = await loadShard(ctx.log, ctx.shard, this.#o.serde, this.#o.loadBufferBytes, () => ctx.state)
      if (ctx.state !== ShardState.Loading) return
      ctx.state = ShardState.Active
      ctx.shard.onLoaded()
      const elapsedMs = Math.round(this.#o.scheduler.clock.monotonicMs() - startMs)
      this.#log.info(
        { partition: ctx.partition, epoch: ctx.epoch, ...stats, elapsedMs },
        'coordinator partition loaded',
      )
    } catch (err) {
      this.#log.error({ err, partition: ctx.partition }, 'coordinator partition load failed')
      if (this.#shards.get(ctx.partition) === ctx) this.#shards.delete(ctx.partition)
      this.#close(ctx)
    }
  }

  /** Stops serving `partition` (any epoch up to `epoch`; all when omitted). */
  scheduleUnload(partition: number, epoch = Number.MAX_SAFE_INTEGER): void {
    const ctx = this.#shards.get(partition)
    if (ctx === undefined || ctx.epoch > epoch) return
    this.#shards.delete(partition)
    this.#close(ctx)
    this.#log.info({ partition, epoch: ctx.epoch }, 'coordinator partition unloaded')
  }

  #close(ctx: ShardContext<S, R>): void {
    const wasActive = ctx.state === ShardState.Active
    ctx.state = ShardState.Closed
    ctx.timer.close()
    if (wasActive) ctx.shard.onUnloaded()
  }

  /** Partitions currently loaded or loading, with their state. */
  get partitions(): ReadonlyMap<number, ShardState> {
    return new Map([...this.#shards].map(([p, c]) => [p, c.state]))
  }

  /** The active shard of `partition`, or the coordinator error a request for it gets. */
  #active(partition: number): ShardContext<S, R> {
    const ctx = this.#shards.get(partition)
    if (ctx === undefined || ctx.state === ShardState.Closed) throw new KafkaProtocolError(ErrorCode.NOT_COORDINATOR)
    if (ctx.state === ShardState.Loading) throw new KafkaProtocolError(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)
    return ctx
  }

  /** Reads the committed state of a shard (nothing is pending between operations). */
  read<T>(partition: number, op: (shard: S) => T): T {
    return op(this.#active(partition).shard)
  }

  /** Queues a write operation on `partition`; resolves with its response after its records committed. */
  scheduleWrite<T>(partition: number, name: string, op: (shard: S) => CoordinatorResult<T, R>): Promise<T> {
    const ctx = this.#active(partition)
    const run = ctx.queue.then(() => this.#runWrite(ctx, name, op))
    ctx.queue = run.catch(() => undefined)
    return run
  }

  /**
   * A write inside a producer's transaction (Kafka's scheduleTransactionalWriteOperation, for
   * TxnOffsetCommit): the batch carries the producer id and epoch and is transactional, so the partition's
   * producer state fences a stale epoch, and its records are replayed as pending until the marker.
   */
  scheduleTransactionalWrite<T>(
    partition: number,
    name: string,
    producerId: number,
    producerEpoch: number,
    op: (shard: S) => CoordinatorResult<T, R>,
  ): Promise<T> {
    const ctx = this.#active(partition)
    const run = ctx.queue.then(() => this.#runWrite(ctx, name, op, { producerId, producerEpoch }))
    ctx.queue = run.catch(() => undefined)
    return run
  }

  /**
   * Writes a COMMIT or ABORT marker for a producer's transaction into `partition` (WriteTxnMarkers for a
   * coordinator partition, Kafka's scheduleTransactionCompletion), then replays the end of the transaction.
   */
  scheduleTransactionCompletion(
    partition: number,
    producerId: number,
    producerEpoch: number,
    coordinatorEpoch: number,
    committed: boolean,
  ): Promise<void> {
    const ctx = this.#active(partition)
    const run = ctx.queue.then(async () => {
      if (ctx.state !== ShardState.Active) throw new KafkaProtocolError(ErrorCode.NOT_COORDINATOR)
      const marker = encodeControlBatch({
        type: committed ? 'COMMIT' : 'ABORT',
        producerId,
        producerEpoch,
        coordinatorEpoch,
        timestamp: this.#o.scheduler.clock.nowMs(),
      })
      try {
        await ctx.log.append(marker)
        if (ctx.state !== ShardState.Active) throw new KafkaProtocolError(ErrorCode.NOT_COORDINATOR)
      } catch (err) {
        throw coordinatorErrorForWrite(err)
      }
      ctx.shard.replayEndTransaction(producerId, committed)
    })
    ctx.queue = run.catch(() => undefined)
    return run
  }

  #enqueueTimer(ctx: ShardContext<S, R>, key: string, op: TimerOperation<R>): void {
    if (ctx.state === ShardState.Closed) return
    const run = ctx.queue.then(() => this.#runWrite(ctx, key, op))
    ctx.queue = run.catch((err: unknown) => {
      if (!(err instanceof KafkaProtocolError)) this.#log.error({ err, timer: key }, 'coordinator timer failed')
    })
  }

  async #runWrite<T>(
    ctx: ShardContext<S, R>,
    name: string,
    op: (shard: S) => CoordinatorResult<T, R>,
    txn: { producerId: number; producerEpoch: number } | null = null,
  ): Promise<T> {
    if (ctx.state !== ShardState.Active) throw new KafkaProtocolError(ErrorCode.NOT_COORDINATOR)
    let result: CoordinatorResult<T, R>
    try {
      result = op(ctx.shard)
    } catch (err) {
      if (err instanceof KafkaProtocolError) throw err
      this.#log.error({ err, operation: name, partition: ctx.partition }, 'coordinator operation failed')
      throw new KafkaProtocolError(ErrorCode.UNKNOWN_SERVER_ERROR)
    }
    if (result.records.length === 0) {
      result.onAppended?.(null)
      return result.response
    }
    let lastOffset: number
    try {
      lastOffset = await ctx.log.append(this.#batch(result.records, txn))
      if (ctx.state !== ShardState.Active) throw new KafkaProtocolError(ErrorCode.NOT_COORDINATOR)
    } catch (err) {
      const mapped = coordinatorErrorForWrite(err)
      if (mapped.errorCode === ErrorCode.UNKNOWN_SERVER_ERROR || !(err instanceof KafkaProtocolError))
        this.#log.warn({ err, operation: name, partition: ctx.partition }, 'coordinator write failed')
      result.onAppended?.(mapped)
      throw mapped
    }
    if (result.replayRecords) {
      const base = lastOffset - result.records.length + 1
      for (const [i, r] of result.records.entries()) ctx.shard.replay(base + i, txn?.producerId ?? -1, r)
    }
    result.onAppended?.(null)
    return result.response
  }

  #batch(records: readonly R[], txn: { producerId: number; producerEpoch: number } | null): Buffer {
    const timestamp = this.#o.scheduler.clock.nowMs()
    return encodeRecordBatch({
      records: records.map((r) => ({ ...this.#o.serde.serialize(r), timestamp })),
      ...(txn === null
        ? {}
        : { isTransactional: true, producerId: txn.producerId, producerEpoch: txn.producerEpoch, baseSequence: 0 }),
    })
  }

  /** Unloads everything (broker shutdown). */
  close(): void {
    for (const p of [...this.#shards.keys()]) this.scheduleUnload(p)
  }
}

/**
 * The error a coordinator reports when its write failed (Kafka's GroupCoordinatorService
 * handleOperationException): replication shortfalls and timeouts become COORDINATOR_NOT_AVAILABLE (retry
 * here), lost leadership and storage failures NOT_COORDINATOR (find the coordinator again), oversized
 * writes UNKNOWN_SERVER_ERROR.
 */
export function coordinatorErrorForWrite(err: unknown): KafkaProtocolError {
  if (!(err instanceof KafkaProtocolError)) return new KafkaProtocolError(ErrorCode.NOT_COORDINATOR)
  switch (err.errorCode) {
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
    case ErrorCode.NOT_ENOUGH_REPLICAS:
    case ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case ErrorCode.REQUEST_TIMED_OUT:
      return new KafkaProtocolError(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    case ErrorCode.NOT_LEADER_OR_FOLLOWER:
    case ErrorCode.KAFKA_STORAGE_ERROR:
      return new KafkaProtocolError(ErrorCode.NOT_COORDINATOR)
    case ErrorCode.MESSAGE_TOO_LARGE:
    case ErrorCode.RECORD_LIST_TOO_LARGE:
    case ErrorCode.INVALID_FETCH_SIZE:
    case ErrorCode.CORRUPT_MESSAGE:
    case ErrorCode.INVALID_RECORD:
      return new KafkaProtocolError(ErrorCode.UNKNOWN_SERVER_ERROR)
    default:
      return err
  }
}
