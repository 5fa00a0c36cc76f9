/**
 * `samsa broker` fails fast on a bad setting, wherever it comes from (a --config file, --override, a
 * SAMSA_* variable): it exits non-zero by itself, names the key on stderr and in its log, and never
 * listens or touches its data directory.
 */
import assert from 'node:assert/strict'
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { WireClient } from '../helpers/kafka-wire.ts'
import { runSamsa } from '../helpers/samsa-cli.ts'

/** A hang guard: a broker that did not fail fast would run until killed here. */
const RUN_TIMEOUT_MS = 30_000

/** A port nothing listens on (the OS picks it; it is released before the broker is started). */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  assert.ok(typeof address === 'object' && address !== null)
  return address.port
}

/** This process's environment without SAMSA_* variables (the test runner's own would be broker settings). */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SAMSA_'))), ...extra }
}

interface Case {
  name: string
  key: string
  file?: string
  overrides?: string[]
  env?: Record<string, string>
}

const CASES: Case[] = [
  {
    name: 'an unknown key in the --config file',
    key: 'log.retention.hourz',
    file: 'num.partitions=3\nlog.retention.hourz=5\n',
  },
  {
    name: 'an invalid value in the --config file',
    key: 'auto.create.topics.enable',
    file: 'auto.create.topics.enable=maybe\n',
  },
  { name: 'an invalid value through --override', key: 'num.partitions', overrides: ['num.partitions=abc'] },
  { name: 'an unknown key through --override', key: 'log.segment.bites', overrides: ['log.segment.bites=1024'] },
  {
    name: 'a topic default Kafka refuses through --override',
    key: 'log.cleanup.policy',
    overrides: ['log.cleanup.policy=shred'],
  },
  {
    name: 'an invalid value in a SAMSA_* variable',
    key: 'log.segment.bytes',
    env: { SAMSA_LOG_SEGMENT_BYTES: 'tiny' },
  },
  { name: 'an unknown key in a SAMSA_* variable', key: 'log.retention.hourz', env: { SAMSA_LOG_RETENTION_HOURZ: '1' } },
]

describe('samsa broker: fail fast on bad configuration', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'samsa-config-'))
  })
  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  for (const [i, c] of CASES.entries()) {
    it(`${c.name}: exits non-zero naming ${c.key}, and never listens`, {
      timeout: RUN_TIMEOUT_MS + 10_000,
    }, async () => {
      const port = await freePort()
      const dataDir = join(dir, `data-${i}`)
      const args = ['broker', '--data-dir', dataDir, '--listeners', `PLAINTEXT://127.0.0.1:${port}`]
      if (c.file !== undefined) {
        const path = join(dir, `server-${i}.properties`)
        await writeFile(path, c.file)
        args.push('--config', path)
      }
      for (const o of c.overrides ?? []) args.push('--override', o)
      const r = await runSamsa(args, undefined, { env: cleanEnv(c.env), timeoutMs: RUN_TIMEOUT_MS })

      assert.equal(r.signal, null, 'the broker exits by itself instead of running')
      assert.notEqual(r.code, 0, 'exit code')
      assert.ok(r.stderr.includes(`samsa: `) && r.stderr.includes(c.key), `stderr names ${c.key}: ${r.stderr}`)
      const logLines = r.stdout
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>)
      assert.ok(
        logLines.some((l) => l['level'] === 60 && String(l['msg']).includes(c.key)),
        `a fatal log line names ${c.key}`,
      )
      assert.ok(!logLines.some((l) => l['msg'] === 'listening'), 'no listener was opened')
      await assert.rejects(WireClient.connect(port), { code: 'ECONNREFUSED' })
      await assert.rejects(access(dataDir), { code: 'ENOENT' }, 'the data directory is left alone')
    })
  }
})
