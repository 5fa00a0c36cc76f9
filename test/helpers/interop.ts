/**
 * The round trip every real client goes through (test/interop/<client>.test.ts): per codec, keyed
 * records with headers are produced, read back with the client and, independently, with raw Fetch
 * requests; the broker is restarted gracefully; more records follow and everything is read back again.
 *
 * What is checked, per codec: the count; every produced record arrives exactly once with its key, value,
 * headers and timestamp (the producer's, or a plausible one when the client cannot set it); per-key order;
 * a key stays on one partition; offsets are dense from 0 in every partition; what the client consumed is
 * exactly what the log holds; every stored batch carries the codec asked for (librdkafka silently stops
 * compressing when the broker's advertised versions displease it); after the restart, the records written
 * before it are unchanged at the same offsets and new records take the next offsets.
 */
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { after, before, describe, it } from 'node:test'
import type * as KafkaJs from 'kafkajs'
import { CompressionType } from '../../src/protocol/records/compression/index.ts'
import { BrokerProcess } from './broker-process.ts'
import { readPartition, type StoredRecord } from './kafka-wire.ts'

export type Codec = 'gzip' | 'snappy' | 'lz4' | 'zstd'
export const CODECS: readonly Codec[] = ['gzip', 'snappy', 'lz4', 'zstd']
export const CODEC_IDS: Record<Codec, CompressionType> = {
  gzip: CompressionType.Gzip,
  snappy: CompressionType.Snappy,
  lz4: CompressionType.Lz4,
  zstd: CompressionType.Zstd,
}

/** A record to produce. `timestamp` is null when the client stamps records itself. */
export interface OutRecord {
  key: string
  value: string
  headers: [string, string][]
  timestamp: number | null
}

/** A record as a client consumed it. */
export interface InRecord {
  partition: number
  offset: number
  key: string | null
  value: string | null
  headers: [string, string | null][]
  timestamp: number
}

/**
 * One real client. Every operation stops (child process killed, client disconnected) when `signal`
 * aborts, which the test runner does when a test times out: a hang becomes a failure, never a stuck run.
 */
export interface InteropClient {
  /** The client sets a timestamp per record (otherwise it stamps records with its own clock). */
  readonly setsTimestamps: boolean
  /** The client sets headers per record (kcat: the same headers for a whole run). */
  readonly perRecordHeaders: boolean
  /** Creates the topic through the client's own admin API. */
  createTopic(bootstrap: string, topic: string, partitions: number, signal: AbortSignal): Promise<void>
  /** Produces `records` in order with `codec` and resolves once every one is acknowledged. */
  produce(bootstrap: string, topic: string, codec: Codec, records: OutRecord[], signal: AbortSignal): Promise<void>
  /** Reads partitions 0..partitions-1 from the beginning until `count` records have arrived. */
  consume(bootstrap: string, topic: string, partitions: number, count: number, signal: AbortSignal): Promise<InRecord[]>
}

export interface InteropSuiteOptions {
  /** Why the client cannot run here (it is not installed); the suite is then reported as skipped. */
  skip?: string | undefined
  /** Codecs this client cannot use here, with the reason (reported as skipped). */
  codecSkips?: Partial<Record<Codec, string | undefined>>
  /** Records per codec before the restart, and again after it (the issue asks for 10,000). */
  recordsPerPhase?: number
  partitions?: number
}

const HOUR_MS = 3_600_000
/** A hang guard, not a speed claim: each step takes seconds. */
const TEST_TIMEOUT_MS = 180_000
const FILLER = 'the quick brown fox jumps over the lazy dog '.repeat(2)

interface CodecRun {
  topic: string
  expected: Map<string, { record: OutRecord; phase: number; writtenFrom: number; writtenTo: number }>
  /** Per partition, the log after phase 1 (the records that must survive the restart unchanged). */
  afterPhase1: Map<number, StoredRecord[]>
}

