import type { Command } from 'commander'
import { Consumer, type ConsumerRecord, type OffsetStart } from '../../client/consumer.ts'
import { type ConnectionFlags, parseIntFlag, withBootstrap } from './common.ts'

interface ConsumeFlags extends ConnectionFlags {
  partition?: string
  offset?: string
  fromBeginning?: boolean
  maxMessages?: string
  timeoutMs?: string
  json?: boolean
  printKey?: boolean
  printHeaders?: boolean
  keySeparator: string
  isolationLevel: string
}

function startFrom(flags: ConsumeFlags): OffsetStart {
  if (flags.offset !== undefined) {
    if (flags.offset === 'earliest' || flags.offset === 'latest') return flags.offset
    if (flags.offset.startsWith('@')) return { timestamp: parseIntFlag('--offset @timestamp', flags.offset.slice(1)) }
    return parseIntFlag('--offset', flags.offset)
  }
  return flags.fromBeginning === true ? 'earliest' : 'latest'
}

function render(r: ConsumerRecord, flags: ConsumeFlags): string {
  if (flags.json === true) {
    return JSON.stringify({
      topic: r.topic,
      partition: r.partition,
      offset: r.offset,
      timestamp: r.timestamp,
      key: r.key?.toString('utf8') ?? null,
      value: r.value?.toString('utf8') ?? null,
      headers: Object.fromEntries(r.headers.map((h) => [h.key, h.value?.toString('utf8') ?? null])),
    })
  }
  const parts: string[] = []
  if (flags.printHeaders === true)
    parts.push(r.headers.map((h) => `${h.key}:${h.value?.toString('utf8') ?? 'NULL'}`).join(',') || 'NO_HEADERS')
  if (flags.printKey === true) parts.push(r.key?.toString('utf8') ?? 'null')
  parts.push(r.value?.toString('utf8') ?? 'null')
  return parts.join(flags.keySeparator)
}

export function registerConsumeCommand(program: Command): void {
  withBootstrap(program.command('consume <topic>'))
    .description('print records of a topic (all partitions, or one), like kafka-console-consumer without a group')
    .option('-p, --partition <n>', 'only this partition')
    .option('-o, --offset <offset>', 'start at an offset, earliest, latest, or @<timestamp ms>')
    .option('--from-beginning', 'start at the earliest offset (default: latest)')
    .option('-n, --max-messages <n>', 'exit after this many records')
    .option('--timeout-ms <ms>', 'exit when no record arrives for this long')
    .option('--json', 'print each record as JSON (topic, partition, offset, timestamp, key, value, headers)')
    .option('--print-key', 'print keys')
    .option('--print-headers', 'print headers')
    .option('--key-separator <sep>', 'separator between printed fields', '\t')
    .option('--isolation-level <level>', 'read_uncommitted or read_committed', 'read_uncommitted')
    .action(async (topic: string, flags: ConsumeFlags) => {
      if (flags.isolationLevel !== 'read_uncommitted' && flags.isolationLevel !== 'read_committed') {
        throw new Error('--isolation-level must be read_uncommitted or read_committed')
      }
      const consumer = new Consumer({
        bootstrapServers: flags.bootstrapServer,
        clientId: 'samsa-cli',
        isolationLevel: flags.isolationLevel,
        autoOffsetReset: 'earliest',
      })
      await consumer.connect()
      const from = startFrom(flags)
      if (flags.partition !== undefined)
        consumer.assign([{ topic, partition: parseIntFlag('--partition', flags.partition), offset: from }])
      else await consumer.assignAll(topic, from)
      const max =
        flags.maxMessages !== undefined ? parseIntFlag('--max-messages', flags.maxMessages) : Number.POSITIVE_INFINITY
      const timeoutMs =
        flags.timeoutMs !== undefined ? parseIntFlag('--timeout-ms', flags.timeoutMs) : Number.POSITIVE_INFINITY
      let seen = 0
      let stopping = false
      const stop = (): void => {
        stopping = true
      }
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
      let idleSince = Date.now()
      try {
        while (!stopping && seen < max) {
          const records = await consumer.poll({ maxWaitMs: Math.min(500, timeoutMs) })
          if (records.length === 0) {
            if (Date.now() - idleSince >= timeoutMs) break
            continue
          }
          idleSince = Date.now()
          const out: string[] = []
          for (const r of records) {
            if (seen >= max) break
            out.push(render(r, flags))
            seen++
          }
          process.stdout.write(`${out.join('\n')}\n`)
        }
      } finally {
        await consumer.close()
      }
      console.error(`Processed a total of ${seen} messages`)
    })
}
