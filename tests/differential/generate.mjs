// Deterministic generator of IAM-generic test cases for the differential test of `iotpolicy simulate`
// against @cloud-copilot/iam-simulate (see README.md in this folder).
//
// A case = 1-3 small policies (Version 2012-10-17, no `${...}`), one MQTT connection (client ID, source IP,
// context) and several requests. Everything the two evaluators see is spelled out in the case, so both decide the
// same question: the generator stays inside plain IAM semantics and avoids every IoT-specific rule listed in
// README.md ("What the generator avoids").
//
// Usage as a module:  import { generateCases } from './generate.mjs'; generateCases({ count: 600, seed: 1 })
// Usage as a script:  node generate.mjs [--count N] [--seed S] [--out FILE]   (JSON array on stdout or in FILE)

import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const REGION = 'us-east-1'
export const ACCOUNT = '123456789012'
export const ARN = `arn:aws:iot:${REGION}:${ACCOUNT}:`

// ---------------------------------------------------------------------------------------------------------------
// Seeded PRNG (mulberry32 over a 32-bit FNV-1a hash of the seed text): same seed, same cases, on every platform.

function hashSeed(text) {
  let h = 0x811c9dc5
  for (const ch of String(text)) {
    h ^= ch.codePointAt(0)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h >>> 0
}

export function makeRng(seed) {
  let state = hashSeed(seed)
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const rng = {
    next,
    int: (n) => Math.floor(next() * n), // 0 .. n-1
    range: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)), // lo .. hi
    chance: (p) => next() < p,
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    // weighted pick: [[weight, value], ...]
    weighted: (pairs) => {
      const total = pairs.reduce((s, [w]) => s + w, 0)
      let x = next() * total
      for (const [w, v] of pairs) {
        if ((x -= w) < 0) return v
      }
      return pairs[pairs.length - 1][1]
    },
    sample: (arr, k) => {
      const copy = [...arr]
      const out = []
      while (out.length < k && copy.length > 0) out.push(copy.splice(Math.floor(next() * copy.length), 1)[0])
      return out
    }
  }
  return rng
}

// ---------------------------------------------------------------------------------------------------------------
// Vocabulary. Short on purpose: the peer compiles wildcard patterns to backtracking regular expressions.

// 'A'/'Ab': topic names are case-sensitive (spec §3.2); 'a.b': a regex metacharacter; 'x:y': `*`/`?` match ':' in
// the resource part of an ARN (spec §3.2)
const LEVELS = ['a', 'b', 'ab', 'ba', 'x', 'dev-1', 'A', 'Ab', 'a.b', 'x:y']
const CLIENT_IDS = ['dev-1', 'dev-2', 'dev-10', 'sensor-a', 'x'] // lowercase: client-ID case is R0 (spec §3.2)
const CLIENT_PATTERNS = ['dev-*', 'dev-?', 'dev-1', 'sensor-*', '*', 'x', '?', 'dev-1*', '*-a']

// Request actions (the IAM-generic data-plane actions, spec actions §3/§4.1).
const TOPIC_ACTIONS = ['iot:Publish', 'iot:Receive', 'iot:RetainPublish', 'iot:GetRetainedMessage']
const REQUEST_ACTIONS = [
  [4, 'iot:Publish'],
  [3, 'iot:Subscribe'],
  [3, 'iot:Receive'],
  [2, 'iot:RetainPublish'],
  [2, 'iot:GetRetainedMessage'],
  [1, 'iot:Connect']
]

// Action patterns for policies: exact names, case variations (spec §3.1), `*`/`?` wildcards.
const ACTION_PATTERNS = [
  [6, 'iot:Publish'], [4, 'iot:Subscribe'], [4, 'iot:Receive'], [2, 'iot:RetainPublish'],
  [2, 'iot:GetRetainedMessage'], [2, 'iot:Connect'],
  [3, 'iot:*'], [1, '*'], [2, 'iot:Pub*'], [2, 'iot:?ublish'], [1, 'iot:*Retain*'], [1, 'iot:*Retained*'],
  [1, 'iot:Re*'], [1, 'iot:*ish'], [1, 'iot:S*'], [1, 'iot:Connec?'], [1, 'iot:*e'], [1, 'iot:?????ve'],
  [2, 'iot:publish'], [1, 'IOT:Publish'], [1, 'iot:PUBLISH'], [1, 'Iot:subscribe'], [1, 'iot:retainpublish'],
  [1, 'iot:pub*'], [1, 'iot:RECEIVE'], [1, 'iot:getretainedmessage'], [1, 'iot:CONNECT'], [1, 'iot:*RETAIN*']
]

