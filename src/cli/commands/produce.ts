import { createInterface } from 'node:readline'
import type { Command } from 'commander'
import { type Acks, type CompressionName, Producer, type ProducerMessage } from '../../client/producer.ts'
import { type ConnectionFlags, collect, keyValues, parseIntFlag, withBootstrap } from './common.ts'

interface ProduceFlags extends ConnectionFlags {
  keySeparator?: string
  header: string[]
  partition?: string
  compression: string
  acks: string
  lingerMs: string
  json?: boolean
  value?: string
  key?: string
}

const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd']

/** One input line as a record: JSON {key, value, headers, partition, timestamp}, or text with an optional key. */
function parseLine(
  line: string,
  flags: ProduceFlags,
  headers: Record<string, string>,
  partition: number | undefined,
): ProducerMessage {
  if (flags.json === true) {
    const o = JSON.parse(line) as {
      key?: string | null
      value?: string | null
      headers?: Record<string, string>
      partition?: number
      timestamp?: number
    }
    return {
      key: o.key ?? null,
      value: o.value ?? null,
      headers: { ...headers, ...(o.headers ?? {}) },
      ...(o.partition !== undefined ? { partition: o.partition } : partition !== undefined ? { partition } : {}),
      ...(o.timestamp !== undefined ? { timestamp: o.timestamp } : {}),
    }
  }
  let key: string | null = flags.key ?? null
  let value = line
  if (flags.keySeparator !== undefined) {
    const at = line.indexOf(flags.keySeparator)
    if (at < 0) throw new Error(`No key separator "${flags.keySeparator}" in line: ${line}`)
    key = line.slice(0, at)
    value = line.slice(at + flags.keySeparator.length)
  }
  return { key, value, headers, ...(partition !== undefined ? { partition } : {}) }
}

export function registerProduceCommand(program: Command): void {
  withBootstrap(program.command('produce <topic>'))
    .description('produce records: one per line of standard input (or --value), like kafka-console-producer')
    .option('-k, --key-separator <sep>', 'each line is key<sep>value')
    .option('--key <key>', 'the key of every record')
    .option('--value <value>', 'produce this one record instead of reading standard input')
    .option('-H, --header <key=value>', 'a header on every record; repeatable', collect, [])
    .option('-p, --partition <n>', 'send every record to this partition')
    .option('-z, --compression <codec>', `one of ${COMPRESSIONS.join(', ')}`, 'none')
    .option('--acks <acks>', '-1 (all), 1 or 0', '-1')
    .option('--linger-ms <ms>', 'how long a batch may wait for more records', '5')
    .option(
      '--json',
      'input lines are JSON {"key","value","headers","partition","timestamp"}; print each record\'s offset as JSON',
    )
    .action(async (topic: string, flags: ProduceFlags) => {
      if (!COMPRESSIONS.includes(flags.compression))
        throw new Error(`--compression must be one of ${COMPRESSIONS.join(', ')}`)
      const acks = parseIntFlag('--acks', flags.acks)
      if (acks !== 0 && acks !== 1 && acks !== -1) throw new Error('--acks must be -1, 0 or 1')
      const headers = keyValues('--header', flags.header)
      const partition = flags.partition !== undefined ? parseIntFlag('--partition', flags.partition) : undefined
      const producer = new Producer({
        bootstrapServers: flags.bootstrapServer,
        clientId: 'samsa-cli',
        acks: acks as Acks,
        compression: flags.compression as CompressionName,
        lingerMs: parseIntFlag('--linger-ms', flags.lingerMs),
      })
      await producer.connect()
      let count = 0
      const pending: Promise<void>[] = []
      const send = (m: ProducerMessage): void => {
        count++
        pending.push(
          producer.send({ topic, messages: [m] }).then((meta) => {
            if (flags.json === true) for (const r of meta) console.log(JSON.stringify(r))
          }),
        )
      }
      try {
        if (flags.value !== undefined) {
          send(parseLine(flags.value, { ...flags, json: false }, headers, partition))
        } else {
          for await (const line of createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })) {
            if (line === '') continue
            send(parseLine(line, flags, headers, partition))
          }
        }
        await Promise.all(pending)
      } finally {
        await producer.close()
      }
      if (flags.json !== true) console.error(`Produced ${count} record(s) to ${topic}.`)
    })
}
