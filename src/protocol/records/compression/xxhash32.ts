const PRIME1 = 0x9e3779b1
const PRIME2 = 0x85ebca77
const PRIME3 = 0xc2b2ae3d
const PRIME4 = 0x27d4eb2f
const PRIME5 = 0x165667b1

const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r))

function round(acc: number, lane: number): number {
  return Math.imul(rotl((acc + Math.imul(lane, PRIME2)) | 0, 13), PRIME1)
}

/**
 * XXH32 of `buf[start, end)`. Only LZ4 frame header checksums use it here (a few bytes), so a plain
 * JavaScript version is enough; lz4-napi checks block and content checksums natively.
 */
export function xxhash32(buf: Buffer, start = 0, end = buf.length, seed = 0): number {
  let p = start
  let h: number
  if (end - start >= 16) {
    let v1 = (seed + PRIME1 + PRIME2) | 0
    let v2 = (seed + PRIME2) | 0
    let v3 = seed | 0
    let v4 = (seed - PRIME1) | 0
    for (; p + 16 <= end; p += 16) {
      v1 = round(v1, buf.readUInt32LE(p))
      v2 = round(v2, buf.readUInt32LE(p + 4))
      v3 = round(v3, buf.readUInt32LE(p + 8))
      v4 = round(v4, buf.readUInt32LE(p + 12))
    }
    h = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) | 0
  } else {
    h = (seed + PRIME5) | 0
  }
  h = (h + (end - start)) | 0
  for (; p + 4 <= end; p += 4) {
    h = Math.imul(rotl((h + Math.imul(buf.readUInt32LE(p), PRIME3)) | 0, 17), PRIME4)
  }
  for (; p < end; p++) {
    h = Math.imul(rotl((h + Math.imul(buf[p]!, PRIME5)) | 0, 11), PRIME1)
  }
  h ^= h >>> 15
  h = Math.imul(h, PRIME2)
  h ^= h >>> 13
  h = Math.imul(h, PRIME3)
  h ^= h >>> 16
  return h >>> 0
}
