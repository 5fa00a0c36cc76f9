import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { silentLogger } from '../../../src/common/log.ts'
import { FakeScheduler } from '../../../src/common/scheduler.ts'
import { CoordinatorRuntime, ShardState } from '../../../src/coordinator/runtime/coordinator-runtime.ts'
import type {
  CoordinatorRecordSerde,
  CoordinatorResult,
  CoordinatorShard,
} from '../../../src/coordinator/runtime/coordinator-shard.ts'
import type { CoordinatorTimer } from '../../../src/coordinator/runtime/coordinator-timer.ts'
import { ErrorCode } from '../../../src/protocol/error-codes.ts'
import { KafkaProtocolError } from '../../../src/protocol/kafka-protocol-error.ts'
import { encodeRecordBatch } from '../../../src/protocol/records/records.ts'
import { MemoryCoordinatorLog, settle } from '../memory-coordinator-log.ts'

/** A record sets a key to a number (null deletes it). */
interface KV {
  key: string
  value: number | null
}

const serde: CoordinatorRecordSerde<KV> = {
  serialize: (r) => ({ key: Buffer.from(r.key), value: r.value === null ? null : Buffer.from(String(r.value)) }),
  deserialize: (k, v) => ({ key: k.toString(), value: v === null ? null : Number(v.toString()) }),
}

class KvShard implements CoordinatorShard<KV> {
  readonly state = new Map<string, number>()
  readonly replayed: number[] = []
  loaded = false
  unloaded = false
  readonly timer: CoordinatorTimer<KV>

  constructor(timer: CoordinatorTimer<KV>) {
    this.timer = timer
  }

  replay(offset: number, _producerId: number, r: KV): void {
    this.replayed.push(offset)
    if (r.value === null) this.state.delete(r.key)
    else this.state.set(r.key, r.value)
  }

  replayEndTransaction(): void {}

  onLoaded(): void {
    this.loaded = true
  }

  onUnloaded(): void {
    this.unloaded = true
  }

  /** Increments a key: the record depends on the state the previous write left. */
  increment(key: string): CoordinatorResult<number, KV> {
    const next = (this.state.get(key) ?? 0) + 1
    return { records: [{ key, value: next }], response: next, replayRecords: true }
  }
}

function setup() {
  const scheduler = new FakeScheduler()
  const shards: KvShard[] = []
  const runtime = new CoordinatorRuntime<KvShard, KV>({
    name: 'test-coordinator',
    scheduler,
    logger: silentLogger(),
    serde,
    loadBufferBytes: 64,
    newShard: (_p, timer) => {
      const s = new KvShard(timer)
      shards.push(s)
      return s
    },
  })
  return { scheduler, runtime, shards }
}

const codeOf = async (p: Promise<unknown> | (() => unknown)) => {
  try {
    await (typeof p === 'function' ? p() : p)
    return ErrorCode.NONE
  } catch (err) {
    return err instanceof KafkaProtocolError ? err.errorCode : -999
  }
}

describe('CoordinatorRuntime', () => {
  test('loading replays the whole log; requests meanwhile get COORDINATOR_LOAD_IN_PROGRESS', async () => {
    const log = new MemoryCoordinatorLog()
    for (let i = 0; i < 20; i++) {
      await log.append(
        encodeRecordBatch({
          records: [{ key: Buffer.from(`k${i % 3}`), value: Buffer.from(String(i)), timestamp: 0 }],
        }),
      )
    }
    await log.append(encodeRecordBatch({ records: [{ key: Buffer.from('k0'), value: null, timestamp: 0 }] }))
    let release!: () => void
    const gate = new Promise<void>((r) => {
      release = r
    })
    const slowLog = Object.assign(Object.create(log) as MemoryCoordinatorLog, {
      read: async (o: number, max: number) => {
        await gate
        return log.read(o, max)
      },
    })
    const { runtime, shards } = setup()
    runtime.scheduleLoad(0, 1, slowLog)
    assert.equal(await codeOf(() => runtime.read(0, (s) => s.state)), ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)
    assert.equal(
      await codeOf(() => runtime.scheduleWrite(0, 'w', (s) => s.increment('x'))),
      ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
    )
    release()
    await settle()
    assert.equal(runtime.partitions.get(0), ShardState.Active)
    const shard = shards[0]!
    assert.equal(shard.loaded, true)
    assert.deepEqual(
      [...shard.state],
      [
        ['k1', 19],
        ['k2', 17],
      ],
    )
    assert.equal(shard.replayed.length, 21, 'every record, read 64 bytes at a time')
  })

  test('writes run one at a time, each on the state the previous write left, and answer after the append', async () => {
    const { runtime, shards } = setup()
    const log = new MemoryCoordinatorLog()
    runtime.scheduleLoad(0, 1, log)
    await settle()
    const results = await Promise.all([1, 2, 3, 4].map(() => runtime.scheduleWrite(0, 'inc', (s) => s.increment('n'))))
    assert.deepEqual(results, [1, 2, 3, 4])
    assert.equal(log.records().length, 4)
    assert.deepEqual(shards[0]!.replayed, [0, 1, 2, 3], 'replayed with their log offsets')
  })

  test('a failed write changes nothing, calls back with the mapped error and rejects', async () => {
    const { runtime, shards } = setup()
    const log = new MemoryCoordinatorLog()
    runtime.scheduleLoad(0, 1, log)
    await settle()
    log.failNextAppend = ErrorCode.NOT_ENOUGH_REPLICAS
    let seen: Error | null = null
    const op = (s: KvShard) => ({ ...s.increment('n'), onAppended: (e: Error | null) => (seen = e) })
    assert.equal(await codeOf(runtime.scheduleWrite(0, 'inc', op)), ErrorCode.COORDINATOR_NOT_AVAILABLE)
    assert.ok(seen !== null)
    assert.equal(shards[0]!.state.size, 0)
    assert.equal(await runtime.scheduleWrite(0, 'inc', op), 1)
  })

  test('unloading answers NOT_COORDINATOR, cancels timers and tells the shard', async () => {
    const { runtime, shards, scheduler } = setup()
    runtime.scheduleLoad(0, 1, new MemoryCoordinatorLog())
    await settle()
    let fired = 0
    shards[0]!.timer.schedule('t', 1000, () => {
      fired++
      return { records: [], response: undefined, replayRecords: false }
    })
    runtime.scheduleUnload(0)
    scheduler.advance(2000)
    await settle()
    assert.equal(fired, 0)
    assert.equal(shards[0]!.unloaded, true)
    assert.equal(await codeOf(() => runtime.read(0, (s) => s)), ErrorCode.NOT_COORDINATOR)
    assert.equal(await codeOf(() => runtime.scheduleWrite(1, 'w', (s) => s.increment('x'))), ErrorCode.NOT_COORDINATOR)
  })

  test('timers run as write operations; rescheduling a key replaces the earlier timer', async () => {
    const { runtime, shards, scheduler } = setup()
    const log = new MemoryCoordinatorLog()
    runtime.scheduleLoad(0, 1, log)
    await settle()
    const shard = shards[0]!
    const tick = () => shard.increment('ticks') as CoordinatorResult<unknown, KV> as CoordinatorResult<void, KV>
    shard.timer.schedule('a', 1000, tick)
    shard.timer.schedule('a', 3000, tick)
    scheduler.advance(2000)
    await settle()
    assert.equal(shard.state.get('ticks'), undefined)
    scheduler.advance(1000)
    await settle()
    assert.equal(shard.state.get('ticks'), 1)
    assert.equal(log.records().length, 1)
  })
})
