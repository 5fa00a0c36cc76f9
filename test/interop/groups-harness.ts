/**
 * Group consumers of real clients as child processes (kafkajs under node, kafka-python and
 * confluent-kafka under the system Python), for the groups-*.test.ts scenarios. Each child subscribes to
 * one topic in one group and prints one JSON line per event:
 *
 *   {"e":"assignment","p":[0,3]} the whole new assignment (kafkajs' GROUP_JOIN event)
 *   {"e":"assigned","p":[0,3]}   partitions added (the whole assignment for eager protocols)
 *   {"e":"revoked","p":[3]}      partitions taken away
 *   {"e":"frozen","p":0,"o":17}  with freezeAfter: the child stops itself (SIGSTOP) holding this record
 *   {"e":"record","p":0,"o":17,"v":"..."}   printed only after the record's offset was committed
 *                                            synchronously, so a record counts once it is committed
 *   {"e":"error","m":"..."}      a failed commit (the record is sought back and read again)
 *   {"e":"fatal","m":"..."}      a fatal client error (librdkafka: a fenced static member; kafkajs: a crash it
 *                                does not restart from); the child exits
 *
 * SIGKILL stops a child without LeaveGroup (a crash); SIGTERM closes it (LeaveGroup for dynamic members).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { Consumer } from '../../src/client/consumer.ts'
import {
  type GroupCoordinatorRecord,
  groupCoordinatorRecordSerde,
} from '../../src/coordinator/group/records/group-coordinator-record.ts'
import { pythonMissing } from '../helpers/interop.ts'

const PYTHON = '/usr/bin/python3'
const KAFKAJS = join(import.meta.dirname, '../../node_modules/kafkajs/index.js')

export type ClientKind = 'kafkajs' | 'kafka-python' | 'confluent-kafka'

/** Why a client cannot run here, or null. */
export function clientMissing(kind: ClientKind): string | null {
  if (kind === 'kafkajs') return null
  const missing = pythonMissing(kind === 'kafka-python' ? 'kafka' : 'confluent_kafka')
  return missing === null ? null : `${kind}: ${missing}`
}

export interface ConsumerOptions {
  bootstrap: string
  group: string
  topic: string
  sessionTimeoutMs: number
  /** group.instance.id (static membership; confluent-kafka only). */
  instanceId?: string
  /** partition.assignment.strategy (confluent-kafka), e.g. "cooperative-sticky". */
  strategy?: string
  /**
   * kafkajs and confluent-kafka: once this many records are committed, the child stops itself with SIGSTOP
   * on receiving the next one, before committing it (a long GC pause, a stalled host): all its threads
   * freeze, heartbeats included, until ConsumerProcess.resume(). Stopping itself, rather than being stopped
   * from here, makes sure it is frozen holding an uncommitted record however loaded the machine is.
   */
  freezeAfter?: number
  /** kafkajs and confluent-kafka: client.id, which names the member's requests on the wire. */
  clientId?: string
}

export type ConsumerEvent =
  | { e: 'assignment'; p: number[] }
  | { e: 'assigned'; p: number[] }
  | { e: 'revoked'; p: number[] }
  | { e: 'frozen'; p: number; o: number }
  | { e: 'record'; p: number; o: number; v: string }
  | { e: 'error'; m: string }
  | { e: 'fatal'; m: string }

// kafkajs heartbeats only between fetches: its long poll (maxWaitTimeInMs) must stay below the session.
const KAFKAJS_CONSUMER = `
import kafkajs from ${JSON.stringify(KAFKAJS)}
const { Kafka, logLevel } = kafkajs
const o = JSON.parse(process.argv[1])
const emit = (x) => process.stdout.write(JSON.stringify(x) + '\\n')
const kafka = new Kafka({ brokers: [o.bootstrap], clientId: o.clientId ?? 'groups-interop', logLevel: logLevel.NOTHING })
const consumer = kafka.consumer({ groupId: o.group, sessionTimeout: o.sessionTimeoutMs, heartbeatInterval: 300,
  rebalanceTimeout: 20000, maxWaitTimeInMs: 200, retry: { retries: 100, initialRetryTime: 100, maxRetryTime: 1000 } })
consumer.on(consumer.events.GROUP_JOIN, (e) => emit({ e: 'assignment', p: e.payload.memberAssignment[o.topic] ?? [] }))
// After a crash kafkajs does not restart from (a non-retriable error) the consumer is disconnected for good.
consumer.on(consumer.events.CRASH, (e) => {
  if (e.payload.restart) return
  let cause = e.payload.error
  while (cause.cause) cause = cause.cause
  emit({ e: 'fatal', m: e.payload.error.name + ': ' + e.payload.error.message + ' (' + cause.type + ')' })
  process.exit(0)
})
await consumer.connect()
await consumer.subscribe({ topic: o.topic, fromBeginning: true })
let committed = 0
await consumer.run({ autoCommit: false, eachMessage: async ({ partition, message }) => {
  if (committed === o.freezeAfter) {
    o.freezeAfter = undefined
    emit({ e: 'frozen', p: partition, o: Number(message.offset) })
    process.kill(process.pid, 'SIGSTOP')
  }
  try {
    await consumer.commitOffsets([{ topic: o.topic, partition, offset: String(Number(message.offset) + 1) }])
  } catch (err) {
    emit({ e: 'error', m: String(err.type ?? err.message) })
    throw err
  }
  committed++
  emit({ e: 'record', p: partition, o: Number(message.offset), v: message.value.toString() })
} })
process.on('SIGTERM', () => { consumer.disconnect().finally(() => process.exit(0)) })
`

