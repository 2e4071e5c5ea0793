// Tests of the pure conversion module, plus one end-to-end run of the real CLI (IOTPOLICY_BIN).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';

import { lintText } from '../cli';
import {
  codePointColumnToUtf16,
  convertLintOutput,
  DOCS_INDEX_URL,
  linesFromText,
  mapSeverity,
  parseLintOutput,
  ruleDocsUrl,
  toPosition,
  type CliDiagnostic,
  type EditorDiagnostic,
  type Range,
} from '../diagnostics';

/** The CLI's JSON report around some diagnostics (only the fields given are set). */
function report(diagnostics: object[], file = 'policy.json'): string {
  return JSON.stringify({ version: 1, files: 1, diagnostics: diagnostics.map((d) => ({ file, ...d })) }, null, 2);
}

/** The text a range covers, the way VS Code would slice the document (UTF-16 offsets). */
function slice(text: string, range: Range): string {
  const lines = text.split(/\r\n|\r|\n/);
  const starts: number[] = [];
  let at = 0;
  const separators = text.match(/\r\n|\r|\n/g) ?? [];
  lines.forEach((line, i) => {
    starts.push(at);
    at += line.length + (separators[i]?.length ?? 0);
  });
  const offset = (p: Range['start']): number => (starts[p.line] ?? 0) + p.character;
  return text.slice(offset(range.start), offset(range.end));
}

function only(result: { diagnostics: EditorDiagnostic[]; error: string | undefined }): EditorDiagnostic {
  assert.equal(result.error, undefined);
  assert.equal(result.diagnostics.length, 1);
  return result.diagnostics[0] as EditorDiagnostic;
}

test('code-point columns become UTF-16 offsets', () => {
  assert.equal(codePointColumnToUtf16('abc', 1), 0);
  assert.equal(codePointColumnToUtf16('abc', 3), 2);
  assert.equal(codePointColumnToUtf16('abc', 4), 3, 'the exclusive end one past the last character');
  assert.equal(codePointColumnToUtf16('abc', 99), 3, 'clamped to the line length');
  assert.equal(codePointColumnToUtf16('abc', 0), 0, 'clamped to the line start');
  // U+1F600 is one code point, two UTF-16 units; U+00E9 and U+4E2D are one of each.
  assert.equal(codePointColumnToUtf16('😀x', 2), 2);
  assert.equal(codePointColumnToUtf16('é中😀😀x', 5), 6);
  assert.equal(codePointColumnToUtf16('é中😀😀x', 6), 7);
  assert.equal(codePointColumnToUtf16('é中😀😀x', 7), 7);
  // A lone surrogate reaches the CLI as U+FFFD: one column, one unit.
  assert.equal(codePointColumnToUtf16('\ud800x', 2), 1);
  assert.equal(codePointColumnToUtf16('x\udc00y', 3), 2);
});

test('an emoji before the span shifts it by one UTF-16 unit per emoji', () => {
  // Positions as the CLI prints them for this document (code points; byte offsets count 4 per emoji).
  const text = '{"Sid":"😀😀", "Version": "2012-10-18", "Statement": []}';
  const stdout = report([
    { rule: 'IOT004', name: 'invalid-version', severity: 'error', message: 'unknown version', line: 1, column: 25, endLine: 1, endColumn: 37, offset: 30, endOffset: 42 },
  ]);
  const d = only(convertLintOutput(stdout, linesFromText(text)));
  assert.deepEqual(d.range, { start: { line: 0, character: 26 }, end: { line: 0, character: 38 } });
  assert.equal(slice(text, d.range), '"2012-10-18"');
  assert.equal(text.indexOf('"2012-10-18"'), 26);
  assert.equal(Buffer.from(text, 'utf8').subarray(30, 42).toString('utf8'), '"2012-10-18"', 'the byte offsets agree');
});

