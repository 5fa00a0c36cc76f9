// npm run bench: produce and consume throughput of the broker with a librdkafka load
// generator, next to this machine's physical limits measured in the same run, plus
// the broker's idle RSS with 100 partitions and the log cleaner's MB/s and peak RSS.
// A benchmark, not a test: it never fails on a slow number, it reports it. See
// bench/README.md.

import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const benchDir = path.dirname(fileURLToPath(import.meta.url))
const repo = path.resolve(benchDir, '..')
const MiB = 1024 * 1024

// ------------------------------------------------------------------ options

const PRESETS = {
  quick: { runs: 3, seconds: 1.5, limitRuns: 3, limitBytes: 512 * MiB, cleanerBytes: 2e8, cleanerKeys: 2e5 },
  default: { runs: 5, seconds: 5, limitRuns: 5, limitBytes: 1024 * MiB, cleanerBytes: 1e9, cleanerKeys: 1e6 },
  full: { runs: 5, seconds: 10, limitRuns: 5, limitBytes: 1024 * MiB, cleanerBytes: 1e9, cleanerKeys: 1e6 },
}

const HELP = `usage: npm run bench -- [options]

  --quick               ~1.5 min: 3 runs of ~1.5 s per cell, 3 limit runs, a 200 MB log with 200k keys
                        for the cleaner (default: ~8 min, 5 runs of ~5 s, 1 GB with 1M keys)
  --full                5 runs of ~10 s per cell, plus acks=all and batch.size=16 KiB rows
  --runs N              measured runs per cell (after one discarded warm-up)
  --seconds S           target length of one produce run
  --cells LIST          e.g. 1024x8,100x1 (record bytes x partitions); default 100x1,100x8,1024x1,1024x8
  --acks A              producer acks (default 1)
  --linger MS           producer linger.ms (default 5)
  --batch-size BYTES    producer batch.size (default 262144)
  --dir DIR             where the broker's data and the append probe go (default: the OS temp dir)
  --wait-quiet S        wait up to S seconds for the machine to be < 15 % busy before starting,
                        and again before every produce run
  --skip-limits         do not run the limits probe (ratios are then omitted)
  --skip-idle           do not measure idle RSS
  --skip-cleaner        do not run the log cleaner benchmark (bench/cleaner.mjs)
  --profile             run the broker under node --cpu-prof; prints its top frames
  -h, --help`

