// The peer of the decision benchmark: the sample written by `iotpolicy-bench-simulate measure --sample FILE` (every
// 100th request of the fleet workload, with iotpolicy's decision) run through @cloud-copilot/iam-simulate, timed,
// and compared with iotpolicy's decisions. See bench/README.md.
//
//   node bench/peer/peer.mjs SAMPLE.json [--ours-rate DECISIONS_PER_SECOND] [--warmup N]
//
// Prints the peer's rate as `peer: … decisions/s` and the agreement; with --ours-rate, also the ratio of rates.
// Exit status: 0 when it ran (disagreements are reported, not failures), 2 when it could not.

import { readFileSync } from 'node:fs'
import { runUnsafeSimulation } from '@cloud-copilot/iam-simulate'

const PEER = '@cloud-copilot/iam-simulate'
// The installed version (the package does not export its package.json, so it is read from node_modules).
const PEER_VERSION = JSON.parse(
  readFileSync(new URL('./node_modules/@cloud-copilot/iam-simulate/package.json', import.meta.url), 'utf8')
).version
const PEER_DECISION = { Allowed: 'allow', ImplicitlyDenied: 'implicit-deny', ExplicitlyDenied: 'explicit-deny' }

function parseArgs(argv) {
  const opts = { warmup: 200 }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--ours-rate') opts.oursRate = Number(argv[++i])
    else if (a === '--warmup') opts.warmup = Number(argv[++i])
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`)
    else if (!opts.sample) opts.sample = a
    else throw new Error(`unexpected argument ${a}`)
  }
  if (!opts.sample) throw new Error('give the sample file written by iotpolicy-bench-simulate --sample')
  return opts
}

function main() {
  let opts
  let sample
  try {
    opts = parseArgs(process.argv.slice(2))
    sample = JSON.parse(readFileSync(opts.sample, 'utf8'))
  } catch (e) {
    console.error(`peer: ${e.message}`)
    return 2
  }
  const principal = `arn:aws:iam::${sample.account}:user/fleet-device`
  // Inputs are built before timing, as for iotpolicy. The peer has no compile-once API: runUnsafeSimulation takes
  // the policy document and reads it on every call, which is part of its cost per decision.
  const simulations = sample.requests.map((r) => ({
    request: {
      principal,
      action: r.action,
      resource: { resource: r.resource, accountId: sample.account },
      contextVariables: r.context
    },
    identityPolicies: [{ name: 'fleet-policy', policy: sample.policy }],
    serviceControlPolicies: [],
    resourceControlPolicies: []
  }))
  const decide = (simulation) => {
    const result = runUnsafeSimulation(simulation, {})
    const decision = PEER_DECISION[result]
    if (!decision) throw new Error(`the peer returned ${JSON.stringify(result)}`)
    return decision
  }

  // A short warm-up (JIT), then every request of the sample once, timed.
  for (let i = 0; i < Math.min(opts.warmup, simulations.length); i++) decide(simulations[i])
  const decisions = new Array(simulations.length)
  const start = process.hrtime.bigint()
  const cpuStart = process.cpuUsage()
  for (let i = 0; i < simulations.length; i++) decisions[i] = decide(simulations[i])
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  const cpu = process.cpuUsage(cpuStart)
  const cpuSeconds = (cpu.user + cpu.system) / 1e6
  const rate = simulations.length / seconds

  // Agreement with iotpolicy, request by request.
  const matrix = new Map()
  const disagreements = []
  let agree = 0
  sample.requests.forEach((r, i) => {
    const key = `${r.ours} / ${decisions[i]}`
    matrix.set(key, (matrix.get(key) ?? 0) + 1)
    if (r.ours === decisions[i]) agree++
    else if (disagreements.length < 5) disagreements.push({ ...r, peer: decisions[i] })
  })
  const mix = { allow: 0, 'implicit-deny': 0, 'explicit-deny': 0 }
  for (const d of decisions) mix[d]++

  console.log(`peer: ${PEER} ${PEER_VERSION} (runUnsafeSimulation, Node ${process.versions.node}), one thread`)
  console.log(`  requests      ${simulations.length} (the sample: every 100th request of the workload)`)
  console.log(`  time          ${seconds.toFixed(3)} s wall, ${cpuSeconds.toFixed(3)} s CPU (after ${Math.min(opts.warmup, simulations.length)} warm-up requests)`)
  console.log(`  throughput    ${Math.round(rate)} decisions/s (${Math.round(simulations.length / cpuSeconds)} per CPU second)`)
  console.log(`  mix           allow ${mix.allow}, implicit-deny ${mix['implicit-deny']}, explicit-deny ${mix['explicit-deny']}`)
  console.log(`  agreement     ${agree} of ${simulations.length} decisions agree with iotpolicy's`)
  if (agree !== simulations.length) {
    console.log('  iotpolicy / peer:')
    for (const [key, count] of [...matrix].sort()) console.log(`    ${key.padEnd(30)} ${count}`)
    for (const d of disagreements) {
      console.log(`  differs: ${d.action} ${d.resource} (${d.context['iot:ClientId']}): iotpolicy ${d.ours}, peer ${d.peer}`)
    }
  }
  if (opts.oursRate) {
    console.log(`  ratio         iotpolicy is ${(opts.oursRate / rate).toFixed(0)}× the peer (${Math.round(opts.oursRate)} vs ${Math.round(rate)} decisions/s)`)
  }
  return 0
}

process.exitCode = main()
