import type { Command } from 'commander'
import { Admin } from '../../client/admin.ts'
import type { CommittedOffset, GroupDescription } from '../../client/group-admin.ts'
import { type ConnectionFlags, collect, parseIntFlag, table, withBootstrap } from './common.ts'

async function withAdmin<T>(flags: ConnectionFlags, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Admin({
    bootstrapServers: flags.bootstrapServer,
    clientId: 'samsa-cli',
    allowAutoTopicCreation: false,
  })
  try {
    await admin.connect()
    return await fn(admin)
  } finally {
    await admin.close()
  }
}

interface PartitionRow {
  topic: string
  partition: number
  currentOffset: number
  logEndOffset: number
  lag: number | null
  consumerId: string
  host: string
  clientId: string
}

/** Committed offsets and assignments joined with log end offsets, as kafka-consumer-groups --describe shows them. */
async function describeRows(
  admin: Admin,
  group: GroupDescription,
  committed: readonly CommittedOffset[],
): Promise<PartitionRow[]> {
  const owner = new Map<string, { consumerId: string; host: string; clientId: string }>()
  for (const m of group.members) {
    for (const a of m.assignment) {
      for (const p of a.partitions)
        owner.set(`${a.topic}:${p}`, { consumerId: m.memberId, host: m.clientHost, clientId: m.clientId })
    }
  }
  const keys = new Map<string, { topic: string; partition: number }>()
  for (const c of committed) keys.set(`${c.topic}:${c.partition}`, c)
  for (const m of group.members)
    for (const a of m.assignment)
      for (const p of a.partitions) keys.set(`${a.topic}:${p}`, { topic: a.topic, partition: p })
  const topics = [...new Set([...keys.values()].map((k) => k.topic))].sort()
  const ends = new Map<string, number>()
  for (const topic of topics) {
    for (const o of await admin.listOffsets(topic, null, 'latest')) ends.set(`${topic}:${o.partition}`, o.offset)
  }
  const rows: PartitionRow[] = []
  for (const [key, tp] of [...keys].sort(
    (a, b) => a[1].topic.localeCompare(b[1].topic) || a[1].partition - b[1].partition,
  )) {
    const current = committed.find((c) => c.topic === tp.topic && c.partition === tp.partition)?.offset ?? -1
    const end = ends.get(key) ?? -1
    const who = owner.get(key)
    rows.push({
      topic: tp.topic,
      partition: tp.partition,
      currentOffset: current,
      logEndOffset: end,
      lag: current >= 0 && end >= 0 ? end - current : null,
      consumerId: who?.consumerId ?? '-',
      host: who?.host ?? '-',
      clientId: who?.clientId ?? '-',
    })
  }
  return rows
}

interface ResetFlags extends ConnectionFlags {
  topic: string[]
  allTopics?: boolean
  toEarliest?: boolean
  toLatest?: boolean
  toCurrent?: boolean
  toOffset?: string
  shiftBy?: string
  toDatetime?: string
  execute?: boolean
  dryRun?: boolean
  json?: boolean
}

/** The partitions a reset applies to: --topic t (all partitions), --topic t:0,2, or --all-topics (committed ones). */
async function resetScope(
  admin: Admin,
  flags: ResetFlags,
  committed: readonly CommittedOffset[],
): Promise<{ topic: string; partition: number }[]> {
  if (flags.allTopics === true) return committed.map((c) => ({ topic: c.topic, partition: c.partition }))
  if (flags.topic.length === 0) throw new Error('reset-offsets needs --topic or --all-topics')
  const out: { topic: string; partition: number }[] = []
  for (const spec of flags.topic) {
    const [topic, parts] = spec.split(':') as [string, string | undefined]
    if (parts !== undefined) {
      for (const p of parts.split(',')) out.push({ topic, partition: parseIntFlag('--topic partition', p) })
    } else {
      for (const o of await admin.listOffsets(topic, null, 'latest')) out.push({ topic, partition: o.partition })
    }
  }
  return out
}