// ---------------------------------------------------------------------------------------------------------------
// Topics and resource patterns.

function randTopic(rng) {
  const n = rng.weighted([[4, 1], [4, 2], [2, 3]])
  const parts = []
  for (let i = 0; i < n; i++) parts.push(rng.pick(LEVELS))
  return parts.join('/')
}

function flipCaseAt(s, i) {
  const c = s[i]
  const f = c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()
  return s.slice(0, i) + f + s.slice(i + 1)
}

// A topic pattern derived from a base topic, so that requests on (variants of) the base topic hit it sometimes.
function topicPattern(rng, base) {
  const kind = rng.weighted([
    [3, 'exact'], [3, 'suffix*'], [2, 'level*'], [2, 'char?'], [1, 'mid*'], [1, 'star'], [1, 'case'],
    [1, 'other'], [1, '??level']
  ])
  switch (kind) {
    case 'exact':
      return base
    case 'suffix*': {
      const cut = rng.int(base.length + 1)
      return base.slice(0, cut) + '*'
    }
    case 'level*': {
      const lv = base.split('/')
      lv[rng.int(lv.length)] = '*'
      return lv.join('/')
    }
    case 'char?': {
      const i = rng.int(base.length)
      return base.slice(0, i) + '?' + base.slice(i + 1)
    }
    case 'mid*': {
      const i = rng.int(base.length)
      return base.slice(0, i) + '*' + base.slice(i + 1 + rng.int(2))
    }
    case 'star':
      return '*'
    case 'case': {
      const letters = [...base].map((c, i) => (/[a-zA-Z]/.test(c) ? i : -1)).filter((i) => i >= 0)
      return letters.length ? flipCaseAt(base, rng.pick(letters)) : base
    }
    case '??level': {
      const lv = base.split('/')
      const i = rng.int(lv.length)
      lv[i] = '?'.repeat(Math.max(1, lv[i].length))
      return lv.join('/')
    }
    default:
      return randTopic(rng)
  }
}

// A request topic: the base topic itself or a small variation of it (extra level, other level, case change).
function requestTopic(rng, bases) {
  if (bases.length === 0 || rng.chance(0.2)) return randTopic(rng)
  const base = rng.pick(bases)
  const kind = rng.weighted([[5, 'same'], [2, 'extend'], [2, 'swap'], [1, 'case'], [1, 'trim']])
  const lv = base.split('/')
  switch (kind) {
    case 'extend':
      return base + '/' + rng.pick(LEVELS)
    case 'swap':
      lv[rng.int(lv.length)] = rng.pick(LEVELS)
      return lv.join('/')
    case 'case': {
      const letters = [...base].map((c, i) => (/[a-zA-Z]/.test(c) ? i : -1)).filter((i) => i >= 0)
      return letters.length ? flipCaseAt(base, rng.pick(letters)) : base
    }
    case 'trim':
      return lv.length > 1 ? lv.slice(0, -1).join('/') : base + 'b'
    default:
      return base
  }
}

