import { connect as netConnect, type Socket } from 'node:net'
import { ProtocolDecodeError } from '../common/errors.ts'
import { type Scheduler, SystemScheduler, type Timer } from '../common/scheduler.ts'
import { ErrorCode } from '../protocol/error-codes.ts'
import { ApiKey } from '../protocol/generated/api-message-types.ts'
import {
  type ApiVersionsResponse,
  decodeApiVersionsResponse,
  encodeApiVersionsRequest,
} from '../protocol/generated/api-versions.ts'
import { readResponseHeader, writeRequestHeader } from '../protocol/headers.ts'
import { Reader } from '../protocol/primitives/reader.ts'
import { Writer } from '../protocol/primitives/writer.ts'
import {
  ClientClosedError,
  ClientConnectionError,
  ClientTimeoutError,
  KafkaResponseError,
  UnsupportedVersionError,
} from './errors.ts'

/** Reported to brokers in ApiVersions v3+ (KIP-511); must match [a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?. */
export const CLIENT_SOFTWARE_NAME = 'samsa'
export const CLIENT_SOFTWARE_VERSION = '0.1.0'
/** The ApiVersions version tried first; older brokers answer UNSUPPORTED_VERSION and we step down. */
const API_VERSIONS_VERSION_MAX = 3

export interface BrokerConnectionOptions {
  host: string
  port: number
  /** client.id in every request header. */
  clientId?: string
  /** Time to open the socket and finish the ApiVersions handshake. Default 10000. */
  connectTimeoutMs?: number
  /** Default per-request timeout. Default 30000. */
  requestTimeoutMs?: number
  /** A response frame larger than this closes the connection. Default 100 MiB (Kafka's socket.request.max.bytes). */
  responseBytesMax?: number
  /** Requests awaiting a response; one more is refused. Default 1024. */
  inFlightRequestsMax?: number
  /** Send ApiVersions on connect (default true). Without it, versionFor() knows no ranges. */
  negotiateVersions?: boolean
  scheduler?: Scheduler
  /** Called once when the socket closes, with the error that closed it (null after close()). */
  onClose?: (err: Error | null) => void
}

export interface RequestOptions {
  /** Overrides the connection's request timeout (e.g. Fetch adds its long-poll wait). */
  timeoutMs?: number
}

export interface ApiVersionRange {
  minVersion: number
  maxVersion: number
}

interface Pending {
  readonly apiKey: number
  readonly version: number
  readonly decode: (r: Reader, version: number) => unknown
  readonly resolve: (value: unknown) => void
  readonly reject: (err: Error) => void
  timer: Timer | null
}

const FRAME_SIZE_BYTES = 4
const TIMED_OUT_IDS_MAX = 1024
const INT32_MAX = 0x7fffffff

/**
 * One TCP connection to one broker. Requests are pipelined: each gets a correlation id and is written at
 * once (header and body framed in one go, record sets as their own chunks, all inside cork/uncork), and
 * each response is matched back to its request by correlation id. A request that times out is rejected
 * but the connection stays open; its late response is recognised and dropped. When the socket closes,
 * every pending request rejects with a ClientConnectionError (or ClientClosedError after close()).
 */
export class BrokerConnection {
  readonly host: string
  readonly port: number
  readonly address: string
  readonly clientId: string | null
  readonly #socket: Socket
  readonly #scheduler: Scheduler
  readonly #requestTimeoutMs: number
  readonly #responseBytesMax: number
  readonly #inFlightRequestsMax: number
  readonly #onClose: ((err: Error | null) => void) | undefined
  readonly #pending = new Map<number, Pending>()
  /** Correlation ids whose request timed out: their response may still come and is then ignored. */
  readonly #timedOutIds = new Set<number>()
  #versions = new Map<number, ApiVersionRange>()
  #nextCorrelationId = 0
  #closed = false
  // Frame assembly: the size prefix may straddle chunks, and a large frame is copied into one buffer.
  readonly #sizeBytes = Buffer.alloc(FRAME_SIZE_BYTES)
  #sizeFilled = 0
  #frame: Buffer | null = null
  #frameFilled = 0

