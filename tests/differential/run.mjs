// Differential test: `iotpolicy simulate` against @cloud-copilot/iam-simulate (see README.md in this folder).
//
//   node run.mjs [IOTPOLICY_BIN] [--count N] [--seed S] [--jobs J] [--case ID] [--keep DIR] [--report FILE]
//
// The binary comes from the first positional argument or the IOTPOLICY_BIN environment variable.
// Exit status: 0 all agree (or only allow-listed differences), 1 a mismatch, 2 the harness could not run.

import { execFile } from 'node:child_process'
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runUnsafeSimulation } from '@cloud-copilot/iam-simulate'
import { ACCOUNT, ARN, generateCases, requestArn, requestContextFor, scenarioFor } from './generate.mjs'

const PEER_VERSION = '0.1.173'
const PRINCIPAL = `arn:aws:iam::${ACCOUNT}:user/device`

// ---------------------------------------------------------------------------------------------------------------
// Documented IoT-specific differences that may be tolerated. Each entry names the spec section that makes AWS IoT
// (and so iotpolicy) differ from plain IAM, and a predicate over (case, request, ours, peer). The generator avoids
// these areas, so the list is empty; an entry must never be added to hide a mismatch that is not IoT-specific.
//
//   { section: 'iot-policy-semantics.md §x.y', reason: '…', applies: (c, req, ours, peer) => boolean }
const ALLOWED_DIFFERENCES = []

// ---------------------------------------------------------------------------------------------------------------
// The peer.

const PEER_DECISION = { Allowed: 'allow', ImplicitlyDenied: 'implicit-deny', ExplicitlyDenied: 'explicit-deny' }