/** Per-key sequence numbers are carried in the value: `<client>|<codec>|p<phase>|<seq>|<filler>`. */
function makeRecords(
  client: string,
  codec: Codec,
  phase: number,
  count: number,
  c: InteropClient,
  baseTs: number,
): OutRecord[] {
  const out: OutRecord[] = []
  for (let i = 0; i < count; i++) {
    const seq = (phase - 1) * count + i
    const headers: [string, string][] = c.perRecordHeaders
      ? [
          ['codec', codec],
          ['seq', String(seq)],
          ['phase', String(phase)],
        ]
      : [
          ['codec', codec],
          ['phase', String(phase)],
        ]
    out.push({
      key: `key-${seq % 37}`,
      value: `${client}|${codec}|p${phase}|${seq}|${FILLER}${seq % 1000}`,
      headers,
      timestamp: c.setsTimestamps ? baseTs + seq : null,
    })
  }
  return out
}

const seqOf = (value: string): number => Number(value.split('|')[3])

async function readAll(port: number, topic: string, partitions: number): Promise<Map<number, StoredRecord[]>> {
  const out = new Map<number, StoredRecord[]>()
  for (let p = 0; p < partitions; p++) {
    const { records, highWatermark, logStartOffset, holes } = await readPartition(port, topic, p)
    assert.equal(logStartOffset, 0, `${topic}-${p}: log start offset`)
    assert.deepEqual(holes, [], `${topic}-${p}: offsets below the high watermark that hold no record`)
    assert.equal(records.length, highWatermark, `${topic}-${p}: records up to the high watermark`)
    out.set(p, records)
  }
  return out
}

function verify(
  label: string,
  run: CodecRun,
  codec: Codec,
  consumed: InRecord[],
  stored: Map<number, StoredRecord[]>,
): void {
  const total = run.expected.size
  // The log itself: dense offsets from 0, the codec asked for, CreateTime timestamps.
  let storedTotal = 0
  for (const [p, records] of stored) {
    storedTotal += records.length
    records.forEach((r, i) => {
      assert.equal(r.offset, i, `${label}: partition ${p} offsets are dense from 0`)
      assert.equal(r.compression, CODEC_IDS[codec], `${label}: partition ${p} offset ${i} stored as ${codec}`)
      assert.equal(r.timestampType, 0, `${label}: CreateTime`)
    })
  }
  assert.equal(storedTotal, total, `${label}: records in the log`)
  assert.equal(consumed.length, total, `${label}: records consumed`)

  // What the client consumed is exactly what the log holds, in offset order per partition.
  const lastOffset = new Map<number, number>()
  for (const r of consumed) {
    const prev = lastOffset.get(r.partition) ?? -1
    assert.ok(r.offset > prev, `${label}: partition ${r.partition} consumed in offset order (${prev} then ${r.offset})`)
    lastOffset.set(r.partition, r.offset)
    const s = stored.get(r.partition)?.[r.offset]
    assert.ok(s !== undefined, `${label}: consumed ${r.partition}@${r.offset} is in the log`)
    assert.deepEqual(
      { key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp },
      { key: s.key, value: s.value, headers: s.headers, timestamp: s.timestamp },
      `${label}: ${r.partition}@${r.offset} consumed as stored`,
    )
  }

  // Every produced record exactly once, unchanged; per-key order; one partition per key.
  const seen = new Set<string>()
  const keyPartition = new Map<string, number>()
  const keyLastSeq = new Map<string, number>()
  for (const [p, records] of stored) {
    for (const r of records) {
      assert.ok(r.value !== null && r.key !== null, `${label}: ${p}@${r.offset} has a key and a value`)
      const want = run.expected.get(r.value)
      assert.ok(want !== undefined, `${label}: ${p}@${r.offset} holds a record that was produced: ${r.value}`)
      assert.ok(!seen.has(r.value), `${label}: ${r.value} stored once`)
      seen.add(r.value)
      assert.equal(r.key, want.record.key, `${label}: key of ${r.value}`)
      assert.deepEqual(r.headers, want.record.headers, `${label}: headers of ${r.value}`)
      if (want.record.timestamp !== null) {
        assert.equal(r.timestamp, want.record.timestamp, `${label}: producer timestamp of ${r.value}`)
      } else {
        assert.ok(
          r.timestamp >= want.writtenFrom - 1000 && r.timestamp <= want.writtenTo + 1000,
          `${label}: timestamp ${r.timestamp} of ${r.value} lies within the produce run [${want.writtenFrom}, ${want.writtenTo}]`,
        )
      }
      const kp = keyPartition.get(r.key)
      assert.ok(kp === undefined || kp === p, `${label}: key ${r.key} stays on one partition`)
      keyPartition.set(r.key, p)
      const seq = seqOf(r.value)
      assert.ok(seq > (keyLastSeq.get(r.key) ?? -1), `${label}: key ${r.key} in produce order`)
      keyLastSeq.set(r.key, seq)
    }
  }
  assert.equal(seen.size, total, `${label}: every produced record is in the log`)
}

