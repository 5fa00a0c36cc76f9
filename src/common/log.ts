import { pino } from 'pino'

/**
 * Structured logging (pino). One root logger is built by server/; every module takes
 * `logger.child({ component })` and adds bindings (topic, partition, connId...). Messages are constant
 * strings; variables go in fields. Secrets never reach a logger.
 */
export type Logger = pino.Logger

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'

export interface LoggerOptions {
  level?: LogLevel
  /** Where lines go; defaults to stdout. */
  destination?: NodeJS.WritableStream
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info'
  if (options.destination !== undefined) {
    return pino({ level, base: { name: 'samsa' } }, options.destination as pino.DestinationStream)
  }
  return pino({ level, base: { name: 'samsa' } })
}

/** A logger that drops everything (unit tests, embedded brokers that asked for silence). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' })
}
