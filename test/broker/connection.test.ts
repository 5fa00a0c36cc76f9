/**
 * The connection layer on its own: a listener with ApiVersions and one slow test handler, driven by raw
 * sockets. Covers framing across arbitrary chunk boundaries, in-order responses for pipelined requests
 * that finish out of order, the KIP-511 ApiVersions fallback, and hostile frames that must close only
 * their own connection.
 */
import assert from 'node:assert/strict'
import { connect, type Socket } from 'node:net'
import { after, before, describe, it } from 'node:test'
import fc from 'fast-check'
import { Dispatcher } from '../../src/broker/dispatcher.ts'
import { type AnyApiHandler, defineHandler } from '../../src/broker/handler.ts'
import { apiVersionsHandler } from '../../src/broker/handlers/api-versions.ts'
import { Listener } from '../../src/broker/listener.ts'
import type { BrokerServices } from '../../src/broker/services.ts'
import { silentLogger } from '../../src/common/log.ts'
import { SystemScheduler } from '../../src/common/scheduler.ts'
import { ErrorCode } from '../../src/protocol/error-codes.ts'
import { decodeApiVersionsResponse, encodeApiVersionsRequest } from '../../src/protocol/generated/api-versions.ts'
import {
  decodeHeartbeatRequest,
  decodeHeartbeatResponse,
  encodeHeartbeatRequest,
  encodeHeartbeatResponse,
  type HeartbeatRequest,
  type HeartbeatResponse,
} from '../../src/protocol/generated/heartbeat.ts'
import { readResponseHeader, writeRequestHeader } from '../../src/protocol/headers.ts'
import { Reader } from '../../src/protocol/primitives/reader.ts'
import { Writer } from '../../src/protocol/primitives/writer.ts'

const REQUEST_MAX_BYTES = 1024 * 1024

/** How often each marker's response was reported done (RequestContext.onResponseDone). */
const responsesDone = new Map<number, number>()

/** Answers Heartbeat after a delay taken from the group id, so later requests can finish first. */
const slowHeartbeat = defineHandler<HeartbeatRequest, HeartbeatResponse, 'apiVersions'>({
  apiKey: 12,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 4,
  decodeRequest: decodeHeartbeatRequest,
  encodeResponse: encodeHeartbeatResponse,
  async handle(ctx, request) {
    ctx.onResponseDone(() =>
      responsesDone.set(request.generationId, (responsesDone.get(request.generationId) ?? 0) + 1),
    )
    await new Promise((r) => setTimeout(r, Number(request.groupId)))
    return { throttleTimeMs: 0, errorCode: request.generationId }
  },
  errorResponse: (_r, errorCode) => ({ throttleTimeMs: 0, errorCode }),
})

function frame(apiKey: number, apiVersion: number, correlationId: number, body: (w: Writer) => void): Buffer {
  const w = new Writer(64)
  w.writeInt32(0)
  writeRequestHeader(w, { apiKey, apiVersion, correlationId, clientId: 'test' })
  body(w)
  const buf = w.toBuffer()
  buf.writeInt32BE(buf.length - 4, 0)
  return buf
}

function apiVersionsFrame(version: number, correlationId: number): Buffer {
  return frame(18, version, correlationId, (w) =>
    encodeApiVersionsRequest(w, Math.min(version, 4), { clientSoftwareName: 'test', clientSoftwareVersion: '1.0' }),
  )
}

function heartbeatFrame(correlationId: number, delayMs: number, marker: number): Buffer {
  return frame(12, 0, correlationId, (w) =>
    encodeHeartbeatRequest(w, 0, {
      groupId: String(delayMs),
      generationId: marker,
      memberId: 'm',
      groupInstanceId: null,
    }),
  )
}

/** Collects response frames from a socket. */
class FrameReader {
  #buf = Buffer.alloc(0)
  #waiters: (() => void)[] = []
  readonly frames: Buffer[] = []
  closed = false

  constructor(socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, d])
      while (this.#buf.length >= 4 && this.#buf.length >= 4 + this.#buf.readInt32BE(0)) {
        const n = this.#buf.readInt32BE(0)
        this.frames.push(this.#buf.subarray(4, 4 + n))
        this.#buf = this.#buf.subarray(4 + n)
      }
      this.#wake()
    })
    socket.on('close', () => {
      this.closed = true
      this.#wake()
    })
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w()
  }

  async waitFor(pred: () => boolean): Promise<void> {
    while (!pred()) await new Promise<void>((r) => this.#waiters.push(r))
  }
}

async function open(port: number): Promise<{ socket: Socket; reader: FrameReader }> {
  const socket = connect({ host: '127.0.0.1', port })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  return { socket, reader: new FrameReader(socket) }
}

