import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { BrokerConnection, CLIENT_SOFTWARE_NAME } from '../../src/client/connection.ts'
import {
  ClientClosedError,
  ClientConnectionError,
  ClientTimeoutError,
  UnsupportedVersionError,
} from '../../src/client/errors.ts'
import { SamsaError } from '../../src/common/errors.ts'
import { FakeScheduler } from '../../src/common/scheduler.ts'
import { ErrorCode } from '../../src/protocol/error-codes.ts'
import { ApiKey } from '../../src/protocol/generated/api-message-types.ts'
import { decodeApiVersionsRequest } from '../../src/protocol/generated/api-versions.ts'
import type { Reader } from '../../src/protocol/primitives/reader.ts'
import { apiVersionsFrame, FakeBroker, type FakeRequest, responseFrame } from './fake-broker.ts'

const RANGES = {
  [ApiKey.Produce]: [3, 9],
  [ApiKey.Fetch]: [4, 12],
  [ApiKey.Metadata]: [0, 12],
  [ApiKey.ApiVersions]: [0, 3],
  [ApiKey.DescribeCluster]: [0, 1],
} as const

const brokers: FakeBroker[] = []
after(async () => {
  for (const b of brokers) await b.close()
})

async function fake(handler: (req: FakeRequest) => void): Promise<FakeBroker> {
  const b = await FakeBroker.start(handler)
  brokers.push(b)
  return b
}

/** A body of one int32, so a test can tell responses apart. */
const readMarker = (r: Reader): number => r.readInt32()
const writeMarker =
  (n: number) =>
  (w: { writeInt32(v: number): unknown }): void => {
    w.writeInt32(n)
  }

function connect(b: FakeBroker, extra: Partial<Parameters<typeof BrokerConnection.connect>[0]> = {}) {
  return BrokerConnection.connect({ host: '127.0.0.1', port: b.port, clientId: 'test', ...extra })
}

describe('BrokerConnection: version negotiation', () => {
  it('sends ApiVersions v3 with the client software name and picks min(client max, broker max)', async () => {
    const seen: { version: number; name: string }[] = []
    const b = await fake((req) => {
      if (req.apiKey !== ApiKey.ApiVersions) return
      const body = decodeApiVersionsRequest(req.body, req.apiVersion)
      seen.push({ version: req.apiVersion, name: body.clientSoftwareName })
      req.socket.write(apiVersionsFrame(req, RANGES))
    })
    const conn = await connect(b)
    try {
      assert.deepEqual(seen, [{ version: 3, name: CLIENT_SOFTWARE_NAME }])
      assert.equal(conn.versionFor(ApiKey.Produce, 11), 9)
      assert.equal(conn.versionFor(ApiKey.Fetch, 8), 8)
      assert.deepEqual(conn.apiVersions.get(ApiKey.Metadata), { minVersion: 0, maxVersion: 12 })
      // Below the broker's minimum, below the client's minimum, or an API the broker lacks.
      assert.throws(() => conn.versionFor(ApiKey.Produce, 2), UnsupportedVersionError)
      assert.throws(() => conn.versionFor(ApiKey.Fetch, 12, 13), UnsupportedVersionError)
      assert.throws(
        () => conn.versionFor(ApiKey.JoinGroup, 9),
        (err: unknown) => {
          assert.ok(err instanceof UnsupportedVersionError)
          assert.equal(err.code, 'SAMSA_ERR_PROTOCOL_UNSUPPORTED_VERSION')
          return true
        },
      )
    } finally {
      conn.close()
    }
  })

  it('falls back to the version the broker lists when it answers UNSUPPORTED_VERSION (KIP-511)', async () => {
    const versions: number[] = []
    const b = await fake((req) => {
      versions.push(req.apiVersion)
      if (req.apiVersion > 2) {
        // An older broker: a v0-layout body with error 35 and its own ApiVersions range.
        req.socket.write(apiVersionsFrame(req, { [ApiKey.ApiVersions]: [0, 2] }, ErrorCode.UNSUPPORTED_VERSION))
        return
      }
      req.socket.write(apiVersionsFrame(req, { ...RANGES, [ApiKey.ApiVersions]: [0, 2] }))
    })
    const conn = await connect(b)
    try {
      assert.deepEqual(versions, [3, 2])
      assert.equal(conn.versionFor(ApiKey.Produce, 11), 9)
    } finally {
      conn.close()
    }
  })

  it('falls back to ApiVersions v0 when the error response does not list ApiVersions', async () => {
    const versions: number[] = []
    const b = await fake((req) => {
      versions.push(req.apiVersion)
      if (req.apiVersion > 0) {
        req.socket.write(apiVersionsFrame(req, {}, ErrorCode.UNSUPPORTED_VERSION))
        return
      }
      req.socket.write(apiVersionsFrame(req, RANGES))
    })
    const conn = await connect(b)
    try {
      assert.deepEqual(versions, [3, 0])
      assert.equal(conn.versionFor(ApiKey.Metadata, 12), 12)
    } finally {
      conn.close()
    }
  })

  it('fails to connect with a typed error when nothing listens', async () => {
    const b = await fake(() => undefined)
    const port = b.port
    await b.close()
    brokers.splice(brokers.indexOf(b), 1)
    await assert.rejects(BrokerConnection.connect({ host: '127.0.0.1', port }), (err: unknown) => {
      assert.ok(err instanceof ClientConnectionError)
      assert.ok(err instanceof SamsaError)
      assert.equal(err.code, 'SAMSA_ERR_CLIENT_CONNECTION')
      return true
    })
  })
})