function parseArgs(argv) {
  const o = {
    preset: 'default',
    cells: null,
    acks: '1',
    linger: '5',
    batchSize: '262144',
    dir: os.tmpdir(),
    waitQuiet: 0,
    skipLimits: false,
    skipIdle: false,
    skipCleaner: false,
    profile: false,
  }
  const over = {}
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const val = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`)
      return argv[++i]
    }
    if (a === '--quick') o.preset = 'quick'
    else if (a === '--full') o.preset = 'full'
    else if (a === '--runs') over.runs = Number(val())
    else if (a === '--seconds') over.seconds = Number(val())
    else if (a === '--cells') o.cells = val()
    else if (a === '--acks') o.acks = val()
    else if (a === '--linger') o.linger = val()
    else if (a === '--batch-size') o.batchSize = val()
    else if (a === '--dir') o.dir = path.resolve(val())
    else if (a === '--wait-quiet') o.waitQuiet = Number(val())
    else if (a === '--skip-limits') o.skipLimits = true
    else if (a === '--skip-idle') o.skipIdle = true
    else if (a === '--skip-cleaner') o.skipCleaner = true
    else if (a === '--profile') o.profile = true
    else if (a === '-h' || a === '--help') {
      console.log(HELP)
      process.exit(0)
    } else throw new Error(`unknown option ${a}\n${HELP}`)
  }
  Object.assign(o, PRESETS[o.preset], over)
  if (!(o.runs >= 1) || !(o.seconds > 0)) throw new Error('--runs and --seconds must be positive')
  const base = (o.cells ?? '100x1,100x8,1024x1,1024x8').split(',').map((c) => {
    const [size, parts] = c.split('x').map(Number)
    if (!(size >= 1 && parts >= 1)) throw new Error(`bad cell ${c}`)
    return { size, partitions: parts, acks: o.acks, batchSize: o.batchSize, linger: o.linger }
  })
  if (o.preset === 'full' && o.cells === null) {
    base.push({ size: 1024, partitions: 8, acks: 'all', batchSize: o.batchSize, linger: o.linger })
    base.push({ size: 1024, partitions: 8, acks: o.acks, batchSize: '16384', linger: o.linger })
  }
  o.cellList = base
  return o
}

// ------------------------------------------------------------- /proc helpers

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  } catch {
    return 100
  }
})()

/**
 * Whole-machine CPU counters in seconds: busy (everything but idle and iowait), total, and
 * its parts: proc (user+nice+system, time charged to processes), irq (irq+softirq, e.g.
 * loopback packet processing not charged to a process) and steal (taken by the hypervisor).
 */
function machineCpu() {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]
  const f = line.trim().split(/\s+/).slice(1).map(Number)
  const [user, nice, system, idle, iowait = 0, irq = 0, softirq = 0, steal = 0] = f
  const total = user + nice + system + idle + iowait + irq + softirq + steal
  return {
    busy: (total - idle - iowait) / CLK_TCK,
    total: total / CLK_TCK,
    proc: (user + nice + system) / CLK_TCK,
    irq: (irq + softirq) / CLK_TCK,
    steal: steal / CLK_TCK,
  }
}

/** user+sys CPU seconds of one process. */
function procCpu(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(f[11]) + Number(f[12])) / CLK_TCK
  } catch {
    return Number.NaN
  }
}

/** VmRSS, VmHWM, RssAnon, RssFile in MB (10^6 bytes). */
function procMem(pid) {
  const out = {}
  try {
    for (const line of fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
      const m = /^(VmRSS|VmHWM|RssAnon|RssFile|RssShmem):\s+(\d+) kB/.exec(line)
      if (m) out[m[1]] = (Number(m[2]) * 1024) / 1e6
    }
  } catch {}
  return out
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** Percent of the machine busy (steal included) over `ms`, and the steal part alone. */
async function busyPercent(ms = 2000) {
  const a = machineCpu()
  await sleep(ms)
  const b = machineCpu()
  const total = Math.max(1e-9, b.total - a.total)
  return { busy: (100 * (b.busy - a.busy)) / total, steal: (100 * (b.steal - a.steal)) / total }
}

/**
 * The machine's busy % over one second; with `maxWaitS` > 0, keeps sampling until it is below
 * 15 % or `maxWaitS` passed. Runs before every measured run, so a run never starts on top of a
 * burst of other work when a wait was asked for.
 */
async function waitQuiet(maxWaitS) {
  const started = Date.now()
  let b = await busyPercent(1000)
  while (b.busy > 15 && Date.now() - started < maxWaitS * 1000) b = await busyPercent(1000)
  return { ...b, waitedS: (Date.now() - started) / 1000 }
}

// ------------------------------------------------------------------ stats

function median(xs) {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b)
  if (s.length === 0) return Number.NaN
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const minOf = (xs) => Math.min(...xs.filter(Number.isFinite))
const maxOf = (xs) => Math.max(...xs.filter(Number.isFinite))
function spread(xs) {
  return { median: median(xs), min: minOf(xs), max: maxOf(xs), runs: xs }
}

function fmtNum(x, digits = 0) {
  if (!Number.isFinite(x)) return '–'
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}
const fmtRatio = (x) => (Number.isFinite(x) ? x.toFixed(2) : '–')
const fmtRate = (x) =>
  Number.isFinite(x) ? (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : `${(x / 1e3).toFixed(0)} k`) : '–'

// --------------------------------------------------------------- processes

const children = new Set()
function track(child) {
  children.add(child)
  child.once('exit', () => children.delete(child))
  return child
}
let workDir = null
function cleanup() {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true })
  workDir = null
}
process.on('exit', cleanup)
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    cleanup()
    process.exit(130)
  })
}

function log(msg) {
  process.stderr.write(`${msg}\n`)
}

/** Runs a command, returns its stdout lines; `onLine` sees each line as it arrives. */
function runCmd(cmd, args, { onLine, timeoutMs = 600_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = track(spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }))
    const lines = []
    let stderr = ''
    child.stderr.on('data', (d) => {
      stderr += d
    })
    const rl = createInterface({ input: child.stdout })
    rl.on('line', (line) => {
      lines.push(line)
      onLine?.(line)
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolve({ lines, stderr })
      else
        reject(
          new Error(
            `${path.basename(cmd)} ${args.slice(0, 1).join(' ')} exited ${code ?? signal}: ${stderr.trim().slice(-2000)}`,
          ),
        )
    })
  })
}

function lastJson(lines) {
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i].startsWith('{')) return JSON.parse(lines[i])
  throw new Error(`no JSON result in output:\n${lines.join('\n')}`)
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

async function waitListening(port, child, ms = 30_000) {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`broker exited with ${child.exitCode}`)
    const ok = await new Promise((resolve) => {
      const s = net.connect({ port, host: '127.0.0.1' })
      s.once('connect', () => {
        s.destroy()
        resolve(true)
      })
      s.once('error', () => resolve(false))
    })
    if (ok) return
    await sleep(100)
  }
  throw new Error(`broker did not listen on ${port} within ${ms} ms`)
}

class Broker {
  static async start(name, { profileDir } = {}) {
    const dataDir = path.join(workDir, `${name}-data`)
    const logFile = path.join(workDir, `${name}.log`)
    const port = await freePort()
    const nodeArgs = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []
    const args = [
      ...nodeArgs,
      path.join(repo, 'dist', 'cli', 'main.js'),
      'broker',
      '--data-dir',
      dataDir,
      '--listeners',
      `PLAINTEXT://127.0.0.1:${port}`,
      '--log-level',
      'warn',
      // Deleted topics free their page cache at once instead of after 60 s.
      '-o',
      'log.segment.delete.delay.ms=0',
    ]
    const out = fs.openSync(logFile, 'w')
    const child = track(spawn(process.execPath, args, { stdio: ['ignore', out, out] }))
    fs.closeSync(out)
    const b = new Broker()
    b.child = child
    b.pid = child.pid
    b.port = port
    b.bootstrap = `127.0.0.1:${port}`
    b.logFile = logFile
    b.dataDir = dataDir
    try {
      await waitListening(port, child)
    } catch (err) {
      log(fs.readFileSync(logFile, 'utf8').slice(-4000))
      throw err
    }
    return b
  }

  cpu() {
    return procCpu(this.pid)
  }

  mem() {
    return procMem(this.pid)
  }

  async stop() {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return
    const exited = new Promise((r) => this.child.once('exit', r))
    this.child.kill('SIGTERM')
    const t = setTimeout(() => this.child.kill('SIGKILL'), 20_000)
    await exited
    clearTimeout(t)
  }
}

