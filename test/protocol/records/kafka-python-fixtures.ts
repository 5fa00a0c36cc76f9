/** Batches and message sets built by kafka-python's own builders (see fixtures/generate-kafka-python.py). */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { DecodedRecord } from '../../../src/protocol/records/records.ts'

interface FixtureRecord {
  offset: number
  timestamp: number
  key: string | null
  value: string | null
  headers: [string, string | null][]
}

export interface Fixture {
  hex: string
  records: FixtureRecord[]
}

const ALL = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures/kafka-python.json'), 'utf8')) as Record<
  string,
  Fixture
>

export function fixture(name: string): Fixture {
  const f = ALL[name]
  if (f === undefined) throw new Error(`no fixture ${name}`)
  return f
}

export const fixtureBytes = (name: string): Buffer => Buffer.from(fixture(name).hex, 'hex')

const fromHex = (s: string | null): Buffer | null => (s === null ? null : Buffer.from(s, 'hex'))

export function fixtureRecords(name: string): DecodedRecord[] {
  return fixture(name).records.map((r) => ({
    offset: r.offset,
    timestamp: r.timestamp,
    key: fromHex(r.key),
    value: fromHex(r.value),
    headers: r.headers.map(([key, value]) => ({ key, value: fromHex(value) })),
  }))
}
