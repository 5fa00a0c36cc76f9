// Summarises a V8 .cpuprofile (node --cpu-prof): self time per function, mapped back
// to the TypeScript source through dist/'s source maps when they exist.
//
//   node bench/profile-top.mjs PROFILE.cpuprofile [N]

import fs from 'node:fs'
import { SourceMap } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const maps = new Map()
function sourceMapFor(file) {
  if (maps.has(file)) return maps.get(file)
  let map = null
  try {
    const payload = JSON.parse(fs.readFileSync(`${file}.map`, 'utf8'))
    map = { map: new SourceMap(payload), dir: path.dirname(file) }
  } catch {}
  maps.set(file, map)
  return map
}

function locate(frame, root) {
  const { url, lineNumber, columnNumber } = frame
  if (!url) return ''
  if (!url.startsWith('file://')) return `${url}:${lineNumber + 1}`
  const file = fileURLToPath(url)
  const m = sourceMapFor(file)
  if (m) {
    const e = m.map.findEntry(lineNumber, columnNumber)
    if (e?.originalSource) {
      const src = e.originalSource.startsWith('file://')
        ? fileURLToPath(e.originalSource)
        : path.resolve(m.dir, e.originalSource)
      return `${path.relative(root, src)}:${e.originalLine + 1}`
    }
  }
  return `${path.relative(root, file)}:${lineNumber + 1}`
}

/** Top `n` frames by self time, as { name, where, selfMs, selfPct } (percent of non-idle samples). */
export function summariseProfile(file, n = 25, root = process.cwd()) {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8'))
  const byId = new Map(prof.nodes.map((node) => [node.id, node]))
  const self = new Map()
  const dt = prof.timeDeltas ?? []
  let total = 0
  for (let i = 0; i < prof.samples.length; i++) {
    const node = byId.get(prof.samples[i])
    const us = dt[i] ?? 0
    if (!node || node.callFrame.functionName === '(idle)') continue
    total += us
    const name = node.callFrame.functionName || '(anonymous)'
    const where = locate(node.callFrame, root)
    const key = `${name}\u0000${where}`
    self.set(key, (self.get(key) ?? 0) + us)
  }
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([key, us]) => {
      const [name, where] = key.split('\u0000')
      return { name, where, selfMs: us / 1000, selfPct: (100 * us) / Math.max(1, total) }
    })
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [file, n] = process.argv.slice(2)
  if (!file) {
    console.error('usage: node bench/profile-top.mjs PROFILE.cpuprofile [N]')
    process.exit(2)
  }
  for (const f of summariseProfile(file, Number(n ?? 30))) {
    console.log(`${f.selfPct.toFixed(1).padStart(5)} %  ${f.selfMs.toFixed(0).padStart(7)} ms  ${f.name}  ${f.where}`)
  }
}
