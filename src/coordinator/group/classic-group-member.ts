import type { JoinGroupResponse } from '../../protocol/generated/join-group.ts'
import type { SyncGroupResponse } from '../../protocol/generated/sync-group.ts'

export const EMPTY_ASSIGNMENT: Buffer = Buffer.alloc(0)

/** One protocol a member supports (e.g. "range" with its subscription as metadata). */
export interface MemberProtocol {
  readonly name: string
  readonly metadata: Buffer
}

export type JoinCallback = (response: JoinGroupResponse) => void
export type SyncCallback = (response: SyncGroupResponse) => void

export interface ClassicGroupMemberInit {
  readonly memberId: string
  readonly groupInstanceId: string | null
  readonly clientId: string
  readonly clientHost: string
  readonly rebalanceTimeoutMs: number
  readonly sessionTimeoutMs: number
  readonly protocolType: string
  readonly supportedProtocols: readonly MemberProtocol[]
  readonly assignment?: Buffer
}

/**
 * A member of a classic group (Kafka's ClassicGroupMember): its protocols and assignment, and the
 * JoinGroup/SyncGroup responses it waits for while parked.
 */
export class ClassicGroupMember {
  readonly memberId: string
  readonly groupInstanceId: string | null
  readonly clientId: string
  readonly clientHost: string
  readonly protocolType: string
  rebalanceTimeoutMs: number
  sessionTimeoutMs: number
  supportedProtocols: readonly MemberProtocol[]
  assignment: Buffer
  awaitingJoin: JoinCallback | null = null
  awaitingSync: SyncCallback | null = null
  /** Joined in the current rebalance and not yet through a completed join phase. */
  isNew = false

  constructor(init: ClassicGroupMemberInit) {
    this.memberId = init.memberId
    this.groupInstanceId = init.groupInstanceId
    this.clientId = init.clientId
    this.clientHost = init.clientHost
    this.rebalanceTimeoutMs = init.rebalanceTimeoutMs
    this.sessionTimeoutMs = init.sessionTimeoutMs
    this.protocolType = init.protocolType
    this.supportedProtocols = init.supportedProtocols
    this.assignment = init.assignment ?? EMPTY_ASSIGNMENT
  }

  get isStaticMember(): boolean {
    return this.groupInstanceId !== null
  }

  get isAwaitingJoin(): boolean {
    return this.awaitingJoin !== null
  }

  get isAwaitingSync(): boolean {
    return this.awaitingSync !== null
  }

  /** New members may expire while parked; others awaiting a rebalance count as heartbeating. */
  get hasSatisfiedHeartbeat(): boolean {
    if (this.isNew) return false
    return this.isAwaitingJoin || this.isAwaitingSync
  }

  /** The metadata this member sent for `protocolName`. */
  metadata(protocolName: string): Buffer {
    const p = this.supportedProtocols.find((x) => x.name === protocolName)
    if (p === undefined) throw new Error(`Member does not support protocol ${protocolName}`)
    return p.metadata
  }

  /** Same protocols, same order, same metadata. */
  matches(protocols: readonly MemberProtocol[]): boolean {
    if (protocols.length !== this.supportedProtocols.length) return false
    return protocols.every((p, i) => {
      const mine = this.supportedProtocols[i]!
      return mine.name === p.name && mine.metadata.equals(p.metadata)
    })
  }

  /** The first of this member's protocols (in its order of preference) that is a candidate. */
  vote(candidates: ReadonlySet<string>): string {
    const p = this.supportedProtocols.find((x) => candidates.has(x.name))
    if (p === undefined) throw new Error('Member does not support any of the candidate protocols')
    return p.name
  }
}
