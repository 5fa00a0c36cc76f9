import { createServer, type Server, type Socket } from 'node:net'
import type { BufferPool } from '../common/buffer-pool.ts'
import type { Logger } from '../common/log.ts'
import type { Scheduler } from '../common/scheduler.ts'
import { Connection } from './connection.ts'
import type { Dispatcher } from './dispatcher.ts'
import type { BrokerServices } from './services.ts'

export interface ListenerOptions {
  name: string
  host: string
  port: number
  dispatcher: Dispatcher
  services: BrokerServices
  scheduler: Scheduler
  logger: Logger
  requestMaxBytes: number
  inFlightRequestsMax: number
  idleMsMax: number
  /** Shared by the listener's connections for large Produce frames. */
  framePool?: BufferPool
}

/** One listener (`NAME://host:port`): accepts connections and owns them until they close. */
export class Listener {
  readonly name: string
  readonly #o: ListenerOptions
  readonly #server: Server
  readonly #connections = new Set<Connection>()
  readonly #log: Logger
  #nextId = 0
  #port = -1

  constructor(o: ListenerOptions) {
    this.#o = o
    this.name = o.name
    this.#log = o.logger.child({ component: 'listener', listener: o.name })
    this.#server = createServer({ noDelay: true }, (socket) => this.#accept(socket))
  }

  get port(): number {
    return this.#port
  }

  get host(): string {
    return this.#o.host
  }

  get connectionCount(): number {
    return this.#connections.size
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject)
      this.#server.listen({ host: this.#o.host === '' ? undefined : this.#o.host, port: this.#o.port }, () => {
        this.#server.off('error', reject)
        const addr = this.#server.address()
        this.#port = typeof addr === 'object' && addr !== null ? addr.port : this.#o.port
        this.#log.info({ host: this.#o.host, port: this.#port }, 'listening')
        resolve()
      })
    })
  }

  #accept(socket: Socket): void {
    const connection = new Connection({
      socket,
      connectionId: `${this.name}-${this.#nextId++}`,
      listenerName: this.name,
      dispatcher: this.#o.dispatcher,
      services: this.#o.services,
      logger: this.#log,
      scheduler: this.#o.scheduler,
      requestMaxBytes: this.#o.requestMaxBytes,
      inFlightRequestsMax: this.#o.inFlightRequestsMax,
      idleMsMax: this.#o.idleMsMax,
      ...(this.#o.framePool !== undefined ? { framePool: this.#o.framePool } : {}),
      onClose: (c) => this.#connections.delete(c),
    })
    this.#connections.add(connection)
  }

  /** Stops accepting; then closes every connection once it has no request in flight (or at the deadline). */
  async close(drainMsMax: number): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()))
    const deadline = Date.now() + drainMsMax
    for (const c of this.#connections) c.stopWaiting()
    while (this.#connections.size > 0 && Date.now() < deadline) {
      for (const c of this.#connections) if (c.isIdle) c.close('broker shutting down', 'debug')
      if (this.#connections.size === 0) break
      await new Promise((r) => setTimeout(r, 10))
    }
    for (const c of this.#connections) c.close('broker shutting down', 'debug')
    await closed
  }
}
