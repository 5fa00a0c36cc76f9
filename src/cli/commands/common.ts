import type { Command } from 'commander'

export const DEFAULT_BOOTSTRAP = '127.0.0.1:9092'

export interface ConnectionFlags {
  bootstrapServer: string
  commandConfig?: string
}

/** --bootstrap-server, as Kafka's command-line tools name it (env SAMSA_BOOTSTRAP_SERVER). */
export function withBootstrap(cmd: Command): Command {
  return cmd.option(
    '-b, --bootstrap-server <host:port>',
    'broker(s) to connect to, comma-separated',
    process.env['SAMSA_BOOTSTRAP_SERVER'] ?? DEFAULT_BOOTSTRAP,
  )
}

export const collect = (value: string, previous: string[]): string[] => [...previous, value]

/** Parses repeated key=value flags. */
export function keyValues(flag: string, values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const kv of values) {
    const eq = kv.indexOf('=')
    if (eq <= 0) throw new Error(`${flag} expects key=value, got ${kv}`)
    out[kv.slice(0, eq)] = kv.slice(eq + 1)
  }
  return out
}

export function parseIntFlag(flag: string, value: string): number {
  if (!/^-?\d+$/.test(value)) throw new Error(`${flag} expects an integer, got ${value}`)
  return Number(value)
}

/** Left-aligned columns for human output. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = []
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length)
  }
  return rows
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '))
    .join('\n')
}