describe('connection', () => {
  let listener: Listener
  before(async () => {
    const handlers: AnyApiHandler[] = [slowHeartbeat, apiVersionsHandler]
    const dispatcher = new Dispatcher(handlers)
    const services = { apiVersions: dispatcher.apiVersions } as unknown as BrokerServices
    listener = new Listener({
      name: 'PLAINTEXT',
      host: '127.0.0.1',
      port: 0,
      dispatcher,
      services,
      scheduler: new SystemScheduler(),
      logger: silentLogger(),
      requestMaxBytes: REQUEST_MAX_BYTES,
      inFlightRequestsMax: 100,
      idleMsMax: 0,
    })
    await listener.listen()
  })
  after(() => listener.close(1000))

  it('answers ApiVersions v3 with the served ranges and a v0 response header', async () => {
    const { socket, reader } = await open(listener.port)
    socket.write(apiVersionsFrame(3, 7))
    await reader.waitFor(() => reader.frames.length === 1)
    const r = new Reader(reader.frames[0]!)
    assert.equal(readResponseHeader(r, 18, 3), 7)
    const res = decodeApiVersionsResponse(r, 3)
    assert.equal(res.errorCode, 0)
    assert.deepEqual(
      res.apiKeys.map((k) => [k.apiKey, k.minVersion, k.maxVersion]),
      [
        [12, 0, 4],
        [18, 0, 4],
      ],
    )
    socket.destroy()
  })

  it('answers an ApiVersions version it lacks with a v0 body carrying UNSUPPORTED_VERSION (KIP-511)', async () => {
    const { socket, reader } = await open(listener.port)
    socket.write(apiVersionsFrame(9, 1))
    await reader.waitFor(() => reader.frames.length === 1)
    const r = new Reader(reader.frames[0]!)
    assert.equal(r.readInt32(), 1)
    const res = decodeApiVersionsResponse(r, 0)
    assert.equal(res.errorCode, ErrorCode.UNSUPPORTED_VERSION)
    assert.deepEqual(res.apiKeys, [{ apiKey: 18, minVersion: 0, maxVersion: 4 }])
    assert.equal(r.remaining, 0)
    assert.ok(!reader.closed, 'the connection stays open for the retry')
    socket.destroy()
  })

  it('answers pipelined requests in request order even when they finish out of order', async () => {
    const { socket, reader } = await open(listener.port)
    const delays = [40, 0, 25, 5, 0, 10]
    socket.write(Buffer.concat(delays.map((d, i) => heartbeatFrame(100 + i, d, i))))
    await reader.waitFor(() => reader.frames.length === delays.length)
    const order = reader.frames.map((f) => {
      const r = new Reader(f)
      const correlationId = readResponseHeader(r, 12, 0)
      return [correlationId, decodeHeartbeatResponse(r, 0).errorCode]
    })
    assert.deepEqual(
      order,
      delays.map((_, i) => [100 + i, i]),
    )
    socket.destroy()
  })

  it('reports each response done once: after it is written, or when its connection closed first', async () => {
    const { socket, reader } = await open(listener.port)
    socket.write(Buffer.concat([heartbeatFrame(1, 0, 1001), heartbeatFrame(2, 5, 1002)]))
    await reader.waitFor(() => reader.frames.length === 2)
    await new Promise((r) => setTimeout(r, 20))
    assert.equal(responsesDone.get(1001), 1)
    assert.equal(responsesDone.get(1002), 1)
    // Closed while the handler still works: nothing will ever be written, the callback still runs.
    socket.write(heartbeatFrame(3, 100, 1003))
    await new Promise((r) => setTimeout(r, 20))
    socket.destroy()
    await new Promise((r) => setTimeout(r, 150))
    assert.equal(responsesDone.get(1003), 1)
  })

  it('reassembles requests split at any byte boundary', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 30 }), async (cuts) => {
        const { socket, reader } = await open(listener.port)
        const bytes = Buffer.concat([apiVersionsFrame(2, 1), heartbeatFrame(2, 0, 5), apiVersionsFrame(0, 3)])
        let pos = 0
        for (const c of cuts) {
          if (pos >= bytes.length) break
          socket.write(bytes.subarray(pos, pos + c))
          pos += c
          await new Promise((r) => setImmediate(r))
        }
        if (pos < bytes.length) socket.write(bytes.subarray(pos))
        await reader.waitFor(() => reader.frames.length === 3 || reader.closed)
        assert.equal(reader.frames.length, 3)
        assert.deepEqual(
          reader.frames.map((f) => f.readInt32BE(0)),
          [1, 2, 3],
        )
        socket.destroy()
      }),
      { numRuns: 30 },
    )
  })

  for (const [name, bytes] of [
    ['a negative size', Buffer.from([0xff, 0xff, 0xff, 0xf0])],
    [
      'a size above socket.request.max.bytes',
      (() => {
        const b = Buffer.alloc(4)
        b.writeInt32BE(REQUEST_MAX_BYTES + 1)
        return b
      })(),
    ],
    ['an unknown API key', frame(999, 0, 1, () => {})],
    ['an unsupported version of a served API', frame(12, 9, 1, () => {})],
    ['a truncated body', frame(12, 0, 1, (w) => w.writeInt16(3))],
    ['a header shorter than its fields', Buffer.from([0, 0, 0, 3, 0, 18, 0])],
  ] as const) {
    it(`closes only the connection that sent ${name}`, async () => {
      const bystander = await open(listener.port)
      const offender = await open(listener.port)
      offender.socket.write(bytes)
      await offender.reader.waitFor(() => offender.reader.closed)
      assert.equal(offender.reader.frames.length, 0)
      bystander.socket.write(apiVersionsFrame(3, 42))
      await bystander.reader.waitFor(() => bystander.reader.frames.length === 1)
      assert.equal(bystander.reader.frames[0]!.readInt32BE(0), 42)
      bystander.socket.destroy()
    })
  }

  it('survives random garbage from many connections and keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), async (junk) => {
        const { socket, reader } = await open(listener.port)
        socket.write(Buffer.from(junk))
        socket.end()
        await reader.waitFor(() => reader.closed)
      }),
      { numRuns: 50 },
    )
    const { socket, reader } = await open(listener.port)
    socket.write(apiVersionsFrame(3, 9))
    await reader.waitFor(() => reader.frames.length === 1)
    socket.destroy()
  })
})