async function newOffsets(
  admin: Admin,
  flags: ResetFlags,
  scope: readonly { topic: string; partition: number }[],
  committed: readonly CommittedOffset[],
) {
  const specs = [
    flags.toEarliest,
    flags.toLatest,
    flags.toCurrent,
    flags.toOffset,
    flags.shiftBy,
    flags.toDatetime,
  ].filter((s) => s !== undefined)
  if (specs.length !== 1)
    throw new Error(
      'give exactly one of --to-earliest, --to-latest, --to-current, --to-offset, --shift-by, --to-datetime',
    )
  const bounds = async (topic: string, spec: 'earliest' | 'latest'): Promise<Map<number, number>> =>
    new Map((await admin.listOffsets(topic, null, spec)).map((o) => [o.partition, o.offset]))
  const out: { topic: string; partition: number; offset: number }[] = []
  const topics = [...new Set(scope.map((s) => s.topic))]
  for (const topic of topics) {
    const earliest = await bounds(topic, 'earliest')
    const latest = await bounds(topic, 'latest')
    const byTime =
      flags.toDatetime !== undefined
        ? new Map(
            (await admin.listOffsets(topic, null, parseDatetime(flags.toDatetime))).map((o) => [o.partition, o.offset]),
          )
        : null
    for (const { partition } of scope.filter((s) => s.topic === topic)) {
      const lo = earliest.get(partition) ?? 0
      const hi = latest.get(partition) ?? 0
      const current = committed.find((c) => c.topic === topic && c.partition === partition)?.offset ?? -1
      let target: number
      if (flags.toEarliest === true) target = lo
      else if (flags.toLatest === true) target = hi
      else if (flags.toCurrent === true) target = current >= 0 ? current : hi
      else if (flags.toOffset !== undefined) target = parseIntFlag('--to-offset', flags.toOffset)
      else if (flags.shiftBy !== undefined) {
        if (current < 0)
          throw new Error(
            `Cannot shift offset for partition ${topic}-${partition} since there is no current committed offset`,
          )
        target = current + parseIntFlag('--shift-by', flags.shiftBy)
      } else {
        const t = byTime?.get(partition) ?? -1
        target = t >= 0 ? t : hi
      }
      // Like Kafka's tool: never outside what the log holds.
      out.push({ topic, partition, offset: Math.min(Math.max(target, lo), hi) })
    }
  }
  return out
}

function parseDatetime(text: string): number {
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text)
  if (Number.isNaN(ms))
    throw new Error(`--to-datetime expects an ISO date-time (e.g. 2026-01-31T12:00:00.000Z) or epoch ms, got ${text}`)
  return ms
}