describe('BrokerConnection: framing and pipelining', () => {
  it('pipelines requests and matches responses answered in reverse order by correlation id', async () => {
    const held: FakeRequest[] = []
    const count = 50
    const b = await fake((req) => {
      held.push(req)
      if (held.length === count) {
        for (const r of held.reverse()) {
          const marker = r.body.readInt32()
          r.socket.write(responseFrame(r.apiKey, r.apiVersion, r.correlationId, writeMarker(marker * 10)))
        }
      }
    })
    const conn = await connect(b, { negotiateVersions: false })
    try {
      const results = await Promise.all(
        Array.from({ length: count }, (_, i) =>
          // Alternate a non-flexible (header v0) and a flexible (header v1) response header.
          i % 2 === 0
            ? conn.request(ApiKey.Metadata, 1, writeMarker(i), readMarker)
            : conn.request(ApiKey.DescribeCluster, 0, writeMarker(i), readMarker),
        ),
      )
      assert.deepEqual(
        results,
        Array.from({ length: count }, (_, i) => i * 10),
      )
      assert.equal(conn.inFlightRequests, 0)
    } finally {
      conn.close()
    }
  })

  it('reassembles responses split at every byte and responses coalesced into one write', async () => {
    let n = 0
    const frames: Buffer[] = []
    const b = await fake((req) => {
      frames.push(responseFrame(req.apiKey, req.apiVersion, req.correlationId, writeMarker(req.body.readInt32() + 1)))
      n++
      if (n === 3) {
        const all = Buffer.concat(frames)
        // The first two frames one byte per write, the third together with nothing else.
        const split = frames[0]!.length + frames[1]!.length
        req.socket.setNoDelay(true)
        void (async () => {
          // Yield between bytes so they leave as separate segments rather than one coalesced write.
          for (let i = 0; i < split; i++) {
            await new Promise<void>((resolve) => req.socket.write(all.subarray(i, i + 1), () => setImmediate(resolve)))
          }
          req.socket.write(all.subarray(split))
        })()
      }
    })
    const conn = await connect(b, { negotiateVersions: false })
    try {
      const results = await Promise.all([
        conn.request(ApiKey.Metadata, 1, writeMarker(1), readMarker),
        conn.request(ApiKey.DescribeCluster, 0, writeMarker(2), readMarker),
        conn.request(ApiKey.Metadata, 1, writeMarker(3), readMarker),
      ])
      assert.deepEqual(results, [2, 3, 4])
    } finally {
      conn.close()
    }
  })

  it('carries large request bodies (record sets written as their own chunks) intact', async () => {
    const payload = Buffer.alloc(300_000, 7)
    payload.write('end', payload.length - 3)
    const b = await fake((req) => {
      const got = req.body.readBytes()
      const ok = got.equals(payload) ? 1 : 0
      req.socket.write(responseFrame(req.apiKey, req.apiVersion, req.correlationId, writeMarker(ok)))
    })
    const conn = await connect(b, { negotiateVersions: false })
    try {
      const ok = await conn.request(ApiKey.Metadata, 1, (w) => w.writeBytes(payload), readMarker)
      assert.equal(ok, 1)
    } finally {
      conn.close()
    }
  })

  it('resolves a request that expects no response (acks=0) once it is written', async () => {
    const received: number[] = []
    const b = await fake((req) => {
      received.push(req.body.readInt32())
      if (received.length === 2) {
        req.socket.write(responseFrame(req.apiKey, req.apiVersion, req.correlationId, writeMarker(99)))
      }
    })
    const conn = await connect(b, { negotiateVersions: false })
    try {
      const none = await conn.request(ApiKey.Produce, 3, writeMarker(1), null, { expectResponse: false })
      assert.equal(none, undefined)
      // The next request's response is matched although the first one never got an answer.
      assert.equal(await conn.request(ApiKey.Metadata, 1, writeMarker(2), readMarker), 99)
      assert.deepEqual(received, [1, 2])
    } finally {
      conn.close()
    }
  })
})