// A Resource/NotResource entry. `type` is topic, topicfilter or client.
function resourceEntry(rng, type, bases) {
  const kind = rng.weighted([[20, 'plain'], [1, 'all'], [1, 'regionStar'], [1, 'accountStar'], [1, 'resStar'], [1, 'typeStar']])
  if (kind === 'all') return '*'
  if (kind === 'resStar') return ARN + '*'
  if (type === 'client') {
    const pat = rng.pick(CLIENT_PATTERNS)
    if (kind === 'regionStar') return `arn:aws:iot:*:${ACCOUNT}:client/${pat}`
    if (kind === 'accountStar') return `arn:aws:iot:${REGION}:*:client/${pat}`
    if (kind === 'typeStar') return ARN + 'cli*'
    return ARN + 'client/' + pat
  }
  const base = bases.length && rng.chance(0.85) ? rng.pick(bases) : randTopic(rng)
  if (!bases.includes(base)) bases.push(base)
  const pat = topicPattern(rng, base)
  if (kind === 'regionStar') return `arn:aws:iot:*:${ACCOUNT}:${type}/${pat}`
  if (kind === 'accountStar') return `arn:aws:iot:${REGION}:*:${type}/${pat}`
  if (kind === 'typeStar') return ARN + 'topic*' // matches topic/… and topicfilter/…
  return `${ARN}${type}/${pat}`
}

// ---------------------------------------------------------------------------------------------------------------
// Conditions. Every key is spelled exactly as it is supplied in the context (key-name case is R0 for IoT keys,
// vars §1). Keys that may be absent are only the made-up `test:` keys; aws:CurrentTime, aws:EpochTime,
// aws:SourceIp and iot:ClientId are always present (an absent global key is UNKNOWN in iotpolicy, vars §3 R0).

const TAG_VALUES = ['a', 'b', 'ab', 'alpha', 'ALPHA', 'Alpha', 'x*y', 'xzy', 'x.y']
const TAG_PATTERNS = ['a', 'ab', 'alpha', 'Alpha', 'x*y', 'a*', '*a', '?b', 'al*a', 'x?y', '*', 'A*', 'b', 'x.y', '*.*']
const NUM_VALUES = ['-5', '0', '3', '3.0', '3.5', '10', '42', '7.25']
const NUM_POLICY = ['-5', '0', '3', '3.00', '3.5', '10', '42', '7.25', '100', '-1.5']
const LIST_ITEMS = ['x', 'y', 'z', 'xy', 'X']
const LIST_PATTERNS = ['x', 'y', 'z', 'xy', 'x*', '?', '*y', 'X']
const ARN_VALUES = [
  `arn:aws:iot:us-east-1:${ACCOUNT}:thing/t1`,
  `arn:aws:iot:us-east-1:${ACCOUNT}:topic/a/b`,
  `arn:aws:iot:eu-west-1:${ACCOUNT}:topic/a`,
  `arn:aws:iot:us-east-1:999999999999:thing/t2`,
  `arn:aws:sqs:us-east-1:${ACCOUNT}:queue1`,
  `arn:aws:iot:us-east-1:${ACCOUNT}:topic/x:y`
]
const ARN_PATTERNS = [
  `arn:aws:iot:us-east-1:${ACCOUNT}:thing/t1`,
  `arn:aws:iot:*:${ACCOUNT}:thing/*`,
  `arn:aws:iot:us-east-1:*:thing/t?`,
  `arn:aws:iot:us-east-?:${ACCOUNT}:*`,
  `arn:aws:iot:*:${ACCOUNT}:topic/a*`,
  `arn:aws:*:us-east-1:${ACCOUNT}:*`,
  `arn:aws:iot:eu-west-1:${ACCOUNT}:topic/a`,
  `arn:aws:sqs:*:*:queue?`,
  `arn:*:iot:*:*:*`,
  `arn:aws:iot:*:${ACCOUNT}:topic/x*`
]
const ARN_LIST_ITEMS = ARN_VALUES.slice(0, 4)
const CIDRS_V4 = ['203.0.113.0/24', '203.0.113.0/25', '203.0.113.128/25', '198.51.100.0/24', '10.0.0.0/8', '0.0.0.0/0', '203.0.113.9/32', '203.0.0.0/16']
const BARE_V4 = ['203.0.113.9', '198.51.100.7']
const CIDRS_V6 = ['2001:db8::/32', '2001:db8:1::/48', '2001:DB8:2::/48', '::/0', 'fd00::/8']
const SOURCE_V4 = ['203.0.113.9', '203.0.113.200', '198.51.100.7', '10.1.2.3', '192.0.2.1']
const SOURCE_V6 = ['2001:db8:1::5', '2001:db8:2::abcd', 'fd00::1']
const TIMES = [
  '2029-06-01T12:00:00Z', '2030-01-01T00:00:00Z', '2030-01-01T00:00:01Z', '2031-03-15T08:30:00Z', '2025-12-31T23:59:59Z'
]
const TIME_POLICY = [
  '2030-01-01T00:00:00Z', '2029-06-01T12:00:00Z', '2030-01-01T01:00:00+01:00', '2031-01-01T00:00:00Z',
  '2029-12-31T19:00:00-05:00', '2026-01-01T00:00:00Z', '2030-06-01T00:00:00.500Z'
]
const EPOCH_POLICY = ['1893456000', '1875009600', '1900000000', '1767225599', '1893456001']

