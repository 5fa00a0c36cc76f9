// The machine's physical limits, measured the way PERF.md §2 measured them, one
// measurement per process (the runner starts a fresh process for every run):
//
//   node bench/limits.mjs append   --dir D [--bytes N]  Node fs.writeSync of 1 MiB buffers into a
//                                                        new file in D (page cache, no fsync)
//   node bench/limits.mjs tcp      [--bytes N]          loopback TCP, Node -> Node (a second
//                                                        process), 1 MiB socket.write()s from memory,
//                                                        backpressure honoured
//   node bench/limits.mjs file-tcp --dir D [--bytes N]  fs.readSync 1 MiB from a page-cached file,
//                                                        then socket.write (the consumer-fetch shape)
//   node bench/limits.mjs crc32c   [--bytes N]          CRC32C (@node-rs/crc32) over 1 MiB buffers
//
// Prints one JSON line: { kind, bytes, seconds, mbPerS } with MB = 10^6 bytes.

import { fork } from 'node:child_process'
import { randomFillSync } from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'

const MiB = 1024 * 1024
const CHUNK = MiB

function parseArgs(argv) {
  const out = { kind: argv[0], dir: undefined, bytes: 1024 * MiB }
  for (let i = 1; i < argv.length; i++) {
    if (argv[i] === '--dir') out.dir = argv[++i]
    else if (argv[i] === '--bytes') out.bytes = Number(argv[++i])
    else throw new Error(`unknown argument ${argv[i]}`)
  }
  return out
}

const now = () => process.hrtime.bigint()
const secondsSince = (t0) => Number(now() - t0) / 1e9

function report(kind, bytes, seconds, extra = {}) {
  process.stdout.write(`${JSON.stringify({ kind, bytes, seconds, mbPerS: bytes / seconds / 1e6, ...extra })}\n`)
}

function randomBuffer(size) {
  const buf = Buffer.allocUnsafe(size)
  randomFillSync(buf)
  return buf
}

function appendRun(dir, bytes) {
  const file = path.join(dir, `append-${process.pid}.bin`)
  const buf = randomBuffer(CHUNK)
  const fd = fs.openSync(file, 'w')
  try {
    const n = Math.ceil(bytes / CHUNK)
    const t0 = now()
    for (let i = 0; i < n; i++) fs.writeSync(fd, buf, 0, CHUNK)
    const seconds = secondsSince(t0)
    report('append', n * CHUNK, seconds)
  } finally {
    fs.closeSync(fd)
    fs.rmSync(file, { force: true })
  }
}

function crcRun(bytes) {
  return import('@node-rs/crc32').then(({ crc32c }) => {
    const buf = randomBuffer(CHUNK)
    const n = Math.ceil(bytes / CHUNK)
    let crc = 0
    const t0 = now()
    for (let i = 0; i < n; i++) crc = crc32c(buf, crc)
    const seconds = secondsSince(t0)
    report('crc32c', n * CHUNK, seconds, { crc })
  })
}

// The receiving side: counts bytes, answers one byte once `expect` bytes arrived.
function sink() {
  const server = net.createServer((socket) => {
    let seen = 0
    let expect = -1
    let header = Buffer.alloc(0)
    socket.on('data', (chunk) => {
      if (expect < 0) {
        header = Buffer.concat([header, chunk])
        if (header.length < 8) return
        expect = Number(header.readBigUInt64BE(0))
        seen = header.length - 8
      } else {
        seen += chunk.length
      }
      if (seen >= expect) socket.end(Buffer.from([1]))
    })
    socket.on('error', () => {})
    socket.on('close', () => server.close(() => process.exit(0)))
  })
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }))
}

async function withSink(fn) {
  const child = fork(new URL(import.meta.url).pathname, ['sink'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  try {
    const port = await new Promise((resolve, reject) => {
      child.once('message', (m) => resolve(m.port))
      child.once('exit', (code) => reject(new Error(`sink exited with ${code}`)))
    })
    const socket = net.connect({ port, host: '127.0.0.1' })
    await new Promise((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
    })
    return await fn(socket)
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM')
  }
}

// Writes `n` chunks produced by `next(i)`; each chunk is written only once at most
// `depth` earlier writes are still in flight (so a reused buffer is never overwritten
// before the kernel took it). Resolves when the sink acknowledged every byte.
function pump(socket, n, next, depth) {
  return new Promise((resolve, reject) => {
    let i = 0
    let inFlight = 0
    let waitingDrain = false
    const acked = new Promise((res) => socket.once('data', res))
    socket.once('error', reject)
    const step = () => {
      while (i < n && inFlight < depth && !waitingDrain) {
        const buf = next(i++)
        inFlight++
        const ok = socket.write(buf, () => {
          inFlight--
          if (!waitingDrain) step()
        })
        if (!ok) {
          waitingDrain = true
          socket.once('drain', () => {
            waitingDrain = false
            step()
          })
        }
      }
      if (i === n && inFlight === 0) acked.then(resolve, reject)
    }
    step()
  })
}

async function tcpRun(bytes) {
  const buf = randomBuffer(CHUNK)
  const n = Math.ceil(bytes / CHUNK)
  await withSink(async (socket) => {
    const header = Buffer.alloc(8)
    header.writeBigUInt64BE(BigInt(n * CHUNK))
    socket.write(header)
    const t0 = now()
    await pump(socket, n, () => buf, Number.POSITIVE_INFINITY)
    const seconds = secondsSince(t0)
    socket.destroy()
    report('tcp', n * CHUNK, seconds)
  })
}

async function fileTcpRun(dir, bytes) {
  const file = path.join(dir, `file-tcp-${process.pid}.bin`)
  const n = Math.ceil(bytes / CHUNK)
  const seed = randomBuffer(CHUNK)
  const wfd = fs.openSync(file, 'w')
  for (let i = 0; i < n; i++) fs.writeSync(wfd, seed, 0, CHUNK)
  fs.closeSync(wfd)
  const depth = 4
  const bufs = Array.from({ length: depth + 1 }, () => Buffer.allocUnsafe(CHUNK))
  const fd = fs.openSync(file, 'r')
  try {
    for (let i = 0; i < n; i++) fs.readSync(fd, bufs[0], 0, CHUNK, i * CHUNK) // warm the page cache
    await withSink(async (socket) => {
      const header = Buffer.alloc(8)
      header.writeBigUInt64BE(BigInt(n * CHUNK))
      socket.write(header)
      const t0 = now()
      await pump(
        socket,
        n,
        (i) => {
          const buf = bufs[i % bufs.length]
          fs.readSync(fd, buf, 0, CHUNK, i * CHUNK)
          return buf
        },
        depth,
      )
      const seconds = secondsSince(t0)
      socket.destroy()
      report('file-tcp', n * CHUNK, seconds)
    })
  } finally {
    fs.closeSync(fd)
    fs.rmSync(file, { force: true })
  }
}

const args = parseArgs(process.argv.slice(2))
const needDir = () => {
  if (!args.dir) throw new Error(`${args.kind} needs --dir`)
  return args.dir
}
switch (args.kind) {
  case 'sink':
    sink()
    break
  case 'append':
    appendRun(needDir(), args.bytes)
    break
  case 'tcp':
    await tcpRun(args.bytes)
    break
  case 'file-tcp':
    await fileTcpRun(needDir(), args.bytes)
    break
  case 'crc32c':
    await crcRun(args.bytes)
    break
  default:
    console.error('usage: node bench/limits.mjs append|tcp|file-tcp|crc32c [--dir D] [--bytes N]')
    process.exit(2)
}