test('an emoji on a later line does not disturb the line before it, and shifts its own line', () => {
  const text = '{\n  "Sid": "😀",\n  "Version": "2012-10-18", "Effect": "😀 Allow"\n}';
  // Line 3: `  "Version": "2012-10-18", "Effect": "😀 Allow"`; "Allow" is columns 41-45 (1-based, code points).
  const stdout = report([
    { rule: 'IOT005', name: 'invalid-effect', severity: 'error', message: 'x', line: 3, column: 41, endLine: 3, endColumn: 46 },
    { rule: 'IOT003', name: 'unknown-element', severity: 'error', message: 'x', line: 2, column: 3, endLine: 2, endColumn: 8 },
  ]);
  const result = convertLintOutput(stdout, linesFromText(text));
  assert.equal(result.error, undefined);
  const [effect, sid] = result.diagnostics as [EditorDiagnostic, EditorDiagnostic];
  assert.equal(slice(text, effect.range), 'Allow');
  assert.deepEqual(effect.range.start, { line: 2, character: 41 });
  assert.equal(slice(text, sid.range), '"Sid"');
});

test('multi-line spans convert both ends, with LF, CRLF and lone CR line breaks', () => {
  for (const eol of ['\n', '\r\n', '\r']) {
    const text = `{"Version": "2012-10-17",${eol} "Statement": [${eol} ]}`;
    // As the CLI reports the empty Statement for this document (the same for each line break).
    const stdout = report([
      { rule: 'IOT006', name: 'invalid-statement-shape', severity: 'error', message: 'empty', line: 2, column: 15, endLine: 3, endColumn: 3 },
    ]);
    const d = only(convertLintOutput(stdout, linesFromText(text)));
    assert.deepEqual(d.range, { start: { line: 1, character: 14 }, end: { line: 2, character: 2 } }, JSON.stringify(eol));
    assert.equal(slice(text, d.range), `[${eol} ]`);
  }
});

test('a multi-line span with emoji on both lines', () => {
  const text = '{"A": ["😀", \n "😀😀", 1]}';
  // Span from the 😀 string on line 1 (column 8) to the end of "😀😀" on line 2 (exclusive column 6).
  const stdout = report([{ rule: 'IOT007', name: 'wrong-type', severity: 'warning', message: 'x', line: 1, column: 8, endLine: 2, endColumn: 6 }]);
  const d = only(convertLintOutput(stdout, linesFromText(text)));
  assert.deepEqual(d.range, { start: { line: 0, character: 7 }, end: { line: 1, character: 7 } });
  assert.equal(slice(text, d.range), '"😀", \n "😀😀"');
});

test('severity, source, message and the code with its documentation link', () => {
  const stdout = report([
    { rule: 'IOT004', name: 'invalid-version', severity: 'error', message: 'bad version', line: 1, column: 1, endLine: 1, endColumn: 2 },
    { rule: 'IOT009', name: 'duplicate-sid', severity: 'warning', message: 'dup', line: 1, column: 1, endLine: 1, endColumn: 2 },
    { rule: 'IOT010', name: 'some-info', severity: 'info', message: 'fyi', line: 1, column: 1, endLine: 1, endColumn: 2 },
  ]);
  const result = convertLintOutput(stdout, linesFromText('{}'));
  assert.equal(result.error, undefined);
  assert.deepEqual(
    result.diagnostics.map((d) => [d.severity, d.source, d.message, d.code.value, d.code.target]),
    [
      ['error', 'iotpolicy', 'bad version', 'IOT004', 'https://github.com/iotpolicy/iotpolicy/blob/main/lint-rules/IOT004-invalid-version/README.md'],
      ['warning', 'iotpolicy', 'dup', 'IOT009', 'https://github.com/iotpolicy/iotpolicy/blob/main/lint-rules/IOT009-duplicate-sid/README.md'],
      ['information', 'iotpolicy', 'fyi', 'IOT010', 'https://github.com/iotpolicy/iotpolicy/blob/main/lint-rules/IOT010-some-info/README.md'],
    ],
  );
  assert.equal(mapSeverity('ERROR'), 'error');
  assert.equal(mapSeverity('note'), 'information');
  assert.equal(mapSeverity('hint'), 'hint');
  assert.equal(mapSeverity('catastrophe'), 'warning', 'an unknown severity is shown, as a warning');
  assert.equal(ruleDocsUrl('IOT004', undefined), DOCS_INDEX_URL);
});

