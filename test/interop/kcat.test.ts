/**
 * kcat (librdkafka 2.0.2): `-P -K: -H k=v -z <codec>` produces keyed records with headers (the same
 * headers for a whole run, timestamps set by librdkafka), `-C -e -J` reads every partition back as JSON
 * (key, payload, headers, timestamp, offset), across a graceful broker restart. kcat cannot create
 * topics, so the topics are created with a raw CreateTopics request.
 */

import { commandMissing, defineInteropSuite, type InRecord, type InteropClient, run } from '../helpers/interop.ts'
import { WireClient } from '../helpers/kafka-wire.ts'

interface KcatJson {
  partition: number
  offset: number
  ts: number
  tstype: string
  headers?: (string | null)[]
  key: string | null
  payload: string | null
}

const client: InteropClient = {
  setsTimestamps: false,
  perRecordHeaders: false,
  async createTopic(bootstrap, topic, partitions) {
    const c = await WireClient.connect(Number(bootstrap.split(':')[1]))
    try {
      const res = await c.createTopic(topic, partitions)
      const code = res.topics[0]?.errorCode
      if (code !== 0) throw new Error(`CreateTopics ${topic} failed with error ${code}`)
    } finally {
      c.close()
    }
  },
  async produce(bootstrap, topic, codec, records, signal) {
    const headers = records[0]?.headers ?? []
    for (const r of records) {
      if (r.key.includes(':') || r.value.includes('\n') || JSON.stringify(r.headers) !== JSON.stringify(headers)) {
        throw new Error('kcat input needs keys without ":", one line per value and the same headers throughout')
      }
    }
    const args = ['-b', bootstrap, '-P', '-t', topic, '-K:', '-z', codec, '-X', 'acks=all', '-X', 'linger.ms=5']
    for (const [k, v] of headers) args.push('-H', `${k}=${v}`)
    const input = records.map((r) => `${r.key}:${r.value}\n`).join('')
    const { stderr } = await run('kcat', args, input, undefined, signal)
    if (/fail|error/i.test(stderr)) throw new Error(`kcat reported: ${stderr}`)
  },
  async consume(bootstrap, topic, _partitions, _count, signal) {
    const args = ['-b', bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-J', '-q']
    const { stdout } = await run('kcat', args, '', undefined, signal)
    const out: InRecord[] = []
    for (const line of stdout.split('\n')) {
      if (line.trim() === '') continue
      const m = JSON.parse(line) as KcatJson
      const headers: [string, string | null][] = []
      const flat = m.headers ?? []
      for (let i = 0; i + 1 < flat.length; i += 2) headers.push([flat[i]!, flat[i + 1] ?? null])
      out.push({ partition: m.partition, offset: m.offset, key: m.key, value: m.payload, headers, timestamp: m.ts })
    }
    return out
  },
}

defineInteropSuite('kcat', client, commandMissing('kcat') ? { skip: 'kcat not installed' } : {})