/**
 * Declares the suite for one client: per codec, phase 1 (produce, read back), a graceful restart, then
 * phase 2 (produce more, read everything back). Each codec is its own test, so one codec's failure does
 * not hide the others' results.
 */
export function defineInteropSuite(clientName: string, client: InteropClient, options: InteropSuiteOptions = {}): void {
  const perPhase = options.recordsPerPhase ?? 10_000
  const partitions = options.partitions ?? 3
  const slug = clientName.replace(/[^a-zA-Z0-9]/g, '-')
  if (options.skip !== undefined) {
    // A test (not only a suite) marked skipped, so the run's summary counts it and names the reason.
    const reason = options.skip
    describe(`${clientName} against a broker process`, () => {
      it(`round trip in every codec across a restart (${reason})`, { skip: reason }, () => {})
    })
    return
  }
  describe(`${clientName} against a broker process`, () => {
    let broker: BrokerProcess
    const runs = new Map<Codec, CodecRun>()
    const baseTs = Math.floor((Date.now() - HOUR_MS) / 1000) * 1000

    before(
      async () => {
        broker = await BrokerProcess.start()
      },
      { timeout: TEST_TIMEOUT_MS },
    )
    after(async () => {
      await broker?.close()
    })

    for (const codec of CODECS) {
      const skip = options.codecSkips?.[codec] ?? false
      it(`${codec}: creates a topic, produces ${perPhase} keyed records with headers, consumes them`, {
        skip,
        timeout: TEST_TIMEOUT_MS,
      }, async (t) => {
        const topic = `interop-${slug}-${codec}`
        await client.createTopic(broker.bootstrap, topic, partitions, t.signal)
        const run: CodecRun = { topic, expected: new Map(), afterPhase1: new Map() }
        runs.set(codec, run)
        const records = makeRecords(slug, codec, 1, perPhase, client, baseTs)
        const from = Date.now()
        await client.produce(broker.bootstrap, topic, codec, records, t.signal)
        const to = Date.now()
        for (const r of records) run.expected.set(r.value, { record: r, phase: 1, writtenFrom: from, writtenTo: to })
        const consumed = await client.consume(broker.bootstrap, topic, partitions, perPhase, t.signal)
        const stored = await readAll(broker.port, topic, partitions)
        verify(`${clientName} ${codec} before the restart`, run, codec, consumed, stored)
        run.afterPhase1 = stored
      })
    }

    it('restarts the broker gracefully on the same port', { timeout: TEST_TIMEOUT_MS }, async () => {
      const port = broker.port
      await broker.restart()
      assert.equal(broker.port, port)
    })

    for (const codec of CODECS) {
      const skip = options.codecSkips?.[codec] ?? false
      it(`${codec}: after the restart, ${perPhase} more records take the next offsets and all ${2 * perPhase} read back`, {
        skip,
        timeout: TEST_TIMEOUT_MS,
      }, async (t) => {
        const run = runs.get(codec)
        assert.ok(run !== undefined && run.afterPhase1.size === partitions, `${codec}: phase 1 did not complete`)
        // Nothing written before the restart is lost or changed.
        const reread = await readAll(broker.port, run.topic, partitions)
        assert.deepEqual(reread, run.afterPhase1, `${codec}: the log after the restart is the log before it`)
        const records = makeRecords(slug, codec, 2, perPhase, client, baseTs)
        const from = Date.now()
        await client.produce(broker.bootstrap, run.topic, codec, records, t.signal)
        const to = Date.now()
        for (const r of records) run.expected.set(r.value, { record: r, phase: 2, writtenFrom: from, writtenTo: to })
        const consumed = await client.consume(broker.bootstrap, run.topic, partitions, 2 * perPhase, t.signal)
        const stored = await readAll(broker.port, run.topic, partitions)
        verify(`${clientName} ${codec} after the restart`, run, codec, consumed, stored)
        for (const [p, before] of run.afterPhase1) {
          const now = stored.get(p)!
          assert.deepEqual(now.slice(0, before.length), before, `${codec}: partition ${p} keeps its first records`)
          for (const r of now.slice(before.length)) {
            assert.equal(run.expected.get(r.value!)?.phase, 2, `${codec}: ${p}@${r.offset} continues after the restart`)
          }
          assert.ok(now.length > before.length || perPhase < partitions, `${codec}: partition ${p} grew`)
        }
      })
    }

    it('wrote only JSON log lines and no errors', () => {
      assert.deepEqual(broker.rawLines, [])
      const errors = broker.logLines.filter((l) => typeof l['level'] === 'number' && l['level'] >= 50)
      assert.deepEqual(errors, [])
    })
  })
}