const KAFKA_PYTHON_CONSUMER = `
import json, signal, sys
from kafka import KafkaConsumer, OffsetAndMetadata, TopicPartition
from kafka.consumer.subscription_state import ConsumerRebalanceListener
o = json.loads(sys.argv[1])
def emit(x): print(json.dumps(x), flush=True)
c = KafkaConsumer(bootstrap_servers=o['bootstrap'], group_id=o['group'], auto_offset_reset='earliest',
                  enable_auto_commit=False, session_timeout_ms=o['sessionTimeoutMs'], heartbeat_interval_ms=300,
                  max_poll_records=50)
class Listener(ConsumerRebalanceListener):
    def on_partitions_revoked(self, revoked): emit({'e': 'revoked', 'p': sorted(tp.partition for tp in revoked)})
    def on_partitions_assigned(self, assigned): emit({'e': 'assigned', 'p': sorted(tp.partition for tp in assigned)})
c.subscribe([o['topic']], listener=Listener())
stopping = []
signal.signal(signal.SIGTERM, lambda *a: stopping.append(1))
while not stopping:
    for tp, msgs in c.poll(timeout_ms=200).items():
        for m in msgs:
            try:
                c.commit({tp: OffsetAndMetadata(m.offset + 1, '')})
            except Exception as e:
                emit({'e': 'error', 'm': type(e).__name__})
                try: c.seek(tp, m.offset)
                except Exception: pass
                break
            emit({'e': 'record', 'p': m.partition, 'o': m.offset, 'v': m.value.decode()})
c.close()
`

const CONFLUENT_CONSUMER = `
import json, os, signal, sys
from confluent_kafka import Consumer, KafkaError, KafkaException, TopicPartition
o = json.loads(sys.argv[1])
def emit(x): print(json.dumps(x), flush=True)
conf = {'bootstrap.servers': o['bootstrap'], 'group.id': o['group'], 'auto.offset.reset': 'earliest',
        'enable.auto.commit': False, 'session.timeout.ms': o['sessionTimeoutMs'], 'heartbeat.interval.ms': 300,
        'topic.metadata.refresh.interval.ms': 1000}
if o.get('instanceId'): conf['group.instance.id'] = o['instanceId']
if o.get('strategy'): conf['partition.assignment.strategy'] = o['strategy']
if o.get('clientId'): conf['client.id'] = o['clientId']
fatal = []
def on_fatal(err):
    if not fatal:
        fatal.append(1)
        emit({'e': 'fatal', 'm': err.str()})
conf['error_cb'] = lambda err: on_fatal(err) if err.fatal() else None
c = Consumer(conf)
def on_assign(consumer, ps): emit({'e': 'assigned', 'p': sorted(p.partition for p in ps)})
def on_revoke(consumer, ps): emit({'e': 'revoked', 'p': sorted(p.partition for p in ps)})
c.subscribe([o['topic']], on_assign=on_assign, on_revoke=on_revoke)
stopping = []
signal.signal(signal.SIGTERM, lambda *a: stopping.append(1))
committed = 0
while not stopping and not fatal:
    m = c.poll(0.2)
    # A fatal error reaches poll() as a _FATAL event (whose own fatal() flag is not set).
    if m is not None and m.error() and m.error().code() == KafkaError._FATAL: on_fatal(m.error())
    if m is None or m.error(): continue
    if committed == o.get('freezeAfter'):
        o['freezeAfter'] = None
        emit({'e': 'frozen', 'p': m.partition(), 'o': m.offset()})
        os.kill(os.getpid(), signal.SIGSTOP)
    try:
        c.commit(message=m, asynchronous=False)
    except KafkaException as e:
        emit({'e': 'error', 'm': str(e)})
        try: c.seek(TopicPartition(m.topic(), m.partition(), m.offset()))
        except Exception: pass
        continue
    committed += 1
    emit({'e': 'record', 'p': m.partition(), 'o': m.offset(), 'v': m.value().decode()})
c.close()
`

/** A consumer process of one client and its events. */
export class ConsumerProcess {
  readonly name: string
  readonly events: ConsumerEvent[] = []
  readonly stderr: string[] = []
  readonly #child: ChildProcess
  readonly #waiters = new Set<() => void>()
  #exited = false
  /** Exited and its output all read (a last line can arrive after 'exit'). */
  #closed = false
  #frozen = false

