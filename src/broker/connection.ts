import type { Socket } from 'node:net'
import type { BufferPool } from '../common/buffer-pool.ts'
import type { Logger } from '../common/log.ts'
import type { Scheduler } from '../common/scheduler.ts'
import { ErrorCode } from '../protocol/error-codes.ts'
import { ApiKey } from '../protocol/generated/api-message-types.ts'
import { encodeApiVersionsResponse } from '../protocol/generated/api-versions.ts'
import {
  type RequestHeader,
  readRequestHeader,
  readRequestHeaderTags,
  writeResponseHeader,
} from '../protocol/headers.ts'
import { Reader } from '../protocol/primitives/reader.ts'
import { Writer } from '../protocol/primitives/writer.ts'
import type { Dispatcher } from './dispatcher.ts'
import { type AnyApiHandler, NO_RESPONSE, type RequestContext } from './handler.ts'
import type { BrokerServices } from './services.ts'

export interface ConnectionOptions {
  socket: Socket
  connectionId: string
  listenerName: string
  dispatcher: Dispatcher
  services: BrokerServices
  logger: Logger
  scheduler: Scheduler
  /** socket.request.max.bytes: a larger frame closes the connection. */
  requestMaxBytes: number
  /** Requests being served at once on this connection before reading pauses. */
  inFlightRequestsMax: number
  /** connections.max.idle.ms */
  idleMsMax: number
  /** Reusable buffers for large Produce frames that arrive split over several socket reads. */
  framePool?: BufferPool
  onClose: (connection: Connection) => void
}

interface ResponseSlot {
  readonly header: RequestHeader
  done: boolean
  /** Encoded response frame, or null when the request gets no response (acks=0). */
  frame: Buffer[] | null
  /** Callbacks for when nothing refers to the response any more (RequestContext.onResponseDone). */
  onDone: (() => void)[] | null
}

const FRAME_SIZE_BYTES = 4
/** api_key, api_version and correlation_id: no request is shorter (Kafka closes such a connection too). */
const REQUEST_HEADER_BYTES_MIN = 8
/** Produce frames at least this large are assembled in pooled buffers (smaller ones are cheap to allocate). */
const POOLED_FRAME_BYTES_MIN = 64 * 1024

/**
 * One client connection: frames requests (int32 size prefix), decodes headers, hands requests to their
 * handlers, and writes responses strictly in request order although handlers run concurrently (clients
 * pipeline). Reading pauses while too many requests are in flight or the socket's write buffer is full,
 * so a slow or greedy client cannot grow our memory without bound. A malformed frame, an unknown API key
 * or an unsupported version closes this connection only, with a warn line; nobody else notices.
 */
export class Connection {
  readonly id: string
  readonly #o: ConnectionOptions
  readonly #socket: Socket
  readonly #log: Logger
  readonly #abort = new AbortController()
  readonly #clientAddress: string
  #chunks: Buffer[] = []
  #chunkBytes = 0
  #frameSize = -1
  #slots: ResponseSlot[] = []
  #inFlight = 0
  #writeBlocked = false
  #closed = false

