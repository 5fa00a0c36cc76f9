import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLogger, type Logger, type LogLevel } from '../common/log.ts'
import { BrokerConfig } from './config.ts'
import { BrokerNode } from './node.ts'

export interface StartBrokerOptions {
  /** Port of the PLAINTEXT listener; 0 (the default) picks a free port. */
  port?: number
  /** Interface to listen on; 127.0.0.1 by default. */
  host?: string
  /** Data directory; a fresh temporary directory (removed by close()) when omitted. */
  dataDir?: string
  /** Any other broker properties, by Kafka name (e.g. { 'num.partitions': '3' }). */
  config?: Record<string, string>
  /** Log level of the broker's own log lines; 'silent' by default when embedded. */
  logLevel?: LogLevel
  logger?: Logger
}

export interface EmbeddedBroker {
  /** host:port for a client's bootstrap servers. */
  readonly bootstrap: string
  readonly host: string
  readonly port: number
  readonly dataDir: string
  /** Shuts the broker down (gracefully) and removes a temporary data directory. */
  close(): Promise<void>
}

/**
 * Starts a Samsa broker inside this process, for a Node test suite that needs a real Kafka-compatible
 * broker without Docker or a JVM:
 *
 *   const broker = await startBroker()
 *   const kafka = new Kafka({ brokers: [broker.bootstrap] })
 *   ...
 *   await broker.close()
 */
export async function startBroker(options: StartBrokerOptions = {}): Promise<EmbeddedBroker> {
  const host = options.host ?? '127.0.0.1'
  const port = options.port ?? 0
  const temporary = options.dataDir === undefined
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'samsa-')))
  const props = new Map<string, string>([
    ['listeners', `PLAINTEXT://${host}:${port}`],
    ['log.dirs', dataDir],
    ['group.initial.rebalance.delay.ms', '0'],
  ])
  for (const [k, v] of Object.entries(options.config ?? {})) props.set(k, v)
  const config = BrokerConfig.from(props)
  const logger = options.logger ?? createLogger({ level: options.logLevel ?? 'silent' })
  let node: BrokerNode
  try {
    node = await BrokerNode.start({ config, logger })
  } catch (err) {
    if (temporary) await rm(dataDir, { recursive: true, force: true })
    throw err
  }
  const bound = node.boundListeners[0]!
  let closing: Promise<void> | null = null
  return {
    bootstrap: `${host}:${bound.port}`,
    host,
    port: bound.port,
    dataDir,
    close() {
      closing ??= (async () => {
        await node.shutdown()
        if (temporary) await rm(dataDir, { recursive: true, force: true })
      })()
      return closing
    },
  }
}
