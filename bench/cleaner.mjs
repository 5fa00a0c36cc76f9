// The log cleaner's throughput and memory: one full cleaning pass over a compacted partition log of
// about 1 GB (10^9 bytes of record batches) holding 1,000,000 distinct keys, with the real LogCleaner
// configured as the broker configures it by default (log.cleaner.* at Kafka's defaults: one thread,
// a 128 MiB dedupe buffer, 512 KiB I/O buffers, load factor 0.9, no I/O throttle).
//
//   node bench/cleaner.mjs [--bytes N] [--keys N] [--dir DIR] [--segment-bytes N] [--records-per-batch N]
//                          [--value-bytes N] [--tombstones F] [--dedupe-buffer-bytes N] [--seed N]
//
// Needs dist/ (npm run build). Steps:
//   1. a child process writes the log through PartitionLog.appendAsLeader (cleanup.policy=compact,
//      segment.bytes 64 MiB, uncompressed producer batches of 100 records of 16-byte keys and
//      100-byte values): first every key once in a shuffled order, then uniformly random keys, 1 % of
//      those writes tombstones, until N bytes of batches are written; then one more record rolls the
//      segment, so everything written is below the active segment and cleanable;
//   2. this process opens the log (as after a clean shutdown), resets its peak RSS (/proc/self/clear_refs)
//      and runs ONE LogCleaner.cleanOnce(): map the dirty section, copy every segment group into
//      `.cleaned` files in the cleaner's worker thread, swap them in. Timed from the call to the last
//      swap; VmHWM of this process (worker thread included) is the peak RSS;
//   3. verifies the cleaned log: offsets increase, every key exactly once at its last write, tombstones
//      exactly where the last write was one, nothing else changed. A failed check exits non-zero.
//
// Prints one JSON line on stdout ({ kind: 'cleaner', ... }, MB = 10^6 bytes); progress goes to stderr.
// The temporary directory is removed at exit, also after a failure or SIGINT/SIGTERM.

import { spawn } from 'node:child_process'
import { randomFillSync } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const self = fileURLToPath(import.meta.url)
const dist = path.resolve(path.dirname(self), '..', 'dist')
const MiB = 1024 * 1024
const TOPIC = 'bench-compact'
/** Producer batches handed to one appendAsLeader call while writing (write speed only). */
const BATCHES_PER_APPEND = 16

const HELP = `usage: node bench/cleaner.mjs [options]

  --bytes N               bytes of record batches to write and clean (default 1e9)
  --keys N                distinct keys (default 1e6)
  --dir DIR               where the temporary log goes (default: the OS temp dir)
  --segment-bytes N       the topic's segment.bytes (default 67108864)
  --records-per-batch N   records per producer batch (default 100)
  --value-bytes N         bytes per record value (default 100)
  --tombstones F          fraction of the random-key writes that are tombstones (default 0.01)
  --dedupe-buffer-bytes N log.cleaner.dedupe.buffer.size (default Kafka's, 134217728)
  --seed N                key sequence seed (default 1)
  -h, --help`