describe('BrokerConnection: timeouts and closing', () => {
  it('times a request out, keeps the connection and drops the late response', async () => {
    const scheduler = new FakeScheduler()
    const held: FakeRequest[] = []
    const b = await fake((req) => {
      const marker = req.body.readInt32()
      if (marker === 1) {
        held.push(req)
        return
      }
      // Answer the timed-out request first (late), then this one.
      const late = held.shift()
      if (late !== undefined) {
        late.socket.write(responseFrame(late.apiKey, late.apiVersion, late.correlationId, writeMarker(-1)))
      }
      req.socket.write(responseFrame(req.apiKey, req.apiVersion, req.correlationId, writeMarker(marker)))
    })
    const conn = await connect(b, { negotiateVersions: false, scheduler, requestTimeoutMs: 1000 })
    try {
      const first = conn.request(ApiKey.Metadata, 1, writeMarker(1), readMarker)
      // Let the request reach the broker before time moves.
      await waitUntil(() => held.length === 1)
      scheduler.advance(999)
      assert.equal(conn.inFlightRequests, 1)
      scheduler.advance(1)
      await assert.rejects(first, (err: unknown) => {
        assert.ok(err instanceof ClientTimeoutError)
        assert.equal(err.code, 'SAMSA_ERR_CLIENT_TIMEOUT')
        return true
      })
      assert.equal(await conn.request(ApiKey.Metadata, 1, writeMarker(2), readMarker), 2)
      assert.equal(conn.isClosed, false)
    } finally {
      conn.close()
    }
  })

  it('rejects every pending request with a connection error when the broker closes the socket', async () => {
    let closeError: Error | null | undefined
    const held: FakeRequest[] = []
    const b = await fake((req) => {
      held.push(req)
      if (held.length === 3) req.socket.destroy()
    })
    const conn = await connect(b, {
      negotiateVersions: false,
      onClose: (err) => {
        closeError = err
      },
    })
    const pending = [1, 2, 3].map((i) => conn.request(ApiKey.Metadata, 1, writeMarker(i), readMarker))
    for (const p of pending) {
      await assert.rejects(p, (err: unknown) => {
        assert.ok(err instanceof ClientConnectionError)
        assert.equal(err.retriable, true)
        return true
      })
    }
    assert.ok(closeError instanceof ClientConnectionError)
    assert.equal(conn.isClosed, true)
    await assert.rejects(conn.request(ApiKey.Metadata, 1, writeMarker(4), readMarker), ClientClosedError)
  })

  it('close() rejects pending requests with ClientClosedError', async () => {
    let arrived = false
    const b = await fake(() => {
      arrived = true
    })
    const conn = await connect(b, { negotiateVersions: false })
    const pending = conn.request(ApiKey.Metadata, 1, writeMarker(1), readMarker)
    await waitUntil(() => arrived)
    conn.close()
    await assert.rejects(pending, (err: unknown) => {
      assert.ok(err instanceof ClientClosedError)
      assert.equal(err.code, 'SAMSA_ERR_CLIENT_CLOSED')
      return true
    })
  })

  it('closes the connection on a response frame above responseBytesMax', async () => {
    const b = await fake((req) => {
      const header = Buffer.alloc(8)
      header.writeInt32BE(2_000_000, 0)
      header.writeInt32BE(req.correlationId, 4)
      req.socket.write(header)
    })
    const conn = await connect(b, { negotiateVersions: false, responseBytesMax: 1_000_000 })
    await assert.rejects(conn.request(ApiKey.Metadata, 1, writeMarker(1), readMarker), (err: unknown) => {
      assert.ok(err instanceof ClientConnectionError)
      assert.match(err.message, /2000000 bytes/)
      return true
    })
    assert.equal(conn.isClosed, true)
  })

  it('closes the connection on a response with an unknown correlation id', async () => {
    const b = await fake((req) => {
      req.socket.write(responseFrame(req.apiKey, req.apiVersion, req.correlationId + 1000, writeMarker(0)))
    })
    const conn = await connect(b, { negotiateVersions: false })
    await assert.rejects(conn.request(ApiKey.Metadata, 1, writeMarker(1), readMarker), /unknown correlation id/)
    assert.equal(conn.isClosed, true)
  })

  it('refuses requests beyond inFlightRequestsMax', async () => {
    const b = await fake(() => undefined)
    const conn = await connect(b, { negotiateVersions: false, inFlightRequestsMax: 2 })
    const a = conn.request(ApiKey.Metadata, 1, writeMarker(1), readMarker)
    const c = conn.request(ApiKey.Metadata, 1, writeMarker(2), readMarker)
    await assert.rejects(conn.request(ApiKey.Metadata, 1, writeMarker(3), readMarker), /more than 2 requests/)
    conn.close()
    await assert.rejects(a, ClientClosedError)
    await assert.rejects(c, ClientClosedError)
  })
})

/** Yields to the event loop until `condition` holds (socket I/O, not time, is what we wait for). */
async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve))
}