test('positions outside the document are clamped, and an end before the start collapses', () => {
  const lines = linesFromText('{\n  "a": 1\n}');
  assert.deepEqual(toPosition(lines, 9, 1), { line: 2, character: 1 }, 'past the last line: end of the document');
  assert.deepEqual(toPosition(lines, 2, 50), { line: 1, character: 8 }, 'past the end of a line: end of that line');
  assert.deepEqual(toPosition(linesFromText(''), 1, 1), { line: 0, character: 0 }, 'the empty document');
  const backwards = report([{ rule: 'IOT001', name: 'invalid-json', severity: 'error', message: 'x', line: 2, column: 5, endLine: 1, endColumn: 1 }]);
  const d = only(convertLintOutput(backwards, lines));
  assert.deepEqual(d.range, { start: { line: 1, character: 4 }, end: { line: 1, character: 4 } });
  // The CLI's diagnostic for an empty file: a zero-width span at 1:1.
  const empty = report([{ rule: 'IOT001', name: 'invalid-json', severity: 'error', message: 'the file is empty', line: 1, column: 1, endLine: 1, endColumn: 1 }]);
  assert.deepEqual(only(convertLintOutput(empty, linesFromText(''))).range, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
});

test('no diagnostics is an empty list, not an error', () => {
  const result = convertLintOutput('{"version":1,"files":1,"diagnostics":[]}\n', linesFromText('{}'));
  assert.deepEqual(result, { diagnostics: [], error: undefined, warnings: [] });
});

test('malformed CLI output gives an error message instead of throwing', () => {
  const lines = linesFromText('{}');
  const cases: Array<[string, RegExp]> = [
    ['', /printed nothing/],
    ['   \n', /printed nothing/],
    ['Segmentation fault (core dumped)', /not valid JSON.*Segmentation fault/],
    ['{"version":1,"files":1,"diagnostics":[{"rule":"IOT001"', /not valid JSON/],
    ['null', /is null, not the expected JSON object/],
    ['[1,2]', /is an array/],
    ['"text"', /is string "text"/],
    ['{"files":1,"diagnostics":[]}', /has no format version; this extension reads version 1/],
    ['{"version":2,"files":1,"diagnostics":[]}', /format version number 2; this extension reads version 1/],
    ['{"version":1,"files":1}', /has no "diagnostics" array/],
    ['{"version":1,"files":1,"diagnostics":{}}', /"diagnostics" is an object, not an array/],
  ];
  for (const [stdout, expected] of cases) {
    const result = convertLintOutput(stdout, lines); // a throw fails the test
    assert.deepEqual(result.diagnostics, [], `output ${JSON.stringify(stdout)}`);
    assert.match(result.error ?? '', expected, `output ${JSON.stringify(stdout)}`);
    const parsed = parseLintOutput(stdout);
    assert.equal(parsed.ok, false);
  }
  // A very long garbage output is quoted only in part.
  const long = convertLintOutput('x'.repeat(10_000), lines);
  assert.ok((long.error ?? '').length < 400, 'the message quotes an excerpt');
});

test('malformed entries are skipped with a warning and the good ones kept', () => {
  const good = { rule: 'IOT004', name: 'invalid-version', severity: 'error', message: 'ok', line: 1, column: 1, endLine: 1, endColumn: 2 };
  const stdout = JSON.stringify({
    version: 1,
    files: 1,
    diagnostics: [
      good,
      'not an object',
      { ...good, rule: 42 },
      { ...good, message: null },
      { ...good, line: 0 },
      { ...good, column: 1.5 },
      { ...good, endLine: 'x' },
      { rule: 'IOT001', message: 'no end, no name, no severity', line: 1, column: 2 },
    ],
  });
  const result = convertLintOutput(stdout, linesFromText('{}'));
  assert.equal(result.error, undefined);
  assert.equal(result.warnings.length, 6);
  assert.match(result.warnings[0] ?? '', /#2.*not an object/);
  assert.deepEqual(
    result.diagnostics.map((d) => [d.code.value, d.severity, d.range]),
    [
      ['IOT004', 'error', { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }],
      ['IOT001', 'warning', { start: { line: 0, character: 1 }, end: { line: 0, character: 1 } }],
    ],
  );
  assert.equal(result.diagnostics[1]?.code.target, DOCS_INDEX_URL);
});

test('entries about another file are skipped when a file name is given', () => {
  const d = { rule: 'IOT004', name: 'invalid-version', severity: 'error', message: 'x', line: 1, column: 1, endLine: 1, endColumn: 2 };
  const stdout = JSON.stringify({ version: 1, files: 2, diagnostics: [{ ...d, file: 'a.json' }, { ...d, file: 'b.json' }, d] });
  const result = convertLintOutput(stdout, linesFromText('{}'), { file: 'a.json' });
  assert.equal(result.diagnostics.length, 2, 'a.json and the entry without a file');
  assert.match(result.warnings[0] ?? '', /b\.json/);
});

const bin = process.env.IOTPOLICY_BIN;
test(
  'the real CLI: its positions convert to the right UTF-16 ranges',
  { skip: bin ? false : 'IOTPOLICY_BIN is not set: set it to the iotpolicy binary (e.g. build/iotpolicy) to run this test' },
  async () => {
    const executable = bin ?? '';
    assert.ok(fs.existsSync(executable), `IOTPOLICY_BIN=${executable} does not exist`);
    const text = [
      '{',
      '  "Version": "2012-10-18",',
      '  "Statement": [{"Sid": "😀😀 héllo", "Effect": "Alow", "Action": "iot:Connect", "Resource": "*"},',
      '    {"Sid": "😀", "Effect": "Allow", "Action": "iot:Publish", "Resource": "*", "Effect": "Deny"}],',
      '  "Extra": [',
      '  ]',
      '}',
    ].join('\n');
    const run = await lintText(executable, text, 'bad-policy.json').result;
    assert.equal(run.kind, 'report', JSON.stringify(run));
    if (run.kind !== 'report') return;
    const parsed = parseLintOutput(run.stdout);
    if (!parsed.ok) {
      assert.fail(`the CLI's output did not parse: ${parsed.error}`);
    }
    const raws: CliDiagnostic[] = parsed.report.diagnostics;
    const result = convertLintOutput(run.stdout, linesFromText(text), { file: 'bad-policy.json' });
    assert.equal(result.error, undefined);
    assert.deepEqual(result.warnings, []);

    // Every range covers exactly the bytes the CLI's offsets name: the column conversion and the byte
    // offsets agree for every diagnostic, whatever the rules report.
    const bytes = Buffer.from(text, 'utf8');
    for (const [i, d] of result.diagnostics.entries()) {
      const raw: CliDiagnostic | undefined = raws[i];
      assert.ok(raw?.offset !== undefined && raw.endOffset !== undefined);
      assert.equal(slice(text, d.range), bytes.subarray(raw.offset, raw.endOffset).toString('utf8'), `${d.code.value}: ${d.message}`);
      assert.equal(d.source, 'iotpolicy');
      assert.equal(d.code.target, `https://github.com/iotpolicy/iotpolicy/blob/main/lint-rules/${d.code.value}-${raw.name ?? ''}/README.md`);
    }

    const find = (code: string, covered: string): EditorDiagnostic => {
      const found = result.diagnostics.find((d) => d.code.value === code && slice(text, d.range) === covered);
      assert.ok(found, `expected ${code} on ${JSON.stringify(covered)}; got ${JSON.stringify(result.diagnostics.map((d) => [d.code.value, slice(text, d.range)]))}`);
      return found;
    };
    const version = find('IOT004', '"2012-10-18"');
    assert.deepEqual(version.range, { start: { line: 1, character: 13 }, end: { line: 1, character: 25 } });
    assert.equal(version.severity, 'error');
    // After two emoji and an "é" on the same line: 2 extra UTF-16 units, and no shift for the é.
    const effect = find('IOT005', '"Alow"');
    const line2 = text.split('\n')[2] ?? '';
    assert.deepEqual(effect.range, {
      start: { line: 2, character: line2.indexOf('"Alow"') },
      end: { line: 2, character: line2.indexOf('"Alow"') + 6 },
    });
    find('IOT002', '"Effect"');
    find('IOT003', '"Extra"');
  },
);
