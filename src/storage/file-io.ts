import fs from 'node:fs'
import { dirname } from 'node:path'

/**
 * Promise wrappers over raw file descriptors. Segments keep plain fds (opened synchronously during
 * recovery, asynchronously when rolled) so the same descriptor serves start-up and the request path;
 * every call here runs in libuv's thread pool, never blocking the event loop.
 */

/** Linux IOV_MAX: the most buffers one writev syscall takes. */
export const WRITEV_BUFFERS_MAX = 1024

export function openFile(path: string, flags: number, mode = 0o644): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.open(path, flags, mode, (err, fd) => (err ? reject(err) : resolve(fd)))
  })
}

export function closeFile(fd: number): Promise<void> {
  return new Promise((resolve, reject) => {
    fs.close(fd, (err) => (err ? reject(err) : resolve()))
  })
}

/** Reads up to `length` bytes at `position`; fewer only at end of file. */
export async function readAt(
  fd: number,
  buffer: Buffer,
  offset: number,
  length: number,
  position: number,
): Promise<number> {
  let total = 0
  while (total < length) {
    const n = await new Promise<number>((resolve, reject) => {
      fs.read(fd, buffer, offset + total, length - total, position + total, (err, bytesRead) =>
        err ? reject(err) : resolve(bytesRead),
      )
    })
    if (n === 0) break
    total += n
  }
  return total
}

function writevOnce(fd: number, buffers: Buffer[], position: number): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.writev(fd, buffers, position, (err, bytesWritten) => (err ? reject(err) : resolve(bytesWritten)))
  })
}

/** Writes every byte of `buffers` at `position`, continuing after short writes. Returns the syscall count. */
export async function writevAt(fd: number, buffers: Buffer[], position: number): Promise<number> {
  let calls = 0
  let pending = buffers
  let pos = position
  while (pending.length > 0) {
    const batch = pending.length > WRITEV_BUFFERS_MAX ? pending.slice(0, WRITEV_BUFFERS_MAX) : pending
    let expected = 0
    for (const b of batch) expected += b.length
    const written = await writevOnce(fd, batch, pos)
    calls++
    pos += written
    if (written === expected) {
      pending = pending.length > batch.length ? pending.slice(batch.length) : []
      continue
    }
    if (written === 0) throw new Error('writev wrote no bytes')
    // Short write: drop the buffers fully written and the written prefix of the next one.
    let skip = written
    let i = 0
    while (i < pending.length && skip >= pending[i]!.length) {
      skip -= pending[i]!.length
      i++
    }
    const rest = pending.slice(i)
    if (skip > 0 && rest.length > 0) rest[0] = rest[0]!.subarray(skip)
    pending = rest
  }
  return calls
}

export function writeAt(fd: number, buffer: Buffer, position: number): Promise<number> {
  return writevAt(fd, [buffer], position)
}

export function datasync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => {
    fs.fdatasync(fd, (err) => (err ? reject(err) : resolve()))
  })
}

export function truncateFile(fd: number, length: number): Promise<void> {
  return new Promise((resolve, reject) => {
    fs.ftruncate(fd, length, (err) => (err ? reject(err) : resolve()))
  })
}

/** fsync of a directory, so a rename or create in it survives a crash. Errors are ignored where unsupported. */
export async function fsyncDir(dir: string): Promise<void> {
  let fd: number
  try {
    fd = await openFile(dir, fs.constants.O_RDONLY)
  } catch {
    return
  }
  try {
    await new Promise<void>((resolve, reject) => fs.fsync(fd, (err) => (err ? reject(err) : resolve())))
  } catch {
    // Some file systems refuse fsync on a directory; the rename is still atomic.
  } finally {
    await closeFile(fd)
  }
}

/** Writes `data` to `path` atomically: a temporary file, fsync, rename over the target, fsync the directory. */
export async function writeFileAtomic(path: string, data: string | Buffer): Promise<void> {
  const tmp = `${path}.tmp`
  const fd = await openFile(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC)
  try {
    await writeAt(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data, 0)
    await new Promise<void>((resolve, reject) => fs.fsync(fd, (err) => (err ? reject(err) : resolve())))
  } finally {
    await closeFile(fd)
  }
  await fs.promises.rename(tmp, path)
  await fsyncDir(dirname(path))
}

/** Start-up only: the synchronous counterpart of writeFileAtomic. */
export function writeFileAtomicSync(path: string, data: string | Buffer): void {
  const tmp = `${path}.tmp`
  const fd = fs.openSync(tmp, 'w')
  try {
    fs.writeFileSync(fd, data)
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
  fs.renameSync(tmp, path)
}