export function peerDecide(policies, action, resource, context) {
  const result = runUnsafeSimulation(
    {
      request: { principal: PRINCIPAL, action, resource: { resource, accountId: ACCOUNT }, contextVariables: context },
      identityPolicies: policies.map((policy, i) => ({ name: `policy${i}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: []
    },
    {}
  )
  const decision = PEER_DECISION[result]
  if (!decision) throw new Error(`peer returned ${JSON.stringify(result)}`)
  return decision
}

// Two peer defects, worked around by giving the peer an input that means the same thing in IAM (README.md, "Peer
// input adaptations"). Both are counted and reported in the summary line.
// (1) IPv4 prefix length 0: the peer computes its mask as `-1 << (32 - len)`, and JavaScript shifts by `32 % 32`,
//     so `0.0.0.0/0` matches only 0.0.0.0. It gets the two halves `0.0.0.0/1` and `128.0.0.0/1` instead: the same
//     address set, so IpAddress (any value) and NotIpAddress (no value) decide the same.
// (2) An empty list value: IAM treats a key "with empty values" like a missing key — `Null: false` is the documented
//     guard against "missing context keys or context keys with empty values" (IAM User Guide, multivalued context
//     key examples; vars §7.4-§7.5). The peer treats an empty array as present for Null. It gets the key left out
//     instead, which is what ForAnyValue (false), ForAllValues (true) and Null (true) already give an empty set.
function splitSlashZero(value) {
  return value === '0.0.0.0/0' ? ['0.0.0.0/1', '128.0.0.0/1'] : [value]
}

export function peerInput(policies, context) {
  const adaptations = new Set()
  const fixed = policies.map((policy) => {
    const copy = structuredClone(policy)
    for (const st of [copy.Statement].flat()) {
      for (const [op, block] of Object.entries(st.Condition ?? {})) {
        if (!/^(ForAnyValue:|ForAllValues:)?(Not)?IpAddress(IfExists)?$/.test(op)) continue
        for (const [key, val] of Object.entries(block)) {
          const list = [val].flat()
          if (!list.includes('0.0.0.0/0')) continue
          block[key] = list.flatMap(splitSlashZero)
          adaptations.add('ipv4-slash-0')
        }
      }
    }
    return copy
  })
  const ctx = {}
  for (const [key, val] of Object.entries(context)) {
    if (Array.isArray(val) && val.length === 0) adaptations.add('empty-list')
    else ctx[key] = val
  }
  return { policies: fixed, context: ctx, adaptations: [...adaptations] }
}

// Hand-checked cases (plain IAM semantics, iot-policy-semantics.md §2-§3, variables-and-conditions.md §7): they
// show that the peer is wired up correctly (policies, action, ARN, context) before its answers are trusted.
function peerSelfTest() {
  const P = (...Statement) => ({ Version: '2012-10-17', Statement })
  const allowAll = { Effect: 'Allow', Action: 'iot:*', Resource: '*' }
  const cond = (Condition) => P({ Effect: 'Allow', Action: 'iot:Publish', Resource: '*', Condition })
  const T = ARN + 'topic/a/b'
  const checks = [
    ['exact match', [P({ Effect: 'Allow', Action: 'iot:Publish', Resource: T })], 'iot:Publish', T, {}, 'allow'],
    ['default deny', [P({ Effect: 'Allow', Action: 'iot:Publish', Resource: T })], 'iot:Receive', T, {}, 'implicit-deny'],
    ['action case (§3.1)', [P({ Effect: 'Allow', Action: 'IOT:publish', Resource: T })], 'iot:Publish', T, {}, 'allow'],
    ['action ? (§3.1)', [P({ Effect: 'Allow', Action: 'iot:?ublish', Resource: T })], 'iot:Publish', T, {}, 'allow'],
    ['* crosses / (§3.2)', [P({ Effect: 'Allow', Action: 'iot:Pub*', Resource: ARN + 'topic/a*' })], 'iot:Publish', T, {}, 'allow'],
    ['? is one char (§3.2)', [P({ Effect: 'Allow', Action: 'iot:Publish', Resource: ARN + 'topic/a?' })], 'iot:Publish', T, {}, 'implicit-deny'],
    ['topic case (§3.2)', [P({ Effect: 'Allow', Action: 'iot:Publish', Resource: ARN + 'topic/A/b' })], 'iot:Publish', T, {}, 'implicit-deny'],
    ['deny wins across policies (§2.2)', [P(allowAll), P({ Effect: 'Deny', Action: 'iot:Publish', Resource: ARN + 'topic/a/?' })], 'iot:Publish', T, {}, 'explicit-deny'],
    ['NotAction (§2.8)', [P({ Effect: 'Allow', NotAction: 'iot:Publish', Resource: '*' })], 'iot:Subscribe', ARN + 'topicfilter/a', {}, 'allow'],
    ['NotResource (§2.8)', [P({ Effect: 'Allow', Action: 'iot:Receive', NotResource: ARN + 'topic/a/*' })], 'iot:Receive', T, {}, 'implicit-deny'],
    ['IpAddress CIDR', [cond({ IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } })], 'iot:Publish', T, { 'aws:SourceIp': '203.0.113.9' }, 'allow'],
    ['NotIpAddress CIDR', [cond({ NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } })], 'iot:Publish', T, { 'aws:SourceIp': '203.0.113.9' }, 'implicit-deny'],
    ['IPv6 CIDR', [cond({ IpAddress: { 'aws:SourceIp': '2001:db8::/32' } })], 'iot:Publish', T, { 'aws:SourceIp': '2001:db8:1::5' }, 'allow'],
    ['DateLessThan', [cond({ DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } })], 'iot:Publish', T, { 'aws:CurrentTime': '2029-06-01T12:00:00Z' }, 'allow'],
    ['Date with offset', [cond({ DateGreaterThanEquals: { 'aws:CurrentTime': '2030-01-01T01:00:00+01:00' } })], 'iot:Publish', T, { 'aws:CurrentTime': '2030-01-01T00:00:00Z' }, 'allow'],
    ['NumericLessThan decimals', [cond({ NumericLessThan: { 'test:Num': '10.5' } })], 'iot:Publish', T, { 'test:Num': '10' }, 'allow'],
    ['NumericEquals 3 = 3.00', [cond({ NumericEquals: { 'test:Num': '3.00' } })], 'iot:Publish', T, { 'test:Num': '3' }, 'allow'],
    ['StringEquals OR', [cond({ StringEquals: { 'test:Tag': ['x', 'a'] } })], 'iot:Publish', T, { 'test:Tag': 'a' }, 'allow'],
    ['StringNotEquals none-of', [cond({ StringNotEquals: { 'test:Tag': ['x', 'a'] } })], 'iot:Publish', T, { 'test:Tag': 'a' }, 'implicit-deny'],
    ['keys AND', [cond({ StringEquals: { 'test:Tag': 'a', 'iot:ClientId': 'dev-2' } })], 'iot:Publish', T, { 'test:Tag': 'a', 'iot:ClientId': 'dev-1' }, 'implicit-deny'],
    ['StringLike', [cond({ StringLike: { 'test:Tag': 'al*a' } })], 'iot:Publish', T, { 'test:Tag': 'alpha' }, 'allow'],
    ['IgnoreCase', [cond({ StringEqualsIgnoreCase: { 'test:Tag': 'ALPHA' } })], 'iot:Publish', T, { 'test:Tag': 'alpha' }, 'allow'],
    ['Bool', [cond({ Bool: { 'test:Flag': 'true' } })], 'iot:Publish', T, { 'test:Flag': 'false' }, 'implicit-deny'],
    ['ArnLike per segment', [cond({ ArnLike: { 'test:Arn': 'arn:aws:iot:*:123456789012:thing/*' } })], 'iot:Publish', T, { 'test:Arn': 'arn:aws:iot:eu-west-1:123456789012:thing/t1' }, 'allow'],
    ['Null true, key absent (§7.4)', [cond({ Null: { 'test:Missing': 'true' } })], 'iot:Publish', T, {}, 'allow'],
    ['IfExists, key absent (§7.3)', [cond({ StringEqualsIfExists: { 'test:Missing': 'q' } })], 'iot:Publish', T, {}, 'allow'],
    ['negated op, key absent (§7.2)', [cond({ StringNotEquals: { 'test:Missing': 'q' } })], 'iot:Publish', T, {}, 'allow'],
    ['positive op, key absent (§7.2)', [cond({ StringEquals: { 'test:Missing': 'q' } })], 'iot:Publish', T, {}, 'implicit-deny'],
    ['ForAnyValue', [cond({ 'ForAnyValue:StringEquals': { 'test:List': ['y', 'z'] } })], 'iot:Publish', T, { 'test:List': ['x', 'y'] }, 'allow'],
    ['ForAllValues', [cond({ 'ForAllValues:StringEquals': { 'test:List': ['y', 'z'] } })], 'iot:Publish', T, { 'test:List': ['x', 'y'] }, 'implicit-deny'],
    ['ForAllValues empty set (§7.5)', [cond({ 'ForAllValues:StringEquals': { 'test:List': ['y'] } })], 'iot:Publish', T, { 'test:List': [] }, 'allow'],
    ['IPv4 /0 (adapted)', [cond({ IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } })], 'iot:Publish', T, { 'aws:SourceIp': '10.1.2.3' }, 'allow'],
    ['NotIpAddress /0 (adapted)', [cond({ NotIpAddress: { 'aws:SourceIp': ['198.51.100.7', '0.0.0.0/0'] } })], 'iot:Publish', T, { 'aws:SourceIp': '10.1.2.3' }, 'implicit-deny'],
    ['Null false, empty list (adapted)', [cond({ Null: { 'test:List': 'false' } })], 'iot:Publish', T, { 'test:List': [] }, 'implicit-deny'],
    ['Null true, empty list (adapted)', [cond({ Null: { 'test:List': 'true' } })], 'iot:Publish', T, { 'test:List': [] }, 'allow'],
    ['ForAllValues empty list (adapted)', [cond({ 'ForAllValues:StringEquals': { 'test:List': 'y' } })], 'iot:Publish', T, { 'test:List': [] }, 'allow'],
    ['ForAnyValue empty list (adapted)', [cond({ 'ForAnyValue:StringEquals': { 'test:List': 'y' } })], 'iot:Publish', T, { 'test:List': [] }, 'implicit-deny'],
    ['ForAnyValue absent (§7.5)', [cond({ 'ForAnyValue:StringEquals': { 'test:List': ['y'] } })], 'iot:Publish', T, {}, 'implicit-deny']
  ]
  const failures = []
  for (const [name, policies, action, resource, context, expected] of checks) {
    const input = peerInput(policies, context)
    const got = peerDecide(input.policies, action, resource, input.context)
    if (got !== expected) failures.push(`${name}: peer says ${got}, expected ${expected}`)
  }
  return { count: checks.length, failures }
}

// ---------------------------------------------------------------------------------------------------------------
// iotpolicy.

// A spawn failure (EACCES, ETXTBSY, ENOENT: e.g. the binary is being relinked) is retried a few times; a run that
// starts but gives no usable JSON is not.
async function runIotpolicy(bin, file) {
  for (let attempt = 1; ; attempt++) {
    const run = await runIotpolicyOnce(bin, file)
    if (typeof run.code !== 'string' || attempt === 4) return run
    await new Promise((r) => setTimeout(r, 500 * attempt))
  }
}

function runIotpolicyOnce(bin, file) {
  return new Promise((resolvePromise) => {
    execFile(bin, ['simulate', file, '--format', 'json'], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      let parsed
      try {
        parsed = JSON.parse(stdout)
      } catch {
        parsed = undefined
      }
      resolvePromise({ code: error ? (error.code ?? 1) : 0, stdout, stderr, parsed })
    })
  })
}

async function pool(items, jobs, fn) {
  const out = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i], i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, worker))
  return out
}

// ---------------------------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const opts = { count: 600, seed: '1', jobs: Math.max(2, availableParallelism()), bin: process.env.IOTPOLICY_BIN }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--count') opts.count = Number(argv[++i])
    else if (a === '--seed') opts.seed = argv[++i]
    else if (a === '--jobs') opts.jobs = Number(argv[++i])
    else if (a === '--case') opts.only = Number(argv[++i])
    else if (a === '--keep') opts.keep = argv[++i]
    else if (a === '--report') opts.report = argv[++i]
    else if (a === '--peer-only') opts.peerOnly = true
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`)
    else opts.bin = a
  }
  return opts
}

function show(value) {
  return JSON.stringify(value)
}

async function main() {
  let opts
  try {
    opts = parseArgs(process.argv.slice(2))
  } catch (e) {
    console.error(`differential: ${e.message}`)
    return 2
  }

  const self = peerSelfTest()
  if (self.failures.length) {
    console.error(`differential: the peer (@cloud-copilot/iam-simulate ${PEER_VERSION}) fails its hand-checked cases:`)
    for (const f of self.failures) console.error('  ' + f)
    return 2
  }

  let cases = generateCases({ count: opts.count, seed: opts.seed })
  if (opts.only !== undefined) cases = cases.filter((c) => c.id === opts.only)

  // The peer's decisions.
  const peer = cases.map((c) =>
    c.requests.map((req) => {
      const resource = requestArn(c.connection, req)
      const context = requestContextFor(c.connection, req)
      const input = peerInput(c.policies, context)
      try {
        return { decision: peerDecide(input.policies, req.action, resource, input.context), resource, context, adaptations: input.adaptations }
      } catch (e) {
        return { decision: 'error', error: e.message, resource, context, adaptations: input.adaptations }
      }
    })
  )
  if (opts.peerOnly) {
    const tally = {}
    for (const list of peer) for (const p of list) tally[p.decision] = (tally[p.decision] ?? 0) + 1
    console.log(`differential (peer only): ${cases.length} cases, peer self-test ${self.count} ok, decisions ${show(tally)}`)
    return 0
  }

  if (!opts.bin) {
    console.error('differential: give the iotpolicy binary as the first argument or in IOTPOLICY_BIN')
    return 2
  }
  const bin = resolve(opts.bin)
  if (!existsSync(bin)) {
    console.error(`differential: no iotpolicy binary at ${bin}`)
    return 2
  }

  // iotpolicy's decisions: one scenario file (one process) per case, run in parallel.
  const dir = opts.keep ? resolve(opts.keep) : mkdtempSync(join(tmpdir(), 'iotpolicy-differential-'))
  mkdirSync(dir, { recursive: true })
  const ours = await pool(cases, opts.jobs, async (c) => {
    const file = join(dir, `case-${String(c.id).padStart(4, '0')}.json`)
    writeFileSync(file, JSON.stringify(scenarioFor(c), null, 1) + '\n')
    return { file, ...(await runIotpolicy(bin, file)) }
  })
  if (!opts.keep) rmSync(dir, { recursive: true, force: true })

  let requests = 0
  const mismatches = []
  const tolerated = []
  const harness = []
  const tally = {}
  const adapted = {}
  let uncertain = 0
  for (let k = 0; k < cases.length; k++) {
    const c = cases[k]
    const run = ours[k]
    const results = run.parsed?.results
    if (!Array.isArray(results) || results.length !== c.requests.length) {
      harness.push({ c, problem: `iotpolicy exit ${run.code}, ${Array.isArray(results) ? results.length + ' results for ' + c.requests.length + ' requests' : 'no JSON results'}`, stderr: run.stderr.slice(0, 2000), stdout: run.stdout.slice(0, 2000) })
      continue
    }
    for (let i = 0; i < c.requests.length; i++) {
      requests++
      const req = c.requests[i]
      const p = peer[k][i]
      const o = results[i]
      tally[`${o.decision}/${p.decision}`] = (tally[`${o.decision}/${p.decision}`] ?? 0) + 1
      for (const a of p.adaptations) adapted[a] = (adapted[a] ?? 0) + 1
      if (o.uncertain) uncertain++
      if (o.resource !== undefined && o.resource !== p.resource) {
        harness.push({ c, problem: `request ${i}: iotpolicy evaluated ${o.resource}, the peer ${p.resource}` })
      }
      if (o.decision === p.decision) continue
      const entry = { c, i, req, ours: o, peer: p }
      const known = ALLOWED_DIFFERENCES.find((d) => d.applies(c, req, o.decision, p.decision))
      if (known) tolerated.push({ ...entry, known })
      else mismatches.push(entry)
    }
  }

  console.log(`differential: ${cases.length} cases, ${requests} requests, ${mismatches.length + tolerated.length} mismatches` +
    (tolerated.length ? ` (${tolerated.length} allow-listed)` : '') +
    (harness.length ? `, ${harness.length} harness problems` : ''))
  console.log(`  decisions (iotpolicy/peer): ${show(tally)}; iotpolicy marked ${uncertain} uncertain`)
  console.log(`  peer @cloud-copilot/iam-simulate ${PEER_VERSION}: self-test ${self.count} hand-checked cases ok; input adapted for its defects in ${show(adapted)} requests; seed ${show(opts.seed)}`)

  const printEntry = (e, label) => {
    const { c, i, req, ours: o, peer: p } = e
    console.log(`\n${label} case ${c.id} (${c.family}) request ${i}: iotpolicy ${o.decision}, peer ${p.decision}`)
    console.log(`  request:    ${req.action} ${p.resource}`)
    console.log(`  context:    ${show(p.context)}`)
    if (p.adaptations.length) console.log(`  peer input adapted: ${p.adaptations.join(', ')} (see run.mjs peerInput)`)
    c.policies.forEach((pol, n) => console.log(`  policy ${n}:   ${show(pol)}`))
    const { connection, request, action, resource, decision, ...rest } = o
    if (Object.keys(rest).length) console.log(`  iotpolicy:  ${show(rest)}`)
    console.log(`  rerun:      node tests/differential/run.mjs <bin> --seed ${show(opts.seed)} --count ${opts.count} --case ${c.id}`)
  }
  for (const e of tolerated) {
    printEntry(e, 'ALLOW-LISTED')
    console.log(`  known difference (${e.known.section}): ${e.known.reason}`)
  }
  for (const e of mismatches) printEntry(e, 'MISMATCH')
  for (const h of harness) {
    console.log(`\nHARNESS case ${h.c.id} (${h.c.family}): ${h.problem}`)
    if (h.stderr) console.log(`  stderr: ${h.stderr.trim()}`)
    if (h.stdout) console.log(`  stdout: ${h.stdout.trim()}`)
  }

  if (opts.report) {
    writeFileSync(opts.report, JSON.stringify({
      cases: cases.length, requests, seed: opts.seed, tally,
      mismatches: mismatches.map(({ c, i, ours: o, peer: p }) => ({ case: c.id, family: c.family, request: i, policies: c.policies, action: c.requests[i].action, resource: p.resource, context: p.context, iotpolicy: o, peer: p.decision })),
      allowListed: tolerated.map(({ c, i, ours: o, peer: p, known }) => ({ case: c.id, request: i, iotpolicy: o.decision, peer: p.decision, section: known.section })),
      harness: harness.map((h) => ({ case: h.c.id, problem: h.problem }))
    }, null, 1) + '\n')
  }
  if (harness.length) return 2
  return mismatches.length ? 1 : 0
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) process.exitCode = await main()