function epochOf(iso) {
  return String(Math.floor(Date.parse(iso) / 1000))
}

// Operators by family; each entry: [operator, key, value generator, allows a JSON-typed value]
const STRING_OPS = ['StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike']
const NUMERIC_OPS = ['NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals']
const DATE_OPS = ['DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals']
const ARN_OPS = ['ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike']
const SET_BASE_OPS = ['StringEquals', 'StringNotEquals', 'StringLike', 'StringNotLike', 'StringEqualsIgnoreCase']

function values(rng, pool, max = 3) {
  return rng.sample(pool, rng.range(1, max))
}

function asValue(rng, list) {
  return list.length === 1 && rng.chance(0.6) ? list[0] : list
}

// One (operator, key, values) triple of the given condition family.
function conditionPart(rng, family, ipv6) {
  const ifx = (op) => (rng.chance(0.25) ? op + 'IfExists' : op)
  switch (family) {
    case 'string': {
      const op = rng.pick(STRING_OPS)
      if (rng.chance(0.3)) return [ifx(op), 'iot:ClientId', values(rng, op.includes('Like') ? CLIENT_PATTERNS : CLIENT_IDS)]
      return [ifx(op), 'test:Tag', values(rng, op.includes('Like') ? TAG_PATTERNS : TAG_VALUES)]
    }
    case 'numeric': {
      const op = rng.pick(NUMERIC_OPS)
      if (rng.chance(0.3)) return [op, 'aws:EpochTime', values(rng, EPOCH_POLICY, 2)]
      const vals = values(rng, NUM_POLICY, 2)
      // quotes are optional for numbers (spec §1.4): sometimes a JSON number
      return [ifx(op), 'test:Num', rng.chance(0.3) ? vals.map(Number) : vals]
    }
    case 'date': {
      const op = rng.pick(DATE_OPS)
      if (rng.chance(0.2)) return [op, 'aws:EpochTime', values(rng, EPOCH_POLICY, 2)] // epoch vs epoch
      return [op, 'aws:CurrentTime', values(rng, TIME_POLICY, 2)]
    }
    case 'bool': {
      const v = rng.pick(['true', 'false'])
      return [rng.chance(0.3) ? 'BoolIfExists' : 'Bool', 'test:Flag', [rng.chance(0.3) ? v === 'true' : v]]
    }
    case 'ip': {
      const op = rng.pick(['IpAddress', 'NotIpAddress'])
      const pool = ipv6 ? [...CIDRS_V6, ...CIDRS_V4] : [...CIDRS_V4, ...BARE_V4, ...CIDRS_V6.slice(0, 2)]
      return [ifx(op), 'aws:SourceIp', values(rng, pool)]
    }
    case 'arn': {
      const op = rng.pick(ARN_OPS)
      return [ifx(op), 'test:Arn', values(rng, ARN_PATTERNS)]
    }
    case 'null': {
      const key = rng.pick(['test:Tag', 'test:Num', 'test:Flag', 'test:Arn', 'test:List', 'test:Missing', 'aws:SourceIp'])
      const v = rng.pick(['true', 'false'])
      return ['Null', key, [rng.chance(0.2) ? v === 'true' : v]]
    }
    case 'set': {
      const q = rng.pick(['ForAnyValue:', 'ForAllValues:'])
      if (rng.chance(0.25)) return [q + rng.pick(ARN_OPS), 'test:ArnList', values(rng, ARN_PATTERNS)]
      const op = rng.pick(SET_BASE_OPS)
      return [q + op, 'test:List', values(rng, op.includes('Like') ? LIST_PATTERNS : LIST_ITEMS)]
    }
    default:
      throw new Error('unknown condition family ' + family)
  }
}