  private constructor(socket: Socket, options: BrokerConnectionOptions) {
    this.host = options.host
    this.port = options.port
    this.address = `${options.host}:${options.port}`
    this.clientId = options.clientId ?? null
    this.#socket = socket
    this.#scheduler = options.scheduler ?? new SystemScheduler()
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 30_000
    this.#responseBytesMax = options.responseBytesMax ?? 100 * 1024 * 1024
    this.#inFlightRequestsMax = options.inFlightRequestsMax ?? 1024
    this.#onClose = options.onClose
    socket.on('data', (chunk: Buffer) => this.#onData(chunk))
    socket.on('error', (err) => this.#destroy(new ClientConnectionError(this.address, err.message, { cause: err })))
    socket.on('close', () => this.#destroy(new ClientConnectionError(this.address, 'connection closed by the broker')))
  }

  /** Opens a connection and (unless disabled) negotiates API versions with the broker. */
  static async connect(options: BrokerConnectionOptions): Promise<BrokerConnection> {
    const scheduler = options.scheduler ?? new SystemScheduler()
    const connectTimeoutMs = options.connectTimeoutMs ?? 10_000
    const address = `${options.host}:${options.port}`
    const socket = await openSocket(options.host, options.port, connectTimeoutMs, scheduler)
    const conn = new BrokerConnection(socket, { ...options, scheduler })
    if (options.negotiateVersions === false) return conn
    try {
      await conn.#negotiateVersions(connectTimeoutMs)
    } catch (err) {
      conn.close()
      if (err instanceof ClientTimeoutError) throw new ClientTimeoutError(`${address}: ApiVersions handshake timed out`)
      throw err
    }
    return conn
  }

  get isClosed(): boolean {
    return this.#closed
  }

  /** Requests awaiting their response. */
  get inFlightRequests(): number {
    return this.#pending.size
  }

  /** The broker's advertised range per API key (empty without negotiation). */
  get apiVersions(): ReadonlyMap<number, ApiVersionRange> {
    return this.#versions
  }

  /**
   * The version to use for `apiKey`: min(clientMax, broker max). Throws UnsupportedVersionError when the
   * broker does not serve the API, or when that version is below the broker's or the client's minimum.
   */
  versionFor(apiKey: number, clientMax: number, clientMin = 0): number {
    const range = this.#versions.get(apiKey)
    if (range === undefined) {
      throw new UnsupportedVersionError(apiKey, `${this.address} does not support API key ${apiKey}`)
    }
    const version = Math.min(clientMax, range.maxVersion)
    if (version < range.minVersion || version < clientMin) {
      throw new UnsupportedVersionError(
        apiKey,
        `${this.address} serves API key ${apiKey} at versions ${range.minVersion}-${range.maxVersion}, ` +
          `this client at ${clientMin}-${clientMax}`,
      )
    }
    return version
  }

  /** Sends a request that gets no response (Produce with acks=0); resolves once written to the socket. */
  request(
    apiKey: number,
    version: number,
    encodeBody: (w: Writer, version: number) => void,
    decodeBody: null,
    options: RequestOptions & { expectResponse: false },
  ): Promise<undefined>
  /** Sends a request and resolves with its decoded response body. */
  request<Res>(
    apiKey: number,
    version: number,
    encodeBody: (w: Writer, version: number) => void,
    decodeBody: (r: Reader, version: number) => Res,
    options?: RequestOptions & { expectResponse?: true },
  ): Promise<Res>
  request<Res>(
    apiKey: number,
    version: number,
    encodeBody: (w: Writer, version: number) => void,
    decodeBody: ((r: Reader, version: number) => Res) | null,
    options: RequestOptions & { expectResponse?: boolean } = {},
  ): Promise<Res | undefined> {
    if (this.#closed) return Promise.reject(new ClientClosedError(`connection to ${this.address} is closed`))
    if (this.#pending.size >= this.#inFlightRequestsMax) {
      return Promise.reject(
        new ClientConnectionError(this.address, `more than ${this.#inFlightRequestsMax} requests in flight`),
      )
    }
    const correlationId = this.#nextCorrelationId
    this.#nextCorrelationId = this.#nextCorrelationId === INT32_MAX ? 0 : this.#nextCorrelationId + 1
    let chunks: Buffer[]
    try {
      chunks = frameRequest(apiKey, version, correlationId, this.clientId, encodeBody)
    } catch (err) {
      return Promise.reject(err)
    }
    if (options.expectResponse === false || decodeBody === null) {
      return new Promise<undefined>((resolve, reject) => {
        this.#write(chunks, (err) => {
          if (err) reject(new ClientConnectionError(this.address, err.message, { cause: err }))
          else resolve(undefined)
        })
      })
    }
    return new Promise<Res>((resolve, reject) => {
      const pending: Pending = {
        apiKey,
        version,
        decode: decodeBody,
        resolve: resolve as (value: unknown) => void,
        reject,
        timer: null,
      }
      const timeoutMs = options.timeoutMs ?? this.#requestTimeoutMs
      pending.timer = this.#scheduler.schedule(timeoutMs, () => this.#onTimeout(correlationId, timeoutMs))
      this.#pending.set(correlationId, pending)
      this.#write(chunks, undefined)
    })
  }

  /** Closes the socket; every pending request rejects with ClientClosedError. Idempotent. */
  close(): void {
    this.#destroy(null)
  }

  #write(chunks: Buffer[], onWritten: ((err?: Error | null) => void) | undefined): void {
    const socket = this.#socket
    socket.cork()
    const last = chunks.length - 1
    for (let i = 0; i < last; i++) socket.write(chunks[i]!)
    socket.write(chunks[last]!, onWritten)
    socket.uncork()
  }

  #onTimeout(correlationId: number, timeoutMs: number): void {
    const pending = this.#pending.get(correlationId)
    if (pending === undefined) return
    this.#pending.delete(correlationId)
    this.#timedOutIds.add(correlationId)
    pending.reject(
      new ClientTimeoutError(
        `${this.address}: no response to API key ${pending.apiKey} v${pending.version} within ${timeoutMs} ms`,
      ),
    )
    // A broker that stopped answering altogether: give up on the connection rather than remember forever.
    if (this.#timedOutIds.size > TIMED_OUT_IDS_MAX) {
      this.#destroy(new ClientTimeoutError(`${this.address}: more than ${TIMED_OUT_IDS_MAX} requests timed out`))
    }
  }

