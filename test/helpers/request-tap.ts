/**
 * A TCP proxy on 127.0.0.1 that forwards every byte between clients and a broker unchanged and keeps a
 * copy of each request and its response, by client id, API key and version. A broker that advertises
 * the tap (advertised.listeners) sends every client's later connections through it too, so a test can
 * check what a real client actually sent and what the broker actually answered at that version, without
 * trusting the client's own account of it. Decode the bodies with the generated codecs.
 */
import { connect, createServer, type Server, type Socket } from 'node:net'
import { readRequestHeader, readRequestHeaderTags, readResponseHeader } from '../../src/protocol/headers.ts'
import { Reader } from '../../src/protocol/primitives/reader.ts'

export interface TappedExchange {
  /** Its place in `exchanges`: requests in the order the tap read them. */
  readonly seq: number
  /** Which client connection (in accept order) it came over. */
  readonly connection: number
  readonly clientId: string | null
  readonly apiKey: number
  readonly apiVersion: number
  readonly correlationId: number
  /** The request body, after its header. */
  readonly request: Buffer
  /** The response body, after its header; undefined until the broker answered. */
  response?: Buffer
}

/** Splits a byte stream into Kafka frames (int32 size prefix), calling `onFrame` with each body. */
function framer(onFrame: (frame: Buffer) => void): (chunk: Buffer) => void {
  let buf: Buffer = Buffer.alloc(0)
  return (chunk) => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk])
    while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
      const n = buf.readInt32BE(0)
      onFrame(buf.subarray(4, 4 + n))
      buf = buf.subarray(4 + n)
    }
  }
}

export class RequestTap {
  /** Every request seen, in the order the clients sent them. */
  readonly exchanges: TappedExchange[] = []
  /** The broker's port; set it once the broker listens (it must advertise the tap's port). */
  targetPort = 0
  readonly #server: Server
  readonly #sockets = new Set<Socket>()
  readonly #waiters = new Set<() => void>()
  #connections = 0

  private constructor(server: Server) {
    this.#server = server
  }

  static async start(): Promise<RequestTap> {
    const server = createServer()
    const tap = new RequestTap(server)
    server.on('connection', (client) => tap.#accept(client))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return tap
  }

  get port(): number {
    const address = this.#server.address()
    return typeof address === 'object' && address !== null ? address.port : 0
  }

  /** The answered requests of one API from one client id, optionally only those from `fromSeq` on. */
  answered(apiKey: number, clientId: string, fromSeq = 0): (TappedExchange & { response: Buffer })[] {
    return this.exchanges.filter(
      (x): x is TappedExchange & { response: Buffer } =>
        x.seq >= fromSeq && x.apiKey === apiKey && x.clientId === clientId && x.response !== undefined,
    )
  }

  /** Waits (real time, generous) until `predicate` holds, re-checking after every answered request. */
  waitFor(predicate: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
    if (predicate()) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(check)
        reject(new Error(`request tap: timed out waiting for ${what}`))
      }, timeoutMs)
      const check = (): void => {
        if (!predicate()) return
        clearTimeout(timer)
        this.#waiters.delete(check)
        resolve()
      }
      this.#waiters.add(check)
    })
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }

  #accept(client: Socket): void {
    const connection = this.#connections++
    const upstream = connect({ host: '127.0.0.1', port: this.targetPort })
    this.#sockets.add(client)
    this.#sockets.add(upstream)
    // Responses are matched to their requests by correlation id, per connection.
    const pending = new Map<number, TappedExchange>()
    const fromClient = framer((frame) => {
      const r = new Reader(frame)
      const header = readRequestHeader(r)
      readRequestHeaderTags(r, header)
      const x: TappedExchange = { seq: this.exchanges.length, connection, ...header, request: frame.subarray(r.pos) }
      this.exchanges.push(x)
      pending.set(header.correlationId, x)
    })
    const fromBroker = framer((frame) => {
      const x = pending.get(frame.readInt32BE(0))
      if (x === undefined) return
      pending.delete(x.correlationId)
      const r = new Reader(frame)
      readResponseHeader(r, x.apiKey, x.apiVersion)
      x.response = frame.subarray(r.pos)
      for (const w of this.#waiters) w()
    })
    client.on('data', (d: Buffer) => {
      fromClient(d)
      upstream.write(d)
    })
    upstream.on('data', (d: Buffer) => {
      fromBroker(d)
      client.write(d)
    })
    const end = (): void => {
      client.destroy()
      upstream.destroy()
      this.#sockets.delete(client)
      this.#sockets.delete(upstream)
    }
    client.on('close', end)
    upstream.on('close', end)
    client.on('error', end)
    upstream.on('error', end)
  }
}