// ---------------------------------------------------------------- stages

function compileGenerator() {
  const src = path.join(benchDir, 'rdkafka-perf.c')
  const bin = path.join(workDir, 'rdkafka-perf')
  try {
    execFileSync('gcc', ['-O2', '-Wall', '-o', bin, src, '-lrdkafka'], { stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (err) {
    throw new Error(
      `could not build the librdkafka load generator (needs gcc and librdkafka-dev): ${String(err.stderr ?? err.message).trim()}`,
    )
  }
  return bin
}

async function limitsProbe(opts) {
  const kinds = ['append', 'tcp', 'file-tcp', 'crc32c']
  const result = {}
  for (const kind of kinds) {
    const runs = []
    for (let i = 0; i <= opts.limitRuns; i++) {
      const { lines } = await runCmd(process.execPath, [
        path.join(benchDir, 'limits.mjs'),
        kind,
        '--dir',
        workDir,
        '--bytes',
        String(opts.limitBytes),
      ])
      const r = lastJson(lines)
      if (i > 0) runs.push(r.mbPerS) // run 0 is the discarded warm-up
    }
    result[kind] = spread(runs)
    log(
      `  ${kind.padEnd(8)} ${fmtNum(result[kind].median)} MB/s (${fmtNum(result[kind].min)}–${fmtNum(result[kind].max)})`,
    )
  }
  const { append, tcp, crc32c } = result
  result.bProduce = 1 / (1 / tcp.median + 1 / append.median + 1 / crc32c.median)
  log(`  B_produce ${fmtNum(result.bProduce)} MB/s`)
  return result
}

/**
 * Runs the generator, sampling the broker's CPU and the machine's CPU at the
 * generator's #start and #end markers, so every figure covers the same window.
 */
async function generator(bin, broker, args) {
  let s0 = null
  let s1 = null
  const sample = () => ({ broker: broker.cpu(), machine: machineCpu(), t: performance.now() })
  const { lines } = await runCmd(bin, args, {
    onLine: (line) => {
      if (line === '#start') s0 = sample()
      else if (line === '#end') s1 = sample()
    },
  })
  const r = lastJson(lines)
  if (!s0 || !s1) throw new Error('generator printed no #start/#end markers')
  const window = (s1.t - s0.t) / 1000
  const brokerCpu = s1.broker - s0.broker
  const d = (k) => (s1.machine[k] - s0.machine[k]) / window
  r.brokerCpuS = brokerCpu
  r.brokerCpuPerS = brokerCpu / r.elapsed_s
  r.clientCpuPerS = r.cpu_s / r.elapsed_s
  // Other processes' CPU over the window; interrupts and steal are reported on their own.
  r.otherCpuPerS = Math.max(0, d('proc') - (brokerCpu + r.cpu_s) / window)
  r.irqCpuPerS = d('irq')
  r.stealCpuPerS = d('steal')
  r.machineBusyPerS = d('busy')
  r.mbPerBrokerCpuS = r.bytes / 1e6 / brokerCpu
  r.brokerRssMb = broker.mem().VmRSS
  return r
}

async function runCell(bin, broker, cell, opts, index) {
  const label = `${cell.size} B × ${cell.partitions}p${cell.acks !== '1' ? ` acks=${cell.acks}` : ''}${cell.batchSize !== '262144' ? ` batch.size=${cell.batchSize}` : ''}`
  log(`\n${label}`)
  const produce = []
  const consume = []
  // Warm-up size: ~300 MB of 1 KiB records or ~150 MB of 100 B records; later runs are
  // sized from the warm-up's rate to last about opts.seconds.
  let records = Math.max(50_000, Math.round((cell.size >= 512 ? 300e6 : 150e6) / cell.size))
  for (let run = 0; run <= opts.runs; run++) {
    const topic = `bench-${index}-${cell.size}b-${cell.partitions}p-${run}`
    const common = ['-b', broker.bootstrap, '-t', topic, '-T', '60']
    await runCmd(bin, ['create', ...common, '-p', String(cell.partitions)])
    const quiet = await waitQuiet(opts.waitQuiet)
    const p = await generator(bin, broker, [
      'produce',
      ...common,
      '-p',
      String(cell.partitions),
      '-n',
      String(records),
      '-s',
      String(cell.size),
      '-a',
      cell.acks,
      '-l',
      cell.linger,
      '-B',
      cell.batchSize,
    ])
    p.busyBeforePct = quiet.busy
    p.stealBeforePct = quiet.steal
    p.waitedForQuietS = quiet.waitedS
    const c = await generator(bin, broker, ['consume', ...common, '-n', String(records)])
    await runCmd(bin, ['delete', ...common])
    const tag = run === 0 ? 'warm-up' : `run ${run}`
    log(
      `  ${tag.padEnd(7)} [busy before ${p.busyBeforePct.toFixed(0)} %] produce ${fmtRate(p.records_per_s)} rec/s ${fmtNum(p.mb_per_s)} MB/s p99 ${fmtNum(p.latency_ms.p99, 1)} ms broker ${p.brokerCpuPerS.toFixed(2)} client ${p.clientCpuPerS.toFixed(2)} other ${p.otherCpuPerS.toFixed(2)} steal ${p.stealCpuPerS.toFixed(2)} CPU s/s | consume ${fmtRate(c.records_per_s)} rec/s ${fmtNum(c.mb_per_s)} MB/s broker ${c.brokerCpuPerS.toFixed(2)} client ${c.clientCpuPerS.toFixed(2)}`,
    )
    if (run === 0) {
      records = Math.round(Math.min(Math.max(p.records_per_s * opts.seconds, 20_000), 4e9 / cell.size))
      continue
    }
    produce.push(p)
    consume.push(c)
  }
  return { ...cell, label, produce, consume }
}

async function idleRss(bin) {
  const broker = await Broker.start('idle')
  try {
    await sleep(3000)
    const empty = broker.mem()
    const topic = 'idle-100'
    const common = ['-b', broker.bootstrap, '-t', topic, '-T', '60']
    await runCmd(bin, ['create', ...common, '-p', '100'])
    // A little data in every partition: 100 records of 1 KiB each.
    await runCmd(bin, ['produce', ...common, '-p', '100', '-n', '10000', '-s', '1024', '-l', '5'])
    // Idle: wait until the broker used < 1 % of a core for 3 consecutive seconds (max 30 s), then
    // give V8's memory reducer 10 more idle seconds and report the last sample.
    let quiet = 0
    let waited = 0
    let last = broker.cpu()
    while (quiet < 3 && waited < 30) {
      await sleep(1000)
      waited++
      const now = broker.cpu()
      quiet = now - last < 0.01 ? quiet + 1 : 0
      last = now
    }
    const samples = []
    for (let i = 0; i < 10; i++) {
      await sleep(1000)
      samples.push(broker.mem().VmRSS)
    }
    waited += 10
    const mem = broker.mem()
    log(
      `  idle RSS with 100 partitions ${fmtNum(mem.VmRSS, 1)} MB (last 10 s: ${fmtNum(minOf(samples), 1)}–${fmtNum(maxOf(samples), 1)}; no topics: ${fmtNum(empty.VmRSS, 1)} MB)`,
    )
    return { partitions: 100, ...mem, emptyVmRSS: empty.VmRSS, idleAfterS: waited, lastTenSeconds: samples }
  } finally {
    await broker.stop()
  }
}

/**
 * bench/cleaner.mjs in a fresh process: one full cleaning pass over a compacted log of
 * `opts.cleanerBytes` with `opts.cleanerKeys` keys. A failed run (its verification included)
 * is reported, not thrown: the rest of the benchmark still runs.
 */
async function cleanerBench(opts) {
  const args = [path.join(benchDir, 'cleaner.mjs'), '--dir', workDir]
  args.push('--bytes', String(opts.cleanerBytes), '--keys', String(opts.cleanerKeys))
  try {
    const { lines } = await runCmd(process.execPath, args, { timeoutMs: 1_800_000 })
    const r = lastJson(lines)
    log(
      `  ${fmtNum(r.inputBytes / 1e6)} MB, ${fmtNum(r.keys)} keys: ${fmtNum(r.seconds, 2)} s, ${fmtNum(r.mbPerS, 1)} MB/s, ` +
        `${fmtNum(r.recordsIn)} -> ${fmtNum(r.recordsOut)} records, peak RSS ${fmtNum(r.peakRssMb, 1)} MB ` +
        `(baseline ${fmtNum(r.baselineRssMb, 1)} MB), cleaner CPU ${fmtNum(r.cpuPerS, 2)} s/s, other ${fmtNum(r.otherCpuPerS, 2)} s/s; verified`,
    )
    return r
  } catch (err) {
    log(`  log cleaner benchmark FAILED: ${err.message}`)
    return { failed: true, error: err.message }
  }
}

function summarise(cells, limits) {
  return cells.map((cell) => {
    const pMb = spread(cell.produce.map((r) => r.mb_per_s))
    const pRec = spread(cell.produce.map((r) => r.records_per_s))
    const cMb = spread(cell.consume.map((r) => r.mb_per_s))
    const cRec = spread(cell.consume.map((r) => r.records_per_s))
    const m = (rs, f) => median(rs.map(f))
    const produce = {
      recordsPerS: pRec,
      mbPerS: pMb,
      rAppend: limits ? pMb.median / limits.append.median : Number.NaN,
      rPipeline: limits ? pMb.median / limits.bProduce : Number.NaN,
      latencyP50Ms: m(cell.produce, (r) => r.latency_ms.p50),
      latencyP99Ms: m(cell.produce, (r) => r.latency_ms.p99),
      brokerCpuPerS: m(cell.produce, (r) => r.brokerCpuPerS),
      mbPerBrokerCpuS: m(cell.produce, (r) => r.mbPerBrokerCpuS),
      clientCpuPerS: m(cell.produce, (r) => r.clientCpuPerS),
      otherCpuPerS: m(cell.produce, (r) => r.otherCpuPerS),
      busyBeforePct: m(cell.produce, (r) => r.busyBeforePct),
      irqCpuPerS: m(cell.produce, (r) => r.irqCpuPerS),
      stealCpuPerS: m(cell.produce, (r) => r.stealCpuPerS),
    }
    const consume = {
      recordsPerS: cRec,
      mbPerS: cMb,
      rFetch: limits ? cMb.median / limits['file-tcp'].median : Number.NaN,
      rFetchTcp: limits ? cMb.median / limits.tcp.median : Number.NaN,
      brokerCpuPerS: m(cell.consume, (r) => r.brokerCpuPerS),
      mbPerBrokerCpuS: m(cell.consume, (r) => r.mbPerBrokerCpuS),
      clientCpuPerS: m(cell.consume, (r) => r.clientCpuPerS),
      otherCpuPerS: m(cell.consume, (r) => r.otherCpuPerS),
      irqCpuPerS: m(cell.consume, (r) => r.irqCpuPerS),
      stealCpuPerS: m(cell.consume, (r) => r.stealCpuPerS),
    }
    return {
      label: cell.label,
      size: cell.size,
      partitions: cell.partitions,
      acks: cell.acks,
      batchSize: cell.batchSize,
      produce,
      consume,
    }
  })
}

function note(x, cores) {
  const notes = []
  if (x.clientCpuPerS > 0.5) notes.push('client-bound')
  const used = x.brokerCpuPerS + x.clientCpuPerS + x.otherCpuPerS + x.irqCpuPerS + x.stealCpuPerS
  if (used > 0.9 * cores) notes.push('CPU-saturated')
  if (x.otherCpuPerS > 0.3) notes.push(`other load ${x.otherCpuPerS.toFixed(1)}`)
  if (x.busyBeforePct > 15) notes.push(`machine ${x.busyBeforePct.toFixed(0)} % busy before`)
  return notes.join(', ')
}

function markdown(report) {
  const { limits, summary, idle, cleaner, env, opts } = report
  const cores = env.cpus
  const L = []
  L.push(`### Samsa benchmark — ${env.date}`)
  L.push('')
  L.push(
    `${env.cpus} vCPU (${env.cpuModel}), Node ${env.node}, librdkafka ${env.librdkafka}, commit ${env.commit}. ` +
      `Load generator, broker and limit probes share this machine. Machine busy before the run: ${env.busyBeforePct.toFixed(0)} % (hypervisor steal ${env.stealBeforePct.toFixed(0)} %)` +
      `${env.busyBeforePct > 15 ? ' (**above 15 %: absolute numbers are depressed, compare the ratios**)' : ''}.`,
  )
  L.push(
    `Median of ${opts.runs} runs after a discarded warm-up (min–max in brackets); one run ≈ ${opts.seconds} s of produce. ` +
      `Producer: acks=${opts.acks}, linger.ms=${opts.linger}, batch.size=${opts.batchSize}, compression none, null keys, ` +
      'records round-robin over the partitions. Consumer: every partition from the beginning, no group, ' +
      'fetch.max.bytes 50 MiB, max.partition.fetch.bytes 1 MiB. MB = 10^6 bytes of record values.',
  )
  L.push('')
  if (limits) {
    L.push(`**Same-run limits** (Node, one process per run, median of ${opts.limitRuns} after a warm-up)`)
    L.push('')
    L.push('| limit | MB/s | min–max |')
    L.push('|---|---:|---|')
    const row = (name, s) => L.push(`| ${name} | ${fmtNum(s.median)} | ${fmtNum(s.min)}–${fmtNum(s.max)} |`)
    row('sequential append (`writeSync` 1 MiB, page cache)', limits.append)
    row('loopback TCP Node→Node (1 MiB writes)', limits.tcp)
    row('file→TCP (`readSync` 1 MiB + write, fetch shape)', limits['file-tcp'])
    row('CRC32C (`@node-rs/crc32`, 1 MiB)', limits.crc32c)
    L.push(`| B_produce = 1/(1/TCP + 1/append + 1/CRC32C) | ${fmtNum(limits.bProduce)} | |`)
    L.push('')
  }
  L.push('**Produce** (librdkafka, max rate)')
  L.push('')
  L.push(
    '| records × partitions | records/s | MB/s | R_append | R_pipeline | ack latency p50 / p99 ms | broker CPU s/s | MB/s per broker CPU-s | client CPU s/s | other / steal CPU s/s | note |',
  )
  L.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|')
  for (const s of summary) {
    const p = s.produce
    L.push(
      `| ${s.label} | ${fmtNum(p.recordsPerS.median)} (${fmtRate(p.recordsPerS.min)}–${fmtRate(p.recordsPerS.max)}) | ${fmtNum(p.mbPerS.median)} (${fmtNum(p.mbPerS.min)}–${fmtNum(p.mbPerS.max)}) | ${fmtRatio(p.rAppend)} | ${fmtRatio(p.rPipeline)} | ${fmtNum(p.latencyP50Ms, 1)} / ${fmtNum(p.latencyP99Ms, 1)} | ${fmtNum(p.brokerCpuPerS, 2)} | ${fmtNum(p.mbPerBrokerCpuS)} | ${fmtNum(p.clientCpuPerS, 2)} | ${fmtNum(p.otherCpuPerS, 2)} / ${fmtNum(p.stealCpuPerS, 2)} | ${note(p, cores)} |`,
    )
  }
  L.push('')
  L.push('**Consume** (librdkafka, whole topic from the beginning, data in the page cache)')
  L.push('')
  L.push(
    '| records × partitions | records/s | MB/s | R_fetch | R_fetch_tcp | broker CPU s/s | MB/s per broker CPU-s | client CPU s/s | other / steal CPU s/s | note |',
  )
  L.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|')
  for (const s of summary) {
    const c = s.consume
    L.push(
      `| ${s.label} | ${fmtNum(c.recordsPerS.median)} (${fmtRate(c.recordsPerS.min)}–${fmtRate(c.recordsPerS.max)}) | ${fmtNum(c.mbPerS.median)} (${fmtNum(c.mbPerS.min)}–${fmtNum(c.mbPerS.max)}) | ${fmtRatio(c.rFetch)} | ${fmtRatio(c.rFetchTcp)} | ${fmtNum(c.brokerCpuPerS, 2)} | ${fmtNum(c.mbPerBrokerCpuS)} | ${fmtNum(c.clientCpuPerS, 2)} | ${fmtNum(c.otherCpuPerS, 2)} / ${fmtNum(c.stealCpuPerS, 2)} | ${note(c, cores)} |`,
    )
  }
  L.push('')
  if (idle) {
    L.push(
      `**Idle RSS**, fresh broker, one topic with 100 partitions holding 100 × 1 KiB records each, ${idle.idleAfterS} s after the last produce (≥ 3 s without CPU use, then 10 s more): ` +
        `**${fmtNum(idle.VmRSS, 1)} MB** (anon ${fmtNum(idle.RssAnon, 1)}, file ${fmtNum(idle.RssFile, 1)}; ` +
        `${fmtNum(idle.emptyVmRSS, 1)} MB before any topic).`,
    )
    L.push('')
  }
  if (cleaner?.failed) {
    L.push(`**Log cleaner**: the run failed: ${cleaner.error.split('\n').slice(-3).join(' ')}`)
    L.push('')
  } else if (cleaner) {
    const quick =
      opts.preset === 'quick' ? ' **--quick: a smaller log than the full run’s 1 GB with 1,000,000 keys.**' : ''
    L.push(
      `**Log cleaner** (\`bench/cleaner.mjs\`, its own process): one full cleaning pass of a compacted partition log by \`LogCleaner\` at the broker's ` +
        `default log.cleaner.* (${cleaner.threads} thread, dedupe buffer ${cleaner.dedupeBufferBytes / MiB} MiB, I/O buffer ${cleaner.ioBufferBytes / 1024} KiB); ` +
        `uncompressed batches of ${cleaner.recordsPerBatch} records (16 B keys, ${cleaner.valueBytes} B values, 1 % of updates tombstones), ` +
        `segment.bytes ${cleaner.segmentBytes / MiB} MiB, log in the page cache. MB/s = input MB ÷ seconds from the start of the round to the last cleaned segment swapped in; ` +
        `peak RSS = VmHWM of the process (worker thread included) over the round.${quick}`,
    )
    L.push('')
    L.push(
      '| input MB | keys | records in → out | output MB | seconds | MB/s | R_clean | cleaner CPU s/s | peak RSS MB | baseline RSS MB | offset map MB | note |',
    )
    L.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|')
    const notes = []
    if (cleaner.otherCpuPerS > 0.3) notes.push(`other load ${cleaner.otherCpuPerS.toFixed(1)}`)
    if (cleaner.machineBusyBeforePct > 15)
      notes.push(`machine ${cleaner.machineBusyBeforePct.toFixed(0)} % busy before`)
    L.push(
      `| ${fmtNum(cleaner.inputBytes / 1e6)} | ${fmtNum(cleaner.keys)} | ${fmtNum(cleaner.recordsIn)} → ${fmtNum(cleaner.recordsOut)} | ${fmtNum(cleaner.outputBytes / 1e6, 1)} | ` +
        `${fmtNum(cleaner.seconds, 2)} | ${fmtNum(cleaner.mbPerS, 1)} | ${fmtRatio(cleaner.rClean ?? Number.NaN)} | ${fmtNum(cleaner.cpuPerS, 2)} | ${fmtNum(cleaner.peakRssMb, 1)} | ` +
        `${fmtNum(cleaner.baselineRssMb, 1)} | ${fmtNum(cleaner.mapBytes / 1e6, 1)} | ${notes.join(', ')} |`,
    )
    L.push('')
  }
  if (report.brokerAfterLoad?.VmRSS) {
    L.push(
      `Broker RSS after all load runs: ${fmtNum(report.brokerAfterLoad.VmRSS, 1)} MB, peak ${fmtNum(report.brokerAfterLoad.VmHWM, 1)} MB.`,
    )
    L.push('')
  }
  L.push('**Aims** (issue 2)')
  L.push('')
  L.push('| aim | result | met |')
  L.push('|---|---|---|')
  const yes = (b) => (b ? 'yes' : 'no')
  for (const s of summary.filter((s) => s.size === 1024 && s.acks === opts.acks && s.batchSize === opts.batchSize)) {
    L.push(
      `| 1 KiB ingest ≥ 60 % of raw append (${s.partitions}p) | R_append ${fmtRatio(s.produce.rAppend)} | ${limits ? yes(s.produce.rAppend >= 0.6) : '–'} |`,
    )
  }
  for (const s of summary.filter((s) => s.size === 100 && s.acks === opts.acks && s.batchSize === opts.batchSize)) {
    L.push(
      `| 100 B ingest ≥ 800 k records/s (${s.partitions}p) | ${fmtNum(s.produce.recordsPerS.median)} records/s | ${yes(s.produce.recordsPerS.median >= 800_000)} |`,
    )
  }
  if (idle) L.push(`| idle RSS with 100 partitions < 100 MB | ${fmtNum(idle.VmRSS, 1)} MB | ${yes(idle.VmRSS < 100)} |`)
  L.push('')
  L.push(
    `CPU columns are CPU-seconds per second over the timed window (${cores} vCPUs = ${cores}.00 available): broker from /proc/<pid>/stat, ` +
      'client = the librdkafka generator (all its threads), other = every other process on the machine, ' +
      'steal = vCPU time the hypervisor gave to other guests (interrupt time is in the JSON). "client-bound": the generator used > 50 % of a core; ' +
      '"CPU-saturated": broker + client + other + interrupts + steal > 90 % of the machine.',
  )
  return L.join('\n')
}

function envInfo(busyBeforePct, stealBeforePct) {
  const sh = (cmd, args) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8', cwd: repo, stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    } catch {
      return 'unknown'
    }
  }
  const dirty = sh('git', ['status', '--porcelain', '--untracked-files=no']) !== ''
  let librdkafka = sh('pkg-config', ['--modversion', 'rdkafka'])
  if (librdkafka === 'unknown') librdkafka = sh('pkg-config', ['--modversion', 'rdkafka++'])
  return {
    date: new Date().toISOString(),
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memGb: os.totalmem() / 1e9,
    kernel: os.release(),
    node: process.versions.node,
    librdkafka,
    gcc: sh('gcc', ['-dumpfullversion']),
    commit: `${sh('git', ['rev-parse', '--short', 'HEAD'])}${dirty ? '+dirty' : ''}`,
    loadavg: os.loadavg(),
    busyBeforePct,
    stealBeforePct,
  }
}

async function topFrames(profileDir, n = 25) {
  const files = fs.existsSync(profileDir) ? fs.readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile')) : []
  if (files.length === 0) return []
  const { summariseProfile } = await import('./profile-top.mjs')
  return summariseProfile(path.join(profileDir, files[0]), n, repo)
}

// ------------------------------------------------------------------- main

async function main() {
  const opts = parseArgs(process.argv.slice(2))
  if (!fs.existsSync(path.join(repo, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run npm run build')
  fs.mkdirSync(opts.dir, { recursive: true })
  workDir = fs.mkdtempSync(path.join(opts.dir, 'samsa-bench-'))
  const started = Date.now()

  let before = await busyPercent()
  const waitStarted = Date.now()
  if (before.busy > 15 && opts.waitQuiet > 0) {
    log(`machine ${before.busy.toFixed(0)} % busy; waiting up to ${opts.waitQuiet} s for < 15 %`)
    const deadline = Date.now() + opts.waitQuiet * 1000
    while (before.busy > 15 && Date.now() < deadline) before = await busyPercent()
  }
  log(
    `machine busy before the run: ${before.busy.toFixed(1)} % of ${os.cpus().length} vCPUs, hypervisor steal ${before.steal.toFixed(1)} % (load average ${os.loadavg()[0].toFixed(2)})`,
  )
  if (before.busy > 15)
    log('WARNING: the machine is more than 15 % busy; absolute numbers will be low, compare the ratios')
  const env = envInfo(before.busy, before.steal)
  env.waitedForQuietS = (Date.now() - waitStarted) / 1000

  const bin = compileGenerator()
  let limits = null
  if (!opts.skipLimits) {
    log(`\nlimits probe (1 warm-up + ${opts.limitRuns} runs each, ${opts.limitBytes / MiB} MiB, in ${opts.dir})`)
    limits = await limitsProbe(opts)
  }

  let idle = null
  if (!opts.skipIdle) {
    log('\nidle RSS')
    idle = await idleRss(bin)
  }

  let cleaner = null
  if (!opts.skipCleaner) {
    const size = `${fmtNum(opts.cleanerBytes / 1e6)} MB of log, ${fmtNum(opts.cleanerKeys)} keys`
    log(`\nlog cleaner (${size}${opts.preset === 'quick' ? '; --quick: the full run cleans 1 GB with 1M keys' : ''})`)
    cleaner = await cleanerBench(opts)
    if (cleaner && !cleaner.failed && limits) cleaner.rClean = cleaner.mbPerS / limits.append.median
  }

  const profileDir = opts.profile ? path.join(repo, 'bench', 'results', `profile-${Date.now()}`) : undefined
  const broker = await Broker.start('main', { profileDir })
  const cells = []
  let afterLoad = {}
  try {
    for (const [i, cell] of opts.cellList.entries()) cells.push(await runCell(bin, broker, cell, opts, i))
  } finally {
    afterLoad = broker.mem()
    await broker.stop()
  }
  if (broker.child.exitCode !== 0) log(`note: broker exited with ${broker.child.exitCode ?? broker.child.signalCode}`)

  const summary = summarise(cells, limits)
  const report = {
    env,
    opts: { ...opts, cellList: undefined, dir: undefined },
    limits,
    idle,
    cleaner,
    brokerAfterLoad: afterLoad,
    summary,
    cells,
    durationS: (Date.now() - started) / 1000,
  }
  if (profileDir) {
    report.profile = { dir: path.relative(repo, profileDir), top: await topFrames(profileDir) }
  }
  const md = markdown(report)
  const resultsDir = path.join(repo, 'bench', 'results')
  fs.mkdirSync(resultsDir, { recursive: true })
  const stamp = env.date.replace(/[:.]/g, '-')
  fs.writeFileSync(path.join(resultsDir, `bench-${stamp}.json`), `${JSON.stringify(report, null, 2)}\n`)
  fs.writeFileSync(path.join(resultsDir, `bench-${stamp}.md`), `${md}\n`)
  console.log(`\n${md}\n`)
  if (report.profile) {
    console.log(`Broker CPU profile (${report.profile.dir}), top self-time frames:`)
    for (const f of report.profile.top) console.log(`  ${f.selfPct.toFixed(1).padStart(5)} %  ${f.name}  ${f.where}`)
  }
  log(`results: bench/results/bench-${stamp}.json and .md (${report.durationS.toFixed(0)} s)`)
}

main().catch((err) => {
  log(`bench failed: ${err.stack ?? err}`)
  cleanup()
  process.exit(1)
})