export function registerGroupsCommand(program: Command): void {
  const groups = program
    .command('groups')
    .description('list, describe, delete consumer groups and reset their offsets (like kafka-consumer-groups)')

  withBootstrap(groups.command('list'))
    .description('list consumer groups')
    .option('--state <state>', 'only groups in this state (Empty, Stable, ...); repeatable', collect, [])
    .option('--json', 'print JSON')
    .action(async (flags: ConnectionFlags & { state: string[]; json?: boolean }) => {
      await withAdmin(flags, async (admin) => {
        const list = await admin.listGroups({ states: flags.state })
        if (flags.json === true) console.log(JSON.stringify(list))
        else
          console.log(
            table([['GROUP', 'STATE', 'PROTOCOL-TYPE'], ...list.map((g) => [g.groupId, g.state, g.protocolType])]),
          )
      })
    })

  withBootstrap(groups.command('describe <group>'))
    .description('per partition: committed offset, log end offset, lag and owning member')
    .option('--members', 'list the members and their assignments instead')
    .option('--json', 'print JSON')
    .action(async (groupId: string, flags: ConnectionFlags & { members?: boolean; json?: boolean }) => {
      await withAdmin(flags, async (admin) => {
        const group = await admin.describeGroup(groupId)
        // DescribeGroups answers Dead for a group the coordinator does not know.
        if (group.state === 'Dead') throw new Error(`Consumer group '${groupId}' does not exist.`)
        if (flags.members === true) {
          if (flags.json === true) console.log(JSON.stringify(group))
          else {
            console.log(`Group ${groupId}: state ${group.state}, protocol ${group.protocol || '-'}`)
            console.log(
              table([
                ['CONSUMER-ID', 'HOST', 'CLIENT-ID', 'ASSIGNMENT'],
                ...group.members.map((m) => [
                  m.memberId,
                  m.clientHost,
                  m.clientId,
                  m.assignment.map((a) => `${a.topic}(${a.partitions.join(',')})`).join(' ') || '-',
                ]),
              ]),
            )
          }
          return
        }
        const rows = await describeRows(admin, group, await admin.fetchCommittedOffsets(groupId))
        if (flags.json === true) {
          console.log(JSON.stringify({ group: groupId, state: group.state, partitions: rows }))
          return
        }
        if (group.members.length === 0) console.log(`Consumer group '${groupId}' has no active members.`)
        console.log(
          table([
            [
              'GROUP',
              'TOPIC',
              'PARTITION',
              'CURRENT-OFFSET',
              'LOG-END-OFFSET',
              'LAG',
              'CONSUMER-ID',
              'HOST',
              'CLIENT-ID',
            ],
            ...rows.map((r) => [
              groupId,
              r.topic,
              String(r.partition),
              r.currentOffset >= 0 ? String(r.currentOffset) : '-',
              String(r.logEndOffset),
              r.lag === null ? '-' : String(r.lag),
              r.consumerId,
              r.host,
              r.clientId,
            ]),
          ]),
        )
      })
    })

  withBootstrap(groups.command('delete <groups...>'))
    .description('delete consumer groups that have no members (every group named is tried)')
    .action(async (groupIds: string[], flags: ConnectionFlags) => {
      await withAdmin(flags, async (admin) => {
        const results = await admin.deleteGroupsEach(groupIds)
        const ok = results.filter((r) => r.error === null).map((r) => r.groupId)
        const failed = results.filter((r) => r.error !== null)
        if (failed.length === 0) {
          console.log(`Deletion of requested consumer groups ('${ok.join("', '")}') was successful.`)
          return
        }
        console.error('Error: Deletion of some consumer groups failed:')
        for (const f of failed) console.error(`* Group '${f.groupId}' could not be deleted due to: ${f.error?.message}`)
        if (ok.length > 0) console.log(`These consumer groups were deleted successfully: '${ok.join("', '")}'`)
        process.exitCode = 1
      })
    })

  withBootstrap(groups.command('reset-offsets <group>'))
    .description('reset committed offsets of an inactive group; a dry run unless --execute')
    .option('-t, --topic <topic[:partitions]>', 'topic, or topic:0,1,2; repeatable', collect, [])
    .option('--all-topics', 'every topic the group has offsets for')
    .option('--to-earliest', 'the earliest offset')
    .option('--to-latest', 'the log end offset')
    .option('--to-current', 'the committed offset')
    .option('--to-offset <offset>', 'this offset')
    .option('--shift-by <n>', 'the committed offset plus n (may be negative)')
    .option('--to-datetime <when>', 'the first offset at or after an ISO date-time or epoch ms')
    .option('--execute', 'commit the new offsets (default: only show them)')
    .option('--dry-run', 'only show the new offsets (the default)')
    .option('--json', 'print JSON')
    .action(async (groupId: string, flags: ResetFlags) => {
      if (flags.execute === true && flags.dryRun === true)
        throw new Error('reset-offsets accepts only one of --execute and --dry-run')
      await withAdmin(flags, async (admin) => {
        // Like kafka-consumer-groups, a dry run is refused for an active group too: its plan would be stale.
        const group = await admin.describeGroup(groupId)
        if (group.state !== 'Empty' && group.state !== 'Dead') {
          throw new Error(
            `Assignments can only be reset if the group '${groupId}' is inactive, but the current state is ${group.state}.`,
          )
        }
        const committed = await admin.fetchCommittedOffsets(groupId)
        const scope = await resetScope(admin, flags, committed)
        const planned = await newOffsets(admin, flags, scope, committed)
        if (flags.execute === true) await admin.alterCommittedOffsets(groupId, planned)
        if (flags.json === true) console.log(JSON.stringify(planned))
        else
          console.log(
            table([
              ['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'],
              ...planned.map((p) => [groupId, p.topic, String(p.partition), String(p.offset)]),
            ]),
          )
        if (flags.execute !== true) console.error('Dry run: nothing changed. Add --execute to commit these offsets.')
      })
    })
}
