import type { Clock } from '../../common/clock.ts'
import type { Logger } from '../../common/log.ts'
import type { CoordinatorResult } from '../runtime/coordinator-shard.ts'
import type { CoordinatorTimer } from '../runtime/coordinator-timer.ts'
import type { ClassicGroup } from './classic-group.ts'
import type { GroupCoordinatorConfig } from './group-coordinator-config.ts'
import type { GroupCoordinatorRecord } from './records/group-coordinator-record.ts'

export type GroupResult<T = void> = CoordinatorResult<T, GroupCoordinatorRecord>

/** No records; the soft state already changed (Kafka's EMPTY_RESULT). */
export const EMPTY_RESULT: GroupResult = { records: [], response: undefined, replayRecords: false }

/** What the classic protocol's operations need from the shard that owns the groups. */
export interface ClassicContext {
  readonly config: GroupCoordinatorConfig
  readonly clock: Clock
  readonly timer: CoordinatorTimer<GroupCoordinatorRecord>
  readonly log: Logger
  /** The classic group, or undefined when there is none (or the group uses another protocol). */
  classicGroup(groupId: string): ClassicGroup | undefined
  /** The classic group, created empty when missing; throws when a KIP-848 group has that id. */
  getOrCreateClassicGroup(groupId: string): ClassicGroup
  /** Does a group of another type (KIP-848 consumer group) use this id? */
  hasNonClassicGroup(groupId: string): boolean
}

export const heartbeatKey = (groupId: string, memberId: string): string => `heartbeat-${groupId}-${memberId}`
export const joinKey = (groupId: string): string => `join-${groupId}`
export const syncKey = (groupId: string): string => `sync-${groupId}`
