// Runs the node:test suites under tsx. Node 20's --test neither expands globs nor finds .ts files,
// so the file list is built here; an empty list is a failure, never a silent pass.
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const roots = process.argv.slice(2).filter((a) => !a.startsWith('--'))
const passthrough = process.argv.slice(2).filter((a) => a.startsWith('--'))
const files = []
function walk(p) {
  const st = statSync(p)
  if (st.isFile()) {
    if (p.endsWith('.test.ts')) files.push(p)
    return
  }
  for (const e of readdirSync(p).sort()) walk(join(p, e))
}
for (const r of roots.length > 0 ? roots : ['test']) walk(r)
if (files.length === 0) {
  console.error('no test files found under', roots.join(' ') || 'test')
  process.exit(1)
}
const args = ['--import', 'tsx', '--test', '--test-reporter=spec', ...passthrough, ...files]
const res = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, SAMSA_TEST: '1' } })
process.exit(res.status ?? 1)