  constructor(o: ConnectionOptions) {
    this.#o = o
    this.id = o.connectionId
    this.#socket = o.socket
    this.#clientAddress = `${o.socket.remoteAddress ?? '?'}:${o.socket.remotePort ?? 0}`
    this.#log = o.logger.child({ connId: o.connectionId, client: this.#clientAddress })
    this.#socket.setNoDelay(true)
    if (o.idleMsMax > 0) this.#socket.setTimeout(o.idleMsMax)
    this.#socket.on('data', (chunk: Buffer) => this.#onData(chunk))
    this.#socket.on('drain', () => {
      this.#writeBlocked = false
      this.#maybeResume()
    })
    this.#socket.on('timeout', () => this.close('idle connection timed out (connections.max.idle.ms)', 'debug'))
    this.#socket.on('error', (err) => this.#log.debug({ err }, 'socket error'))
    this.#socket.on('close', () => this.#onSocketClose())
  }

  get isClosed(): boolean {
    return this.#closed
  }

  /** Ends long polls early (they answer with what they have); used when the broker shuts down. */
  stopWaiting(): void {
    this.#abort.abort()
  }

  /** No request is being served or waiting to be answered. */
  get isIdle(): boolean {
    return this.#inFlight === 0 && this.#slots.length === 0
  }

  /** Closes the connection, abandoning unanswered requests (their handlers see the abort signal). */
  close(reason: string, level: 'warn' | 'info' | 'debug' = 'warn'): void {
    if (this.#closed) return
    this.#log[level]({ reason }, 'closing connection')
    this.#closed = true
    this.#abort.abort()
    this.#socket.destroy()
  }

  #onSocketClose(): void {
    this.#closed = true
    this.#abort.abort()
    this.#chunks = []
    // Answered responses that were never written: nothing will refer to them.
    for (const slot of this.#slots) if (slot.done) this.#responseDone(slot)
    this.#slots = []
    this.#o.onClose(this)
  }

  #onData(chunk: Buffer): void {
    if (this.#closed) return
    this.#chunks.push(chunk)
    this.#chunkBytes += chunk.length
    this.#parseFrames()
  }

  /** A fault while framing is this connection's alone: it is closed and logged, the broker goes on. */
  #parseFrames(): void {
    try {
      this.#parseFramesUnguarded()
    } catch (err) {
      this.#log.error({ err }, 'framing failed')
      this.close('framing failed')
    }
  }

  #parseFramesUnguarded(): void {
    for (;;) {
      if (this.#closed) return
      if (this.#isReadPaused()) {
        // Let TCP push back on the client instead of buffering its requests here.
        if (!this.#socket.isPaused()) this.#socket.pause()
        return
      }
      if (this.#frameSize < 0) {
        if (this.#chunkBytes < FRAME_SIZE_BYTES) return
        const size = this.#take(FRAME_SIZE_BYTES).readInt32BE(0)
        if (size < REQUEST_HEADER_BYTES_MIN || size > this.#o.requestMaxBytes) {
          this.close(
            `request size ${size} outside ${REQUEST_HEADER_BYTES_MIN}..${this.#o.requestMaxBytes} (shorter than a request header, or above socket.request.max.bytes)`,
          )
          return
        }
        this.#frameSize = size
      }
      if (this.#chunkBytes < this.#frameSize) return
      const size = this.#frameSize
      this.#frameSize = -1
      // A large Produce frame spread over several reads is assembled in a recycled buffer, returned to
      // the pool once the request is answered (the log has written its batches by then).
      const pool = this.#o.framePool
      if (
        pool !== undefined &&
        size >= POOLED_FRAME_BYTES_MIN &&
        this.#chunks[0]!.length < size &&
        this.#peekApiKey() === ApiKey.Produce
      ) {
        const pooled = pool.acquire(size)
        this.#onFrame(this.#take(size, pooled.bytes), pooled.release)
      } else {
        this.#onFrame(this.#take(size))
      }
    }
  }

  /** The API key at the start of the buffered frame (its first two bytes, possibly split over chunks). */
  #peekApiKey(): number {
    const first = this.#chunks[0]!
    if (first.length >= 2) return first.readInt16BE(0)
    return (((first[0]! << 8) | this.#chunks[1]![0]!) << 16) >> 16
  }

  /**
   * Removes and returns the next n bytes, without copying when they lie in one chunk (and no `into`
   * buffer is given); otherwise copies them into `into` or a new buffer.
   */
  #take(n: number, into?: Buffer): Buffer {
    const first = this.#chunks[0]!
    if (first.length >= n && into === undefined) {
      const out = first.subarray(0, n)
      if (first.length === n) this.#chunks.shift()
      else this.#chunks[0] = first.subarray(n)
      this.#chunkBytes -= n
      return out
    }
    const out = into ?? Buffer.allocUnsafe(n)
    let filled = 0
    while (filled < n) {
      const c = this.#chunks[0]!
      const want = n - filled
      if (c.length <= want) {
        c.copy(out, filled)
        filled += c.length
        this.#chunks.shift()
      } else {
        c.copy(out, filled, 0, want)
        this.#chunks[0] = c.subarray(want)
        filled += want
      }
    }
    this.#chunkBytes -= n
    return out
  }

  #isReadPaused(): boolean {
    return this.#writeBlocked || this.#inFlight >= this.#o.inFlightRequestsMax
  }

  #maybeResume(): void {
    if (this.#closed) return
    if (!this.#isReadPaused()) {
      if (this.#socket.isPaused()) this.#socket.resume()
      this.#parseFrames()
    }
  }

  #onFrame(frame: Buffer, release?: () => void): void {
    const r = new Reader(frame)
    let header: RequestHeader
    try {
      header = readRequestHeader(r)
    } catch (err) {
      release?.()
      this.close(`malformed request header: ${(err as Error).message}`)
      return
    }
    if (!this.#serveFrame(r, header, release)) release?.()
  }

  /** Serves a decoded frame; returns false (having closed the connection) when it cannot be served. */
  #serveFrame(r: Reader, header: RequestHeader, release?: () => void): boolean {
    const handler = this.#o.dispatcher.handlerFor(header.apiKey)
    if (handler === undefined) {
      this.close(`unknown API key ${header.apiKey}`)
      return false
    }
    if (header.apiVersion < handler.minVersion || header.apiVersion > handler.maxVersion) {
      if (header.apiKey === ApiKey.ApiVersions) {
        this.#answerUnsupportedApiVersions(header, handler)
        return false
      }
      this.close(
        `unsupported version ${header.apiVersion} of ${handler.name} (serving ${handler.minVersion}-${handler.maxVersion})`,
      )
      return false
    }
    let request: unknown
    try {
      readRequestHeaderTags(r, header)
      request = handler.decodeRequest(r, header.apiVersion)
    } catch (err) {
      this.close(`malformed ${handler.name} v${header.apiVersion} request: ${(err as Error).message}`)
      return false
    }
    this.#serve(header, handler, request, release)
    return true
  }

  /**
   * KIP-511: a client asking ApiVersions at a version we lack gets a v0-shaped body with
   * UNSUPPORTED_VERSION and our ApiVersions range, and then retries with a version we serve.
   */
  #answerUnsupportedApiVersions(header: RequestHeader, handler: AnyApiHandler): void {
    const slot: ResponseSlot = { header, done: true, frame: null, onDone: null }
    const w = new Writer(64)
    w.writeInt32(0)
    writeResponseHeader(w, header.apiKey, 0, header.correlationId)
    encodeApiVersionsResponse(w, 0, {
      errorCode: ErrorCode.UNSUPPORTED_VERSION,
      apiKeys: [{ apiKey: ApiKey.ApiVersions, minVersion: handler.minVersion, maxVersion: handler.maxVersion }],
      throttleTimeMs: 0,
      supportedFeatures: [],
      finalizedFeaturesEpoch: -1,
      finalizedFeatures: [],
      zkMigrationReady: false,
    })
    slot.frame = this.#finishFrame(w)
    this.#slots.push(slot)
    this.#flush()
  }

  #serve(header: RequestHeader, handler: AnyApiHandler, request: unknown, releaseFrame?: () => void): void {
    const slot: ResponseSlot = { header, done: false, frame: null, onDone: null }
    this.#slots.push(slot)
    this.#inFlight++
    const ctx: RequestContext = {
      header,
      apiVersion: header.apiVersion,
      clientId: header.clientId,
      connectionId: this.id,
      clientAddress: this.#clientAddress,
      listenerName: this.#o.listenerName,
      logger: this.#log,
      scheduler: this.#o.scheduler,
      services: this.#o.services,
      signal: this.#abort.signal,
      closeConnection: (reason: string) => this.close(reason),
      onResponseDone: (callback: () => void) => {
        slot.onDone ??= []
        slot.onDone.push(callback)
      },
    }
    let pending: unknown
    try {
      pending = handler.handle(ctx, request)
    } catch (err) {
      pending = Promise.reject(err)
    }
    Promise.resolve(pending)
      .catch((err: unknown) => {
        if (this.#closed) return NO_RESPONSE
        this.#log.error({ err, apiKey: header.apiKey, apiVersion: header.apiVersion }, 'request failed unexpectedly')
        return handler.errorResponse(request, ErrorCode.UNKNOWN_SERVER_ERROR, header.apiVersion)
      })
      .then((response: unknown) => {
        // The request is answered: nothing refers to its frame any more.
        releaseFrame?.()
        this.#inFlight--
        if (this.#closed) {
          this.#responseDone(slot)
          return
        }
        if (response !== NO_RESPONSE) {
          const w = new Writer(256)
          w.writeInt32(0)
          writeResponseHeader(w, header.apiKey, header.apiVersion, header.correlationId)
          handler.encodeResponse(w, header.apiVersion, response)
          slot.frame = this.#finishFrame(w)
        }
        slot.done = true
        this.#flush()
        this.#maybeResume()
      })
      .catch((err: unknown) => {
        this.#log.error({ err, apiKey: header.apiKey }, 'could not encode response')
        this.close('response encoding failed', 'warn')
        this.#responseDone(slot)
      })
  }

  #responseDone(slot: ResponseSlot): void {
    const callbacks = slot.onDone
    if (callbacks === null) return
    slot.onDone = null
    for (const callback of callbacks) {
      try {
        callback()
      } catch (err) {
        this.#log.error({ err }, 'response completion callback failed')
      }
    }
  }

  /** Fills in the size prefix reserved at the start of the writer. */
  #finishFrame(w: Writer): Buffer[] {
    const total = w.length
    const chunks = w.toChunks()
    chunks[0]!.writeInt32BE(total - FRAME_SIZE_BYTES, 0)
    return chunks
  }

  /** Writes every finished response at the head of the queue, keeping request order. */
  #flush(): void {
    if (this.#slots.length === 0 || !this.#slots[0]!.done) return
    this.#socket.cork()
    while (this.#slots.length > 0 && this.#slots[0]!.done) {
      const slot = this.#slots.shift()!
      if (slot.frame === null) {
        this.#responseDone(slot)
        continue
      }
      const last = slot.frame.length - 1
      for (let i = 0; i <= last; i++) {
        // The socket holds the chunks (record data among them) until the last one's write completes.
        const written = i === last && slot.onDone !== null ? () => this.#responseDone(slot) : undefined
        if (!this.#socket.write(slot.frame[i]!, written)) this.#writeBlocked = true
      }
    }
    this.#socket.uncork()
    if (this.#writeBlocked && !this.#socket.isPaused()) this.#socket.pause()
  }
}