const COND_FAMILIES = ['string', 'numeric', 'date', 'bool', 'ip', 'arn', 'null', 'set']

// A Condition block: 1-3 parts (several operators and several keys are AND, several values OR).
function condition(rng, families, ipv6) {
  const n = rng.weighted([[5, 1], [3, 2], [1, 3]])
  const cond = {}
  for (let i = 0; i < n; i++) {
    const [op, key, vals] = conditionPart(rng, rng.pick(families), ipv6)
    cond[op] ??= {}
    if (cond[op][key] !== undefined) continue // one key once per operator
    cond[op][key] = asValue(rng, vals)
  }
  return cond
}

// ---------------------------------------------------------------------------------------------------------------
// Statements, policies, connection, requests.

function resourceTypeFor(actionPattern, rng) {
  const a = actionPattern.toLowerCase()
  if (a === 'iot:subscribe' || a === 'iot:s*') return 'topicfilter'
  if (a === 'iot:connect' || a === 'iot:connec?') return 'client'
  if (a === 'iot:*' || a === '*' || a === 'iot:*e') return rng.weighted([[3, 'topic'], [2, 'topicfilter'], [1, 'client']])
  return 'topic'
}

function statement(rng, opts, bases) {
  const effect = rng.chance(opts.denyRate) ? 'Deny' : 'Allow'
  const nActions = rng.weighted([[6, 1], [3, 2], [1, 3]])
  const actions = []
  for (let i = 0; i < nActions; i++) actions.push(rng.weighted(ACTION_PATTERNS))
  const type = resourceTypeFor(actions[0], rng)
  const resources = []
  if (rng.chance(opts.broadRate ?? 0)) {
    // broad statements, so that the condition decides (condition families)
    resources.push(rng.pick(['*', ARN + '*', ARN + 'topic*', `${ARN}${type}/*`]))
  } else {
    const nRes = rng.weighted([[6, 1], [3, 2], [1, 3]])
    for (let i = 0; i < nRes; i++) {
      // a statement naming several actions may name several resource types
      const t = i === 0 ? type : rng.weighted([[3, type], [1, 'topic'], [1, 'topicfilter'], [1, 'client']])
      resources.push(resourceEntry(rng, t, bases))
    }
  }
  const st = { Effect: effect }
  const oneOrMany = (list) => (list.length === 1 && rng.chance(0.5) ? list[0] : list)
  if (rng.chance(opts.notActionRate)) st.NotAction = oneOrMany(actions)
  else st.Action = oneOrMany(actions)
  if (rng.chance(opts.notResourceRate)) st.NotResource = oneOrMany(resources)
  else st.Resource = oneOrMany(resources)
  if (rng.chance(opts.conditionRate)) st.Condition = condition(rng, opts.condFamilies, opts.ipv6)
  if (rng.chance(0.15)) st.Sid = 'S' + rng.int(1000)
  return st
}

function policy(rng, opts, bases) {
  const n = rng.weighted([[3, 1], [4, 2], [3, 3], [1, 4]])
  const statements = []
  for (let i = 0; i < n; i++) statements.push(statement(rng, opts, bases))
  return { Version: '2012-10-17', Statement: statements.length === 1 && rng.chance(0.2) ? statements[0] : statements }
}