  #onData(chunk: Buffer): void {
    let pos = 0
    while (pos < chunk.length && !this.#closed) {
      if (this.#frame === null) {
        let size: number
        if (this.#sizeFilled === 0 && chunk.length - pos >= FRAME_SIZE_BYTES) {
          size = chunk.readInt32BE(pos)
          pos += FRAME_SIZE_BYTES
        } else {
          const n = Math.min(FRAME_SIZE_BYTES - this.#sizeFilled, chunk.length - pos)
          chunk.copy(this.#sizeBytes, this.#sizeFilled, pos, pos + n)
          this.#sizeFilled += n
          pos += n
          if (this.#sizeFilled < FRAME_SIZE_BYTES) return
          this.#sizeFilled = 0
          size = this.#sizeBytes.readInt32BE(0)
        }
        if (size < FRAME_SIZE_BYTES || size > this.#responseBytesMax) {
          this.#destroy(
            new ClientConnectionError(
              this.address,
              `response frame of ${size} bytes (limit ${this.#responseBytesMax})`,
            ),
          )
          return
        }
        if (chunk.length - pos >= size) {
          // The whole frame is in this chunk: decode from a view, no copy.
          this.#onFrame(chunk.subarray(pos, pos + size))
          pos += size
          continue
        }
        this.#frame = Buffer.allocUnsafe(size)
        this.#frameFilled = 0
      }
      const frame = this.#frame
      const n = Math.min(frame.length - this.#frameFilled, chunk.length - pos)
      chunk.copy(frame, this.#frameFilled, pos, pos + n)
      this.#frameFilled += n
      pos += n
      if (this.#frameFilled === frame.length) {
        this.#frame = null
        this.#onFrame(frame)
      }
    }
  }

  #onFrame(frame: Buffer): void {
    const correlationId = frame.readInt32BE(0)
    const pending = this.#pending.get(correlationId)
    if (pending === undefined) {
      if (this.#timedOutIds.delete(correlationId)) return
      this.#destroy(new ClientConnectionError(this.address, `response with unknown correlation id ${correlationId}`))
      return
    }
    this.#pending.delete(correlationId)
    pending.timer?.cancel()
    let body: unknown
    try {
      const r = new Reader(frame)
      readResponseHeader(r, pending.apiKey, pending.version)
      body = pending.decode(r, pending.version)
    } catch (err) {
      pending.reject(
        err instanceof Error
          ? err
          : new ProtocolDecodeError(`cannot decode API key ${pending.apiKey} v${pending.version} response`),
      )
      return
    }
    pending.resolve(body)
  }

  #destroy(err: Error | null): void {
    if (this.#closed) return
    this.#closed = true
    this.#socket.destroy()
    const reason = err ?? new ClientClosedError(`connection to ${this.address} was closed`)
    const pending = [...this.#pending.values()]
    this.#pending.clear()
    this.#timedOutIds.clear()
    for (const p of pending) {
      p.timer?.cancel()
      p.reject(reason)
    }
    this.#onClose?.(err)
  }

  async #negotiateVersions(timeoutMs: number): Promise<void> {
    let version = API_VERSIONS_VERSION_MAX
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await this.request(
        ApiKey.ApiVersions,
        version,
        (w, v) =>
          encodeApiVersionsRequest(w, v, {
            clientSoftwareName: CLIENT_SOFTWARE_NAME,
            clientSoftwareVersion: CLIENT_SOFTWARE_VERSION,
          }),
        decodeApiVersionsOrFallback,
        { timeoutMs },
      )
      if (response.errorCode === ErrorCode.UNSUPPORTED_VERSION && version > 0) {
        // KIP-511: the broker answered in the v0 layout and lists its own ApiVersions range; retry within it.
        const own = response.apiKeys.find((k) => k.apiKey === ApiKey.ApiVersions)
        version = own === undefined ? 0 : Math.max(0, Math.min(version - 1, own.maxVersion))
        continue
      }
      if (response.errorCode !== ErrorCode.NONE) {
        throw new KafkaResponseError(response.errorCode, { resource: this.address, message: 'ApiVersions failed' })
      }
      const versions = new Map<number, ApiVersionRange>()
      for (const k of response.apiKeys) versions.set(k.apiKey, { minVersion: k.minVersion, maxVersion: k.maxVersion })
      this.#versions = versions
      return
    }
    throw new UnsupportedVersionError(ApiKey.ApiVersions, `${this.address} accepts no ApiVersions version we send`)
  }
}

/**
 * An ApiVersions response. A broker that does not know the requested version answers with a v0 body
 * (error code, then the int32-counted array), whatever version was asked: peek the error code first.
 */
function decodeApiVersionsOrFallback(r: Reader, version: number): ApiVersionsResponse {
  if (r.remaining >= 2 && r.buf.readInt16BE(r.pos) === ErrorCode.UNSUPPORTED_VERSION)
    return decodeApiVersionsResponse(r, 0)
  return decodeApiVersionsResponse(r, version)
}

/** One request frame as chunks: size prefix, header and body, with large record sets as their own chunks. */
function frameRequest(
  apiKey: number,
  version: number,
  correlationId: number,
  clientId: string | null,
  encodeBody: (w: Writer, version: number) => void,
): Buffer[] {
  const w = new Writer()
  w.writeInt32(0)
  writeRequestHeader(w, { apiKey, apiVersion: version, correlationId, clientId })
  encodeBody(w, version)
  const size = w.length - FRAME_SIZE_BYTES
  const chunks = w.toChunks()
  // The first chunk always holds the size prefix: the writer flushes its scratch buffer in order.
  chunks[0]!.writeInt32BE(size, 0)
  return chunks
}

function openSocket(host: string, port: number, timeoutMs: number, scheduler: Scheduler): Promise<Socket> {
  const address = `${host}:${port}`
  return new Promise<Socket>((resolve, reject) => {
    const socket = netConnect({ host, port, noDelay: true })
    const timer = scheduler.schedule(timeoutMs, () => {
      socket.destroy()
      reject(new ClientTimeoutError(`${address}: connection not established within ${timeoutMs} ms`))
    })
    const onError = (err: Error) => {
      timer.cancel()
      socket.destroy()
      reject(new ClientConnectionError(address, err.message, { cause: err }))
    }
    socket.once('error', onError)
    socket.once('connect', () => {
      timer.cancel()
      socket.off('error', onError)
      socket.setKeepAlive(true, 60_000)
      resolve(socket)
    })
  })
}
