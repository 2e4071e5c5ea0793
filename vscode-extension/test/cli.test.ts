// Tests of the CLI runner (cli.ts) with stand-in executables; the real CLI is run in diagnostics.test.ts.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';

import { interpretLintOutcome, isRuleId, lintArgs, lintText, parseRuleTable, resolveExecutable, runProcess, runRules } from '../cli';

const posix = process.platform !== 'win32';
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'iotpolicy-vscode-test-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** An executable Node script standing in for iotpolicy. */
function fakeCli(name: string, body: string): string {
  const file = path.join(scratch, name);
  fs.writeFileSync(file, `#!${process.execPath}\n${body}\n`, { mode: 0o755 });
  return file;
}

test('lint arguments: JSON, never failing on findings, the name glued to its option, stdin', () => {
  assert.deepEqual(lintArgs('/a b/-odd policy.json'), ['lint', '--format', 'json', '--fail-on', 'never', '--stdin-filename=/a b/-odd policy.json', '-']);
});

test('rule ids are checked before they reach a command line', () => {
  assert.ok(isRuleId('IOT004'));
  assert.ok(isRuleId('invalid-version'));
  assert.ok(!isRuleId('--help'));
  assert.ok(!isRuleId('-x'));
  assert.ok(!isRuleId('IOT004; rm -rf /'));
  assert.ok(!isRuleId(''));
});

test('the iotpolicy.path setting resolves like a command, a home path or a workspace path', () => {
  const context = { workspaceFolder: '/ws', homeDir: '/home/me' };
  assert.equal(resolveExecutable('iotpolicy', context), 'iotpolicy', 'a bare name is left for PATH');
  assert.equal(resolveExecutable('', context), 'iotpolicy');
  assert.equal(resolveExecutable(undefined, context), 'iotpolicy');
  assert.equal(resolveExecutable('  /opt/bin/iotpolicy ', context), '/opt/bin/iotpolicy');
  if (posix) {
    assert.equal(resolveExecutable('~/bin/iotpolicy', context), '/home/me/bin/iotpolicy');
    assert.equal(resolveExecutable('build/iotpolicy', context), '/ws/build/iotpolicy');
    assert.equal(resolveExecutable('./build/iotpolicy', context), '/ws/build/iotpolicy');
    assert.equal(resolveExecutable('${workspaceFolder}/build/iotpolicy', context), '/ws/build/iotpolicy');
    assert.equal(resolveExecutable('build/iotpolicy', { workspaceFolder: undefined, homeDir: '/h' }), 'build/iotpolicy');
  }
});

test('the rules table is parsed into codes, names and summaries', () => {
  const table = [
    'CODE    NAME                      LEVEL    CATEGORY   SUMMARY',
    'IOT001  invalid-json              error    structure  The document is not valid JSON (RFC 8259)',
    'IOT009  duplicate-sid             warning  structure  Two statements share one Sid',
    '',
  ].join('\n');
  assert.deepEqual(parseRuleTable(table), [
    { code: 'IOT001', name: 'invalid-json', level: 'error', summary: 'The document is not valid JSON (RFC 8259)' },
    { code: 'IOT009', name: 'duplicate-sid', level: 'warning', summary: 'Two statements share one Sid' },
  ]);
  assert.deepEqual(parseRuleTable('garbage'), []);
});

test('a missing executable is reported as not found', async () => {
  const missing = path.join(scratch, 'no-such-iotpolicy');
  const result = await lintText(missing, '{}', 'p.json').result;
  assert.deepEqual(result, { kind: 'notFound', command: missing });
  const bare = await lintText('iotpolicy-surely-not-on-path-3b1f', '{}', 'p.json').result;
  assert.equal(bare.kind, 'notFound');
  assert.equal((await runRules(missing, 'IOT004')).kind, 'notFound');
});

test('exit statuses: 0 and 1 carry a report, 2 is an error quoting stderr, a signal is an error', () => {
  const exited = (exitCode: number | null, signal: NodeJS.Signals | null = null) =>
    ({ kind: 'exited', exitCode, signal, stdout: '{"version":1}', stderr: 'iotpolicy: error: cannot read x\n' }) as const;
  assert.equal(interpretLintOutcome('iotpolicy', exited(0)).kind, 'report');
  assert.equal(interpretLintOutcome('iotpolicy', exited(1)).kind, 'report');
  assert.deepEqual(interpretLintOutcome('iotpolicy', exited(2)), { kind: 'error', message: '"iotpolicy" exited with status 2: iotpolicy: error: cannot read x' });
  assert.match(JSON.stringify(interpretLintOutcome('iotpolicy', exited(null, 'SIGSEGV'))), /killed by signal SIGSEGV/);
  assert.match(JSON.stringify(interpretLintOutcome('x', { kind: 'spawnError', code: 'EACCES', message: 'spawn x EACCES' })), /not executable/);
});

test('the document goes in on stdin as UTF-8 and the output comes back whole', { skip: !posix && 'needs a #! script' }, async () => {
  // Echo stdin back (as the "message") and the arguments, in large output split over many chunks.
  const echo = fakeCli(
    'echo-cli',
    `let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (c) => { input += c; });
process.stdin.on('end', () => {
  const padding = '😀'.repeat(100000);
  process.stdout.write(JSON.stringify({ version: 1, files: 1, diagnostics: [], input, args: process.argv.slice(2), padding }));
  process.stderr.write('Found 0 problems\\n');
  process.exitCode = 1;
});`,
  );
  const text = '{"Sid": "😀 é \\u0000", "x": "${iot:ClientId}" }\n$(echo no) `no` \'no\'';
  const result = await lintText(echo, text, 'my policy.json').result;
  assert.equal(result.kind, 'report');
  if (result.kind !== 'report') return;
  const output = JSON.parse(result.stdout) as { input: string; args: string[]; padding: string };
  assert.equal(output.input, text);
  assert.deepEqual(output.args, lintArgs('my policy.json'));
  assert.equal(output.padding, '😀'.repeat(100000), 'multi-byte characters split across chunks survive');
  assert.equal(result.stderr, 'Found 0 problems\n');
});

test('a usage error (status 2) surfaces stderr', { skip: !posix && 'needs a #! script' }, async () => {
  const failing = fakeCli('failing-cli', `process.stderr.write("iotpolicy: error: the option --format got 'jsonx'\\n"); process.exitCode = 2;`);
  const result = await lintText(failing, '{}', 'p.json').result;
  assert.equal(result.kind, 'error');
  assert.match(result.kind === 'error' ? result.message : '', /status 2: iotpolicy: error: the option --format/);
  const rules = await runRules(failing, 'IOT999');
  assert.equal(rules.kind, 'error');
});

test('a run can be cancelled, and a hung run times out', { skip: !posix && 'needs a #! script' }, async () => {
  const hang = fakeCli('hanging-cli', 'setInterval(() => undefined, 1000);');
  const handle = lintText(hang, '{}', 'p.json');
  setTimeout(() => handle.cancel(), 50);
  assert.deepEqual(await handle.result, { kind: 'cancelled' });
  const timed = await runProcess(hang, [], { timeoutMs: 100 }).result;
  assert.deepEqual(timed, { kind: 'timedOut', timeoutMs: 100 });
  const big = fakeCli('chatty-cli', "process.stdout.write('x'.repeat(1 << 20));");
  assert.deepEqual(await runProcess(big, [], { maxOutputBytes: 1000 }).result, { kind: 'outputTooLarge', limitBytes: 1000 });
});