// Connection-level context: the global keys conditions use are always present; `test:` keys sometimes absent.
function connectionContext(rng) {
  const time = rng.pick(TIMES)
  const ctx = { 'aws:CurrentTime': time, 'aws:EpochTime': epochOf(time) }
  if (rng.chance(0.8)) ctx['test:Tag'] = rng.pick(TAG_VALUES)
  if (rng.chance(0.8)) ctx['test:Num'] = rng.pick(NUM_VALUES)
  if (rng.chance(0.7)) ctx['test:Flag'] = rng.pick(['true', 'false'])
  if (rng.chance(0.7)) ctx['test:Arn'] = rng.pick(ARN_VALUES)
  if (rng.chance(0.75)) ctx['test:List'] = rng.sample(LIST_ITEMS, rng.range(0, 3))
  if (rng.chance(0.5)) ctx['test:ArnList'] = rng.sample(ARN_LIST_ITEMS, rng.range(1, 3))
  return ctx
}

// A per-request context override (merged over the connection's context).
function requestContext(rng) {
  const ctx = {}
  const k = rng.pick(['test:Tag', 'test:Num', 'test:Flag', 'test:List', 'time'])
  if (k === 'test:Tag') ctx[k] = rng.pick(TAG_VALUES)
  else if (k === 'test:Num') ctx[k] = rng.pick(NUM_VALUES)
  else if (k === 'test:Flag') ctx[k] = rng.pick(['true', 'false'])
  else if (k === 'test:List') ctx[k] = rng.sample(LIST_ITEMS, rng.range(0, 3))
  else {
    const time = rng.pick(TIMES)
    ctx['aws:CurrentTime'] = time
    ctx['aws:EpochTime'] = epochOf(time)
  }
  return ctx
}

// The concrete request actions some Action/NotAction pattern of the case names (glob, case-insensitive).
function namedActions(policies) {
  const out = new Set()
  for (const p of policies) {
    for (const st of [p.Statement].flat()) {
      for (const pat of [st.Action ?? st.NotAction].flat()) {
        const re = new RegExp('^' + pat.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 'i')
        for (const [, a] of REQUEST_ACTIONS) if (re.test(a)) out.add(a)
      }
    }
  }
  return [...out]
}

function request(rng, bases, named) {
  const action = named.length && rng.chance(0.75) ? rng.pick(named) : rng.weighted(REQUEST_ACTIONS)
  const req = { action }
  if (action === 'iot:Subscribe') req.topicFilter = requestTopic(rng, bases)
  else if (action !== 'iot:Connect') req.topic = requestTopic(rng, bases)
  if (rng.chance(0.05) && action !== 'iot:Connect') {
    // an explicit ARN in another region (matched only by region wildcards)
    const type = action === 'iot:Subscribe' ? 'topicfilter' : 'topic'
    const name = req.topic ?? req.topicFilter
    delete req.topic
    delete req.topicFilter
    req.resource = `arn:aws:iot:eu-west-1:${ACCOUNT}:${type}/${name}`
  }
  if (rng.chance(0.2)) req.context = requestContext(rng)
  return req
}

// Case families: each sets the knobs of the statement generator. Weights give the share of cases.
const FAMILIES = [
  [3, 'actions', { denyRate: 0.2, notActionRate: 0, notResourceRate: 0, conditionRate: 0, condFamilies: [] }],
  [3, 'resources', { denyRate: 0.2, notActionRate: 0, notResourceRate: 0, conditionRate: 0, condFamilies: [] }],
  [2, 'not-elements', { denyRate: 0.35, notActionRate: 0.45, notResourceRate: 0.45, conditionRate: 0, condFamilies: [] }],
  [2, 'precedence', { denyRate: 0.45, notActionRate: 0.1, notResourceRate: 0.1, conditionRate: 0.2, condFamilies: COND_FAMILIES, minPolicies: 2 }],
  [2, 'cond-string', { denyRate: 0.25, notActionRate: 0, notResourceRate: 0, conditionRate: 0.85, broadRate: 0.5, condFamilies: ['string'] }],
  [2, 'cond-numeric', { denyRate: 0.25, notActionRate: 0, notResourceRate: 0, conditionRate: 0.85, broadRate: 0.5, condFamilies: ['numeric'] }],
  [2, 'cond-date', { denyRate: 0.25, notActionRate: 0, notResourceRate: 0, conditionRate: 0.85, broadRate: 0.5, condFamilies: ['date'] }],
  [1, 'cond-bool', { denyRate: 0.25, notActionRate: 0, notResourceRate: 0, conditionRate: 0.85, broadRate: 0.5, condFamilies: ['bool'] }],
  [2, 'cond-ip', { denyRate: 0.25, notActionRate: 0, notResourceRate: 0, conditionRate: 0.85, broadRate: 0.5, condFamilies: ['ip'] }],
  [2, 'cond-arn', { denyRate: 0.25, notActionRate: 0, notResourceRate: 0, conditionRate: 0.85, broadRate: 0.5, condFamilies: ['arn'] }],
  [2, 'cond-null-ifexists', { denyRate: 0.3, notActionRate: 0, notResourceRate: 0, conditionRate: 0.85, broadRate: 0.5, condFamilies: ['null', 'string', 'numeric', 'bool', 'arn'] }],
  [2, 'cond-sets', { denyRate: 0.25, notActionRate: 0, notResourceRate: 0, conditionRate: 0.85, broadRate: 0.5, condFamilies: ['set'] }],
  [3, 'cond-mixed', { denyRate: 0.3, notActionRate: 0.1, notResourceRate: 0.1, conditionRate: 0.8, broadRate: 0.3, condFamilies: COND_FAMILIES }]
]