/** The system Python, where the Debian Kafka modules live (a `python3` on PATH may be another one). */
const require = createRequire(import.meta.url)

/** kafkajs, or null where it is not installed (its tests then report themselves skipped). */
export function loadKafkajs(): typeof KafkaJs | null {
  try {
    return require('kafkajs') as typeof KafkaJs
  } catch {
    return null
  }
}

export const PYTHON = '/usr/bin/python3'

/** null when `/usr/bin/python3` can import every module, else a reason naming what is missing. */
export function pythonMissing(...modules: string[]): string | null {
  for (const m of modules) {
    const r = spawnSync(PYTHON, ['-c', `import ${m}`], { stdio: 'ignore' })
    if (r.error !== undefined || r.status !== 0) return `${m} not installed for ${PYTHON}`
  }
  return null
}

export function commandMissing(command: string, args: string[] = ['-V']): boolean {
  const r = spawnSync(command, args, { stdio: 'ignore' })
  return r.error !== undefined
}

export interface RunResult {
  stdout: string
  stderr: string
}

/**
 * Runs a command to completion with `input` on stdin; rejects with its stderr when it fails. The child is
 * killed after `timeoutMs` or when `signal` aborts.
 */
export function run(
  command: string,
  args: string[],
  input = '',
  timeoutMs = 180_000,
  signal?: AbortSignal,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, signal === undefined ? { timeout: timeoutMs } : { timeout: timeoutMs, signal })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (d: Buffer) => out.push(d))
    child.stderr.on('data', (d: Buffer) => err.push(d))
    child.on('error', reject)
    child.on('close', (code, signal) => {
      const stdout = Buffer.concat(out).toString()
      const stderr = Buffer.concat(err).toString()
      if (code === 0) resolve({ stdout, stderr })
      else reject(new Error(`${command} exited with ${code ?? signal}: ${stderr.slice(-4000)}`))
    })
    child.stdin.on('error', () => {})
    child.stdin.end(input)
  })
}

/** Runs an inline Python script with `args` as JSON on stdin; the script prints one JSON document. */
export async function runPython<T>(script: string, args: unknown, signal?: AbortSignal): Promise<T> {
  const { stdout } = await run(PYTHON, ['-c', script], JSON.stringify(args), undefined, signal)
  return JSON.parse(stdout) as T
}
