/**
 * A scriptable stand-in for a broker, for connection-level tests: it frames requests, reads their headers
 * and hands each to the test, which decides what to write back, when, in which order, or whether to
 * drop the connection. Nothing here knows Kafka semantics beyond the headers.
 */
import { createServer, type Server, type Socket } from 'node:net'
import { ApiKey } from '../../src/protocol/generated/api-message-types.ts'
import { encodeApiVersionsResponse } from '../../src/protocol/generated/api-versions.ts'
import { readRequestHeader, readRequestHeaderTags, writeResponseHeader } from '../../src/protocol/headers.ts'
import { Reader } from '../../src/protocol/primitives/reader.ts'
import { Writer } from '../../src/protocol/primitives/writer.ts'

export interface FakeRequest {
  apiKey: number
  apiVersion: number
  correlationId: number
  clientId: string | null
  /** Positioned at the request body. */
  body: Reader
  socket: Socket
}

export type FakeHandler = (req: FakeRequest) => void

/** A response frame: size, header (v0 or v1 per API and version), body. */
export function responseFrame(
  apiKey: number,
  apiVersion: number,
  correlationId: number,
  encodeBody: (w: Writer) => void,
): Buffer {
  const w = new Writer()
  w.writeInt32(0)
  writeResponseHeader(w, apiKey, apiVersion, correlationId)
  encodeBody(w)
  const frame = w.toBuffer()
  frame.writeInt32BE(frame.length - 4, 0)
  return frame
}

/** The ApiVersions answer of a broker serving `ranges` (apiKey -> [min, max]). */
export function apiVersionsFrame(
  req: FakeRequest,
  ranges: Readonly<Record<number, readonly [number, number]>>,
  errorCode = 0,
): Buffer {
  const version = errorCode === 0 ? req.apiVersion : 0
  return responseFrame(ApiKey.ApiVersions, version, req.correlationId, (w) =>
    encodeApiVersionsResponse(w, version, {
      errorCode,
      apiKeys: Object.entries(ranges).map(([k, [minVersion, maxVersion]]) => ({
        apiKey: Number(k),
        minVersion,
        maxVersion,
      })),
      throttleTimeMs: 0,
      supportedFeatures: [],
      finalizedFeaturesEpoch: -1,
      finalizedFeatures: [],
      zkMigrationReady: false,
    }),
  )
}

export class FakeBroker {
  readonly #server: Server
  readonly sockets: Socket[] = []
  handler: FakeHandler

  private constructor(server: Server, handler: FakeHandler) {
    this.#server = server
    this.handler = handler
  }

  static async start(handler: FakeHandler): Promise<FakeBroker> {
    const server = createServer()
    const fake = new FakeBroker(server, handler)
    server.on('connection', (socket) => fake.#accept(socket))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return fake
  }

  get port(): number {
    const address = this.#server.address()
    if (address === null || typeof address === 'string') throw new Error('not listening')
    return address.port
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }

  #accept(socket: Socket): void {
    this.sockets.push(socket)
    socket.on('error', () => undefined)
    let pending = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk])
      while (pending.length >= 4) {
        const size = pending.readInt32BE(0)
        if (pending.length < 4 + size) break
        const frame = pending.subarray(4, 4 + size)
        pending = pending.subarray(4 + size)
        const r = new Reader(frame)
        const header = readRequestHeader(r)
        readRequestHeaderTags(r, header)
        this.handler({ ...header, body: r, socket })
      }
    })
  }
}