export function generateCase(rng, id) {
  const [, family, base] = rng.weighted(FAMILIES.map((f) => [f[0], f]))
  const ipv6 = family === 'cond-ip' || family === 'cond-mixed' ? rng.chance(0.3) : false
  const opts = { ...base, ipv6 }
  const bases = []
  const nPolicies = Math.max(opts.minPolicies ?? 1, rng.weighted([[5, 1], [3, 2], [2, 3]]))
  const policies = []
  for (let i = 0; i < nPolicies; i++) policies.push(policy(rng, opts, bases))
  const clientId = rng.pick(CLIENT_IDS)
  const connection = {
    name: 'c' + id,
    clientId,
    auth: 'x509',
    protocol: 'mqtt',
    sourceIp: ipv6 ? rng.pick(SOURCE_V6) : rng.pick(SOURCE_V4),
    context: connectionContext(rng)
  }
  const nRequests = rng.range(3, 7)
  const named = namedActions(policies)
  const requests = []
  for (let i = 0; i < nRequests; i++) requests.push(request(rng, bases, named))
  return { id, family, policies, connection, requests }
}

export function generateCases({ count = 600, seed = 1 } = {}) {
  const rng = makeRng(seed)
  const cases = []
  for (let i = 0; i < count; i++) cases.push(generateCase(rng, i))
  return cases
}

// ---------------------------------------------------------------------------------------------------------------
// What both evaluators are asked: action, full resource ARN, context.

export function requestArn(connection, req) {
  if (req.resource) return req.resource
  if (req.topicFilter !== undefined) return ARN + 'topicfilter/' + req.topicFilter
  if (req.topic !== undefined) return ARN + 'topic/' + req.topic
  if (req.action === 'iot:Connect') return ARN + 'client/' + connection.clientId
  throw new Error('request without resource: ' + JSON.stringify(req))
}

// iotpolicy adds iot:ClientId and aws:SourceIp to every MQTT request; the request's context overrides the
// connection's.
export function requestContextFor(connection, req) {
  return {
    ...connection.context,
    ...(req.context ?? {}),
    'iot:ClientId': connection.clientId,
    'aws:SourceIp': connection.sourceIp
  }
}

// The scenario file for iotpolicy.
export function scenarioFor(c) {
  return {
    policies: c.policies,
    region: REGION,
    account: ACCOUNT,
    connections: [{ ...c.connection, requests: c.requests }]
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2)
  const opt = (name, dflt) => {
    const i = args.indexOf(name)
    return i >= 0 ? args[i + 1] : dflt
  }
  const cases = generateCases({ count: Number(opt('--count', 600)), seed: opt('--seed', '1') })
  const text = JSON.stringify(cases, null, 1) + '\n'
  const out = opt('--out')
  if (out) writeFileSync(out, text)
  else process.stdout.write(text)
}