function parseArgs(argv) {
  const o = {
    bytes: 1e9,
    keys: 1e6,
    dir: os.tmpdir(),
    segmentBytes: 64 * MiB,
    recordsPerBatch: 100,
    valueBytes: 100,
    tombstones: 0.01,
    dedupeBufferBytes: null,
    seed: 1,
    // Internal: the child process that writes the log.
    writeLog: null,
    expected: null,
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const val = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`)
      return argv[++i]
    }
    if (a === '--bytes') o.bytes = Number(val())
    else if (a === '--keys') o.keys = Number(val())
    else if (a === '--dir') o.dir = path.resolve(val())
    else if (a === '--segment-bytes') o.segmentBytes = Number(val())
    else if (a === '--records-per-batch') o.recordsPerBatch = Number(val())
    else if (a === '--value-bytes') o.valueBytes = Number(val())
    else if (a === '--tombstones') o.tombstones = Number(val())
    else if (a === '--dedupe-buffer-bytes') o.dedupeBufferBytes = Number(val())
    else if (a === '--seed') o.seed = Number(val())
    else if (a === '--write-log') o.writeLog = val()
    else if (a === '--expected') o.expected = val()
    else if (a === '-h' || a === '--help') {
      console.log(HELP)
      process.exit(0)
    } else throw new Error(`unknown option ${a}\n${HELP}`)
  }
  const positiveInt = (name, v) => {
    if (!(Number.isSafeInteger(v) && v >= 1)) throw new Error(`${name} must be a positive integer`)
  }
  positiveInt('--bytes', o.bytes)
  positiveInt('--keys', o.keys)
  positiveInt('--segment-bytes', o.segmentBytes)
  positiveInt('--records-per-batch', o.recordsPerBatch)
  positiveInt('--value-bytes', o.valueBytes)
  if (o.keys > 1e12) throw new Error('--keys must be below 10^12 (12-digit keys)')
  if (!(o.tombstones >= 0 && o.tombstones <= 1)) throw new Error('--tombstones must be in [0, 1]')
  if (o.dedupeBufferBytes !== null) positiveInt('--dedupe-buffer-bytes', o.dedupeBufferBytes)
  return o
}

function log(msg) {
  process.stderr.write(`${msg}\n`)
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** A deterministic pseudo-random sequence in [0, 1) (mulberry32). */
function seededRandom(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const KEY_PREFIX = 'key-'
const keyBytes = (k) => Buffer.from(`${KEY_PREFIX}${String(k).padStart(12, '0')}`, 'latin1')

function topicOverrides(o) {
  // Everything else at Kafka's defaults: min.cleanable.dirty.ratio 0.5 (a never-cleaned log is 100 %
  // dirty), min.compaction.lag.ms 0, delete.retention.ms one day (tombstones stay in this first pass).
  return { 'cleanup.policy': 'compact', 'segment.bytes': String(o.segmentBytes) }
}

// ------------------------------------------------------------------ writing (child process)

async function writeLog(o) {
  const { PartitionLog } = await import(`${dist}/storage/partition-log.js`)
  const { buildLogConfig } = await import(`${dist}/storage/log-config.js`)
  const { SystemScheduler } = await import(`${dist}/common/scheduler.js`)
  const { silentLogger } = await import(`${dist}/common/log.js`)
  const { encodeRecordBatch } = await import(`${dist}/protocol/records/records.js`)

  const config = buildLogConfig(topicOverrides(o), {})
  const plog = await PartitionLog.open(o.writeLog, TOPIC, 0, config, {
    scheduler: new SystemScheduler(),
    logger: silentLogger(),
  })
  const random = seededRandom(o.seed)
  // The expected outcome: per key, the offset of its last write and whether that was a tombstone.
  const lastOffset = new Float64Array(o.keys).fill(-1)
  const tombstone = new Uint8Array(o.keys)
  const firstPass = new Int32Array(o.keys)
  for (let i = 0; i < o.keys; i++) firstPass[i] = i
  for (let i = o.keys - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const t = firstPass[i]
    firstPass[i] = firstPass[j]
    firstPass[j] = t
  }
  const pool = Buffer.allocUnsafe(MiB)
  randomFillSync(pool)
  let offset = 0
  let bytes = 0
  let batches = 0
  let tombstoneWrites = 0
  const started = performance.now()
  let lastReport = started
  while (bytes < o.bytes) {
    const group = []
    const groupFirst = offset
    for (let b = 0; b < BATCHES_PER_APPEND && bytes < o.bytes; b++) {
      const timestamp = Date.now()
      const records = []
      for (let i = 0; i < o.recordsPerBatch; i++) {
        const at = offset + i
        let key
        let value
        if (at < o.keys) {
          key = firstPass[at]
          value = true
        } else {
          key = Math.floor(random() * o.keys)
          value = random() >= o.tombstones
        }
        const start = Math.floor(random() * (pool.length - o.valueBytes))
        records.push({
          key: keyBytes(key),
          value: value ? pool.subarray(start, start + o.valueBytes) : null,
          timestamp,
        })
        lastOffset[key] = at
        tombstone[key] = value ? 0 : 1
        if (!value) tombstoneWrites++
      }
      const batch = encodeRecordBatch({ records })
      group.push(batch)
      bytes += batch.length
      offset += records.length
      batches++
    }
    const info = await plog.appendAsLeader(group.length === 1 ? group[0] : Buffer.concat(group), 0)
    if (info.firstOffset !== groupFirst || info.lastOffset !== offset - 1)
      throw new Error(
        `append got offsets ${info.firstOffset}..${info.lastOffset}, expected ${groupFirst}..${offset - 1}`,
      )
    if (performance.now() - lastReport > 10_000) {
      lastReport = performance.now()
      log(`  written ${(bytes / 1e6).toFixed(0)} MB, ${offset} records, ${plog.numberOfSegments} segments`)
    }
  }
  // Roll: one more record after segment.ms has passed starts a new active segment, so that everything
  // written above is cleanable (as on a broker once segment.ms or segment.bytes rolls the segment).
  plog.updateConfig(buildLogConfig({ ...topicOverrides(o), 'segment.ms': '1' }, {}))
  await sleep(20)
  const end = await plog.appendAsLeader(
    encodeRecordBatch({
      records: [{ key: Buffer.from('bench-roll'), value: Buffer.from('x'), timestamp: Date.now() }],
    }),
    0,
  )
  if (plog.activeSegmentBaseOffset !== end.firstOffset) throw new Error('the last record did not roll the segment')
  const segments = plog.numberOfSegments
  await plog.close()
  const writeSeconds = (performance.now() - started) / 1000
  let tombstoneKeys = 0
  for (let k = 0; k < o.keys; k++) tombstoneKeys += tombstone[k]
  fs.writeFileSync(o.expected, Buffer.concat([Buffer.from(lastOffset.buffer), Buffer.from(tombstone.buffer)]))
  process.stdout.write(
    `${JSON.stringify({
      records: offset,
      bytes,
      batches,
      tombstoneWrites,
      tombstoneKeys,
      logEndOffset: end.lastOffset + 1,
      segments,
      writeSeconds,
    })}\n`,
  )
}

// ------------------------------------------------------------------ cleaning (this process)

/** VmRSS, VmHWM, RssAnon, RssFile of this process in MB (10^6 bytes). */
function memory() {
  const out = {}
  for (const line of fs.readFileSync('/proc/self/status', 'utf8').split('\n')) {
    const m = /^(VmRSS|VmHWM|RssAnon|RssFile):\s+(\d+) kB/.exec(line)
    if (m) out[m[1]] = (Number(m[2]) * 1024) / 1e6
  }
  return out
}

/** Resets VmHWM to the current RSS (Linux >= 4.0); false when not allowed. */
function resetPeakRss() {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5')
    return true
  } catch {
    return false
  }
}

/** Whole-machine CPU seconds: busy (not idle or iowait), total, proc (user+nice+system). */
function machineCpu() {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number)
  const [user, nice, system, idle, iowait = 0, irq = 0, softirq = 0, steal = 0] = f
  const total = user + nice + system + idle + iowait + irq + softirq + steal
  return { busy: total - idle - iowait, total, proc: user + nice + system }
}

async function busyPercent(ms) {
  const a = machineCpu()
  await sleep(ms)
  const b = machineCpu()
  return (100 * (b.busy - a.busy)) / Math.max(1, b.total - a.total)
}

function runChild(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [self, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
    activeChild = child
    const lines = []
    createInterface({ input: child.stdout }).on('line', (l) => lines.push(l))
    child.on('error', reject)
    child.on('close', (code, signal) => {
      activeChild = null
      if (code !== 0) return reject(new Error(`the log writer exited ${code ?? signal}`))
      const json = lines.reverse().find((l) => l.startsWith('{'))
      if (json === undefined) return reject(new Error('the log writer printed no result'))
      resolve(JSON.parse(json))
    })
  })
}

let workDir = null
let activeChild = null
function cleanup() {
  if (activeChild !== null && activeChild.exitCode === null) activeChild.kill('SIGKILL')
  if (workDir !== null) fs.rmSync(workDir, { recursive: true, force: true })
  workDir = null
}

async function verify(plog, endOffset, expectedFile, keys) {
  const { decodeRecordBatches } = await import(`${dist}/protocol/records/records.js`)
  const raw = fs.readFileSync(expectedFile)
  const lastOffset = new Float64Array(raw.buffer, raw.byteOffset, keys)
  const tombstone = new Uint8Array(raw.buffer, raw.byteOffset + keys * 8, keys)
  const seen = new Uint8Array(keys)
  const errors = []
  const fail = (msg) => {
    if (errors.length < 10) errors.push(msg)
  }
  let previous = -1
  let records = 0
  let distinct = 0
  let tombstones = 0
  let offset = plog.logStartOffset
  while (offset < endOffset) {
    const r = await plog.read(offset, 4 * MiB, plog.logEndOffset, true)
    if (r.records.length === 0) break
    for (const batch of decodeRecordBatches(r.records)) {
      for (const rec of batch.records) {
        if (rec.offset < offset || rec.offset >= endOffset) continue
        records++
        if (rec.offset <= previous) fail(`offset ${rec.offset} after ${previous}`)
        previous = rec.offset
        const key = rec.key?.toString('latin1') ?? null
        const k = key?.startsWith(KEY_PREFIX) ? Number(key.slice(KEY_PREFIX.length)) : -1
        if (!(Number.isInteger(k) && k >= 0 && k < keys)) {
          fail(`unexpected key ${key} at ${rec.offset}`)
          continue
        }
        if (seen[k]) fail(`${key} appears twice (again at ${rec.offset})`)
        else distinct++
        seen[k] = 1
        if (lastOffset[k] !== rec.offset) fail(`${key} at ${rec.offset}, its last write is at ${lastOffset[k]}`)
        if ((rec.value === null) !== (tombstone[k] === 1))
          fail(`${key} at ${rec.offset}: ${rec.value === null ? 'a tombstone' : 'a value'}, expected the other`)
        if (rec.value === null) tombstones++
      }
    }
    offset = r.nextOffset
  }
  let expectedTombstones = 0
  for (let k = 0; k < keys; k++) expectedTombstones += tombstone[k]
  if (distinct !== keys) fail(`${distinct} distinct keys in the cleaned log, expected ${keys}`)
  if (tombstones !== expectedTombstones) fail(`${tombstones} tombstones, expected ${expectedTombstones}`)
  if (plog.logEndOffset - endOffset !== 1) fail(`${plog.logEndOffset - endOffset} records above the cleaned range`)
  return {
    ok: errors.length === 0,
    records,
    distinctKeys: distinct,
    liveKeys: distinct - tombstones,
    tombstones,
    expectedLiveKeys: keys - expectedTombstones,
    errors,
  }
}

async function main(o) {
  const { PartitionLog } = await import(`${dist}/storage/partition-log.js`)
  const { buildLogConfig } = await import(`${dist}/storage/log-config.js`)
  const { SystemScheduler } = await import(`${dist}/common/scheduler.js`)
  const { createLogger } = await import(`${dist}/common/log.js`)
  const { LogCleaner, logCleanerConfigFrom } = await import(`${dist}/storage/cleaner/log-cleaner.js`)

  const started = performance.now()
  fs.mkdirSync(o.dir, { recursive: true })
  workDir = fs.mkdtempSync(path.join(o.dir, 'samsa-cleaner-bench-'))
  const logDir = path.join(workDir, 'data')
  const partitionDir = path.join(logDir, `${TOPIC}-0`)
  const expectedFile = path.join(workDir, 'expected.bin')

  log(
    `writing ${(o.bytes / 1e6).toFixed(0)} MB of batches, ${o.keys} keys, segment.bytes ${o.segmentBytes} (in ${o.dir})`,
  )
  const passOn = [
    ...['--bytes', o.bytes, '--keys', o.keys, '--segment-bytes', o.segmentBytes],
    ...['--records-per-batch', o.recordsPerBatch, '--value-bytes', o.valueBytes],
    ...['--tombstones', o.tombstones, '--seed', o.seed],
  ].map(String)
  const written = await runChild([...passOn, '--write-log', partitionDir, '--expected', expectedFile])
  log(
    `  ${written.records} records in ${written.batches} batches, ${written.segments} segments, ${(written.bytes / 1e6).toFixed(0)} MB in ${written.writeSeconds.toFixed(1)} s; ${written.tombstoneKeys} keys end as tombstones`,
  )

  const scheduler = new SystemScheduler()
  const logger = createLogger({ level: 'warn', destination: process.stderr })
  const plog = await PartitionLog.open(partitionDir, TOPIC, 0, buildLogConfig(topicOverrides(o), {}), {
    scheduler,
    logger,
    recoveryPoint: written.logEndOffset,
    hadCleanShutdown: true,
  })
  plog.setHighWatermark(plog.logEndOffset)
  const brokerProps = {}
  if (o.dedupeBufferBytes !== null) brokerProps['log.cleaner.dedupe.buffer.size'] = String(o.dedupeBufferBytes)
  const cleanerConfig = logCleanerConfigFrom(brokerProps)
  const cleaner = new LogCleaner({
    scheduler,
    logger,
    logs: () => [{ log: plog, logDir }],
    config: () => cleanerConfig,
  })
  cleaner.loadCheckpointsSync([logDir])

  const activeBase = plog.activeSegmentBaseOffset
  const before = plog.segmentInfos().filter((s) => s.baseOffset < activeBase)
  const inputBytes = before.reduce((n, s) => n + s.sizeBytes, 0)
  const busyBeforePct = await busyPercent(2000)
  log(
    `cleaning ${before.length} segments, ${(inputBytes / 1e6).toFixed(0)} MB (machine ${busyBeforePct.toFixed(0)} % busy before; dedupe buffer ${cleanerConfig.dedupeBufferBytes} bytes, ${cleanerConfig.threads} thread, io buffer ${cleanerConfig.ioBufferBytes} bytes)`,
  )

  const baseline = memory()
  const peakReset = resetPeakRss()
  let sampledPeak = baseline.VmRSS
  const sampler = setInterval(() => {
    sampledPeak = Math.max(sampledPeak, memory().VmRSS)
  }, 50)
  const cpu0 = process.cpuUsage()
  const machine0 = machineCpu()
  const t0 = performance.now()
  const round = await cleaner.cleanOnce()
  const seconds = (performance.now() - t0) / 1000
  const machine1 = machineCpu()
  const cpu = process.cpuUsage(cpu0)
  const after = memory()
  clearInterval(sampler)
  if (round === null) throw new Error('the cleaner found nothing to clean')

  const cpuSeconds = (cpu.user + cpu.system) / 1e6
  const windowTicks = Math.max(1, machine1.total - machine0.total)
  const cores = os.cpus().length
  const machineBusyPct = (100 * (machine1.busy - machine0.busy)) / windowTicks
  // Other processes: the machine's process time over the window minus this process's.
  const otherCpuPerS = Math.max(0, ((machine1.proc - machine0.proc) / windowTicks) * cores - cpuSeconds / seconds)
  const cleanedSegments = plog.segmentInfos().filter((s) => s.baseOffset < round.endOffset)
  const outputBytes = cleanedSegments.reduce((n, s) => n + s.sizeBytes, 0)
  const peakRssMb = peakReset ? after.VmHWM : Math.max(sampledPeak, after.VmRSS)
  const s = round.stats
  log(
    `  ${seconds.toFixed(2)} s, ${(inputBytes / 1e6 / seconds).toFixed(1)} MB/s; ${s.recordsRetained + s.recordsRemoved} -> ${s.recordsRetained} records, ${(outputBytes / 1e6).toFixed(1)} MB in ${round.groups} groups; peak RSS ${peakRssMb.toFixed(1)} MB (baseline ${baseline.VmRSS.toFixed(1)} MB${peakReset ? '' : ', VmHWM not resettable: sampled every 50 ms'}); offset map ${s.mapKeys} keys in ${(s.mapBytes / 1e6).toFixed(1)} MB`,
  )

  const t1 = performance.now()
  const check = await verify(plog, round.endOffset, expectedFile, o.keys)
  if (!round.completed) check.errors.unshift('the round did not complete')
  if (round.endOffset !== activeBase)
    check.errors.unshift(`the round ended at ${round.endOffset}, the active segment starts at ${activeBase}`)
  if (s.recordsRetained + s.recordsRemoved !== written.records)
    check.errors.unshift(
      `${s.recordsRetained + s.recordsRemoved} records seen by the cleaner, ${written.records} written`,
    )
  if (s.recordsRetained !== check.records)
    check.errors.unshift(`the cleaner kept ${s.recordsRetained} records, ${check.records} read back`)
  check.ok = check.errors.length === 0
  check.seconds = (performance.now() - t1) / 1000
  log(
    `verify: ${check.ok ? 'ok' : 'FAILED'}: ${check.distinctKeys} distinct keys, ${check.liveKeys} live + ${check.tombstones} tombstones (expected ${check.expectedLiveKeys} live), offsets increasing${check.ok ? '' : `\n  ${check.errors.join('\n  ')}`}`,
  )

  await cleaner.shutdown()
  await plog.close()

  const result = {
    kind: 'cleaner',
    inputBytes,
    outputBytes,
    inputSegments: before.length,
    outputSegments: cleanedSegments.length,
    segmentBytes: o.segmentBytes,
    keys: o.keys,
    recordsPerBatch: o.recordsPerBatch,
    valueBytes: o.valueBytes,
    recordsIn: s.recordsRetained + s.recordsRemoved,
    recordsOut: s.recordsRetained,
    batchesIn: written.batches,
    batchesRewritten: s.batchesRewritten,
    tombstoneKeys: written.tombstoneKeys,
    bytesRead: s.bytesRead,
    bytesWritten: s.bytesWritten,
    seconds,
    mbPerS: inputBytes / 1e6 / seconds,
    peakRssMb,
    peakRssFrom: peakReset ? 'VmHWM' : 'sampled VmRSS',
    baselineRssMb: baseline.VmRSS,
    baselineRssAnonMb: baseline.RssAnon,
    sampledPeakRssMb: sampledPeak,
    rssAfterMb: after.VmRSS,
    rssAnonAfterMb: after.RssAnon,
    mapKeys: s.mapKeys,
    mapBytes: s.mapBytes,
    dedupeBufferBytes: cleanerConfig.dedupeBufferBytes,
    ioBufferBytes: cleanerConfig.ioBufferBytes,
    threads: cleanerConfig.threads,
    groups: round.groups,
    cpuSeconds,
    cpuPerS: cpuSeconds / seconds,
    machineBusyBeforePct: busyBeforePct,
    machineBusyPct,
    otherCpuPerS,
    writeSeconds: written.writeSeconds,
    verify: check,
    totalSeconds: (performance.now() - started) / 1000,
  }
  process.stdout.write(`${JSON.stringify(result)}\n`)
  return check.ok
}

const opts = parseArgs(process.argv.slice(2))
if (opts.writeLog !== null) {
  writeLog(opts).catch((err) => {
    log(`log writer failed: ${err.stack ?? err}`)
    process.exit(1)
  })
} else {
  process.on('exit', cleanup)
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      cleanup()
      process.exit(130)
    })
  }
  main(opts).then(
    (ok) => {
      cleanup()
      process.exit(ok ? 0 : 2)
    },
    (err) => {
      log(`cleaner bench failed: ${err.stack ?? err}`)
      cleanup()
      process.exit(1)
    },
  )
}