  private constructor(name: string, child: ChildProcess) {
    this.name = name
    this.#child = child
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const event = JSON.parse(line) as ConsumerEvent
        if (event.e === 'frozen') this.#frozen = true
        this.events.push(event)
      } catch {
        this.stderr.push(line)
      }
      for (const w of this.#waiters) w()
    })
    child.stderr?.on('data', (d: Buffer) => this.stderr.push(d.toString()))
    child.once('exit', () => {
      this.#exited = true
    })
    child.once('close', () => {
      this.#closed = true
      for (const w of this.#waiters) w()
    })
  }

  static start(kind: ClientKind, name: string, o: ConsumerOptions): ConsumerProcess {
    const arg = JSON.stringify(o)
    const child =
      kind === 'kafkajs'
        ? spawn(process.execPath, ['--input-type=module', '-e', KAFKAJS_CONSUMER, arg], {
            stdio: ['ignore', 'pipe', 'pipe'],
          })
        : spawn(PYTHON, ['-c', kind === 'kafka-python' ? KAFKA_PYTHON_CONSUMER : CONFLUENT_CONSUMER, arg], {
            stdio: ['ignore', 'pipe', 'pipe'],
          })
    return new ConsumerProcess(name, child)
  }

  /** The partitions this consumer owns now, from its assigned/revoked events. */
  get owned(): Set<number> {
    const owned = new Set<number>()
    for (const ev of this.events) {
      if (ev.e === 'assignment') owned.clear()
      if (ev.e === 'assignment' || ev.e === 'assigned') for (const p of ev.p) owned.add(p)
      if (ev.e === 'revoked') for (const p of ev.p) owned.delete(p)
    }
    return owned
  }

  get records(): { p: number; o: number; v: string }[] {
    return this.events.filter((e): e is Extract<ConsumerEvent, { e: 'record' }> => e.e === 'record')
  }

  /** Waits (real time, generous) until `predicate` holds; rejects with what was seen otherwise. */
  waitFor(predicate: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
    if (predicate()) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(check)
        reject(new Error(`${this.name}: timed out waiting for ${what}; stderr: ${this.stderr.join('').slice(-2000)}`))
      }, timeoutMs)
      const check = (): void => {
        if (predicate()) {
          clearTimeout(timer)
          this.#waiters.delete(check)
          resolve()
        } else if (this.#closed) {
          clearTimeout(timer)
          this.#waiters.delete(check)
          reject(new Error(`${this.name} exited while waiting for ${what}: ${this.stderr.join('').slice(-2000)}`))
        }
      }
      this.#waiters.add(check)
    })
  }

  /** A crash: no LeaveGroup, no commit. */
  kill(): Promise<void> {
    return this.#stop('SIGKILL')
  }

  /** SIGCONT: a child frozen by freezeAfter carries on where it stopped. */
  resume(): void {
    this.#child.kill('SIGCONT')
    this.#frozen = false
  }

  /** A clean close. */
  stop(): Promise<void> {
    return this.#stop('SIGTERM')
  }

  #stop(signal: NodeJS.Signals): Promise<void> {
    if (this.#exited) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.#child.kill('SIGKILL'), 20_000)
      this.#child.once('exit', () => {
        clearTimeout(timer)
        resolve()
      })
      this.#child.kill(signal)
      // A stopped process only acts on SIGTERM once it runs again.
      if (this.#frozen) this.resume()
    })
  }
}

/** Waits (real time, generous limit) until a condition over several consumers holds. */
export async function waitUntil(
  consumers: readonly ConsumerProcess[],
  predicate: () => boolean,
  what: string,
  timeoutMs = 90_000,
): Promise<void> {
  const started = Date.now()
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) {
      const state = consumers.map((c) => `${c.name}: owns [${[...c.owned]}], ${c.records.length} records`).join('; ')
      throw new Error(`timed out waiting for ${what} (${state})`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** True when the consumers together own every partition exactly once. */
export function coversExactly(consumers: readonly ConsumerProcess[], partitions: number): boolean {
  const all = consumers.flatMap((c) => [...c.owned])
  return all.length === partitions && new Set(all).size === partitions
}

/**
 * Every record the broker wrote to `__consumer_offsets` (a group's records all go to one partition, so
 * they come back in the order they were written): the coordinator's own account of each generation, its
 * members and every committed offset.
 */
export async function consumerOffsetsRecords(bootstrap: string): Promise<GroupCoordinatorRecord[]> {
  const consumer = new Consumer({ bootstrapServers: bootstrap, autoOffsetReset: 'earliest', maxWaitMs: 200 })
  await consumer.connect()
  const out: GroupCoordinatorRecord[] = []
  try {
    await consumer.assignAll('__consumer_offsets', 'earliest')
    const done = () =>
      consumer
        .assignment()
        .every((a) => (consumer.position(a.topic, a.partition) ?? 0) >= consumer.highWatermark(a.topic, a.partition))
    for (let polls = 0; polls < 100; polls++) {
      const records = await consumer.poll({ maxWaitMs: 200 })
      for (const r of records) {
        const rec = r.key === null ? null : groupCoordinatorRecordSerde.deserialize(r.key, r.value)
        if (rec !== null) out.push(rec)
      }
      if (records.length === 0 && polls > 0 && done()) break
    }
  } finally {
    await consumer.close()
  }
  return out
}
