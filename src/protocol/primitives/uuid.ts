import { randomBytes } from 'node:crypto'

/**
 * Kafka UUIDs (topic ids, directory ids) travel as 16 raw bytes and are shown, and stored in
 * `partition.metadata` and `meta.properties`, as 22-character URL-safe base64 without padding.
 * Samsa keeps them in that string form everywhere above the wire.
 */
export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA'

export function uuidFromBytes(buf: Buffer, pos: number): string {
  return buf.toString('base64url', pos, pos + 16)
}

export function uuidToBytes(uuid: string, out: Buffer, pos: number): void {
  const n = out.write(uuid, pos, 16, 'base64url')
  if (n !== 16) throw new RangeError(`not a 16-byte base64url UUID: ${uuid}`)
}

/** A random (version 4) UUID that, like Kafka's Uuid.randomUuid, never begins with '-' and is never zero. */
export function randomUuid(): string {
  for (;;) {
    const b = randomBytes(16)
    b[6] = (b[6]! & 0x0f) | 0x40
    b[8] = (b[8]! & 0x3f) | 0x80
    const s = b.toString('base64url')
    if (s !== ZERO_UUID && !s.startsWith('-')) return s
  }
}
