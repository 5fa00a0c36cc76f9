import { ProtocolDecodeError } from '../../common/errors.ts'
import type { Reader } from './reader.ts'

export { ZERO_UUID } from './uuid.ts'

/** Shared by every generated codec; frozen so a default can never be mutated through one message. */
export const EMPTY_BUFFER: Buffer = Buffer.alloc(0)

/** Reads `length` elements; a null array (-1) is an error where the version does not allow it. */
export function readArrayOf<T>(r: Reader, length: number, read: (r: Reader) => T): T[] {
  if (length < 0) throw new ProtocolDecodeError(`null array where an array is required at position ${r.pos}`)
  const out = new Array<T>(length)
  for (let i = 0; i < length; i++) out[i] = read(r)
  return out
}

export function readNullableArrayOf<T>(r: Reader, length: number, read: (r: Reader) => T): T[] | null {
  if (length < 0) return null
  const out = new Array<T>(length)
  for (let i = 0; i < length; i++) out[i] = read(r)
  return out
}
