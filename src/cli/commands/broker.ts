import type { Command } from 'commander'
import { SamsaError } from '../../common/errors.ts'
import { createLogger, type LogLevel } from '../../common/log.ts'
import { BrokerConfig, propertiesFromEnv } from '../../server/config.ts'
import { BrokerNode } from '../../server/node.ts'

interface BrokerFlags {
  config?: string
  listeners?: string
  advertisedListeners?: string
  dataDir?: string
  nodeId?: string
  logLevel: string
  override: string[]
}

const collect = (value: string, previous: string[]): string[] => [...previous, value]

export function registerBrokerCommand(program: Command): void {
  program
    .command('broker')
    .description('start a broker (broker and controller roles in one process) with its data under ./data')
    .option('-c, --config <file>', 'server.properties file, with Kafka property names')
    .option('--listeners <list>', 'listeners, e.g. PLAINTEXT://127.0.0.1:9092')
    .option('--advertised-listeners <list>', 'listeners published to clients')
    .option('--data-dir <dir>', 'data directory (log.dirs)')
    .option('--node-id <id>', 'node.id')
    .option('--log-level <level>', 'fatal, error, warn, info, debug or trace', process.env['SAMSA_LOG_LEVEL'] ?? 'info')
    .option('-o, --override <key=value>', 'any broker property; repeatable', collect, [])
    .action(async (flags: BrokerFlags) => {
      const overrides = new Map<string, string>()
      for (const kv of flags.override) {
        const eq = kv.indexOf('=')
        if (eq <= 0) throw new Error(`--override expects key=value, got ${kv}`)
        overrides.set(kv.slice(0, eq), kv.slice(eq + 1))
      }
      if (flags.listeners !== undefined) overrides.set('listeners', flags.listeners)
      if (flags.advertisedListeners !== undefined) overrides.set('advertised.listeners', flags.advertisedListeners)
      if (flags.dataDir !== undefined) overrides.set('log.dirs', flags.dataDir)
      if (flags.nodeId !== undefined) overrides.set('node.id', flags.nodeId)
      const logger = createLogger({ level: flags.logLevel as LogLevel })
      let config: BrokerConfig
      try {
        const env = propertiesFromEnv(process.env)
        config =
          flags.config !== undefined
            ? await BrokerConfig.fromFile(flags.config, env, overrides)
            : BrokerConfig.from(env, overrides)
      } catch (err) {
        if (err instanceof SamsaError) {
          logger.fatal({ code: err.code }, err.message)
          console.error(`samsa: ${err.message}`)
          process.exitCode = 2
          return
        }
        throw err
      }
      const node = await BrokerNode.start({ config, logger })
      let signals = 0
      const stop = (signal: string): void => {
        signals++
        if (signals > 1) {
          logger.warn({ signal }, 'second signal: exiting without a clean shutdown')
          process.exit(1)
        }
        logger.info({ signal }, 'shutdown requested')
        node.shutdown().then(
          () => process.exit(0),
          (err: unknown) => {
            logger.error({ err }, 'shutdown failed')
            process.exit(1)
          },
        )
      }
      process.on('SIGINT', () => stop('SIGINT'))
      process.on('SIGTERM', () => stop('SIGTERM'))
    })
}
