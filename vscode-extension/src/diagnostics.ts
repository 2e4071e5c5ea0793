// Turns the output of `iotpolicy lint --format json` into editor diagnostics.
//
// This module is pure: it imports neither `vscode` nor anything that touches processes or files, so it
// runs (and is tested) under plain Node. The extension maps its plain objects onto vscode.Diagnostic.
// When the language server (`iotpolicy lsp`) lands, the server computes ranges itself and this
// conversion goes away with the CLI runner.
//
// The CLI reports positions as 1-based lines and 1-based columns counted in Unicode code points, with an
// exclusive end column, plus UTF-8 byte offsets. VS Code wants 0-based lines and 0-based columns counted
// in UTF-16 code units, so a character above U+FFFF (an emoji, say) is one CLI column but two VS Code
// columns. The conversion walks the document's line text.

/** The `source` shown next to every diagnostic. */
export const SOURCE = 'iotpolicy';

/** Where the lint-rules/<code>-<name>/ folders are published (same as the CLI's SARIF helpUri). */
export const DOCS_BASE_URL = 'https://github.com/iotpolicy/iotpolicy/blob/main/lint-rules/';

/** Where to send people for a rule whose folder name is unknown (the output lacked its name). */
export const DOCS_INDEX_URL = 'https://github.com/iotpolicy/iotpolicy/tree/main/lint-rules';

/** The only version of the JSON output format this module understands. */
export const OUTPUT_FORMAT_VERSION = 1;

/** One entry of the CLI's "diagnostics" array, after validation. */
export interface CliDiagnostic {
  file: string | undefined;
  rule: string;
  name: string | undefined;
  severity: string;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  offset: number | undefined;
  endOffset: number | undefined;
}

export interface LintReport {
  version: number;
  files: number | undefined;
  diagnostics: CliDiagnostic[];
}

export type ParseResult =
  | { ok: true; report: LintReport; warnings: string[] }
  | { ok: false; error: string };

/** A position in VS Code's terms: 0-based line, 0-based UTF-16 character. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** Names, not numbers, so the extension maps them explicitly onto vscode.DiagnosticSeverity. */
export type EditorSeverity = 'error' | 'warning' | 'information' | 'hint';

export interface EditorDiagnostic {
  range: Range;
  severity: EditorSeverity;
  message: string;
  source: typeof SOURCE;
  code: { value: string; target: string };
  /** The rule's name, e.g. "invalid-version", when the CLI gave one. */
  ruleName: string | undefined;
}

/** The lines of a document, as VS Code splits them (on \r\n, \r and \n; the terminators are not part of a line). */
export interface LineSource {
  readonly lineCount: number;
  lineText(line: number): string;
}

export interface ConvertResult {
  diagnostics: EditorDiagnostic[];
  /** Set when the output could not be used at all; diagnostics is then empty. */
  error: string | undefined;
  /** Entries that were skipped or looked odd; worth logging, not worth a notification. */
  warnings: string[];
}

/** Splits text into lines the way VS Code's TextDocument does. */
export function linesFromText(text: string): LineSource {
  const lines = text.split(/\r\n|\r|\n/);
  return {
    lineCount: lines.length,
    lineText: (line: number): string => lines[line] ?? '',
  };
}

/** The documentation link for a rule: DOCS_BASE_URL + "<code>-<name>/README.md". */
export function ruleDocsUrl(code: string, name: string | undefined): string {
  if (name === undefined || name === '') {
    return DOCS_INDEX_URL;
  }
  return `${DOCS_BASE_URL}${encodeURIComponent(`${code}-${name}`)}/README.md`;
}

/** Maps the CLI's severity words ("error", "warning", "info") onto the editor's. */
export function mapSeverity(severity: string): EditorSeverity {
  switch (severity.toLowerCase()) {
    case 'error':
      return 'error';
    case 'warning':
      return 'warning';
    case 'info':
    case 'information':
    case 'note':
      return 'information';
    case 'hint':
      return 'hint';
    default:
      // A severity this version does not know: show it rather than drop it, and not as an error.
      return 'warning';
  }
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/**
 * Converts a 1-based column counted in code points into a 0-based UTF-16 offset within `lineText`.
 * Columns before the line's start clamp to 0; columns past its end clamp to its length (the CLI puts an
 * exclusive end, or a diagnostic at the end of the input, one past the last character).
 * A lone surrogate counts as one code point, as it does once written to the CLI as UTF-8 (U+FFFD).
 */
export function codePointColumnToUtf16(lineText: string, column: number): number {
  let remaining = Math.max(0, Math.floor(column) - 1);
  let index = 0;
  while (remaining > 0 && index < lineText.length) {
    const unit = lineText.charCodeAt(index);
    const paired = isHighSurrogate(unit) && index + 1 < lineText.length && isLowSurrogate(lineText.charCodeAt(index + 1));
    index += paired ? 2 : 1;
    remaining -= 1;
  }
  return index;
}

/** Converts a CLI position (1-based line, 1-based code-point column) into an editor position. */
export function toPosition(lines: LineSource, line: number, column: number): Position {
  if (lines.lineCount <= 0) {
    return { line: 0, character: 0 };
  }
  const last = lines.lineCount - 1;
  const line0 = Math.floor(line) - 1;
  if (line0 > last) {
    // Past the end of the document (it changed since the CLI saw it, say): the end of the last line.
    return { line: last, character: lines.lineText(last).length };
  }
  const clamped = Math.max(0, line0);
  return { line: clamped, character: codePointColumnToUtf16(lines.lineText(clamped), column) };
}

function comparePositions(a: Position, b: Position): number {
  return a.line !== b.line ? a.line - b.line : a.character - b.character;
}

/** Converts a CLI span into an editor range; an end before the start collapses onto the start. */
export function toRange(lines: LineSource, d: Pick<CliDiagnostic, 'line' | 'column' | 'endLine' | 'endColumn'>): Range {
  const start = toPosition(lines, d.line, d.column);
  const end = toPosition(lines, d.endLine, d.endColumn);
  return { start, end: comparePositions(end, start) < 0 ? start : end };
}

export function toEditorDiagnostic(lines: LineSource, d: CliDiagnostic): EditorDiagnostic {
  return {
    range: toRange(lines, d),
    severity: mapSeverity(d.severity),
    message: d.message,
    source: SOURCE,
    code: { value: d.rule, target: ruleDocsUrl(d.rule, d.name) },
    ruleName: d.name,
  };
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function excerpt(text: string, max = 200): string {
  const trimmed = text.trim();
  return trimmed.length > max ? `${trimmed.slice(0, max)}…` : trimmed;
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1;
}

function optionalNonNegativeInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Validates one entry; returns a reason string when it cannot be used. */
function parseEntry(entry: unknown): CliDiagnostic | string {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    return `it is ${describe(entry)}, not an object`;
  }
  const e = entry as Record<string, unknown>;
  if (typeof e.rule !== 'string' || e.rule === '') {
    return `its "rule" is ${describe(e.rule)}`;
  }
  if (typeof e.message !== 'string') {
    return `its "message" is ${describe(e.message)}`;
  }
  if (!isPositiveInteger(e.line) || !isPositiveInteger(e.column)) {
    return `its "line"/"column" are ${describe(e.line)}/${describe(e.column)}, not 1-based integers`;
  }
  // A missing end means a point diagnostic at the start.
  const endLine = e.endLine === undefined ? e.line : e.endLine;
  const endColumn = e.endColumn === undefined ? e.column : e.endColumn;
  if (!isPositiveInteger(endLine) || !isPositiveInteger(endColumn)) {
    return `its "endLine"/"endColumn" are ${describe(e.endLine)}/${describe(e.endColumn)}, not 1-based integers`;
  }
  return {
    file: optionalString(e.file),
    rule: e.rule,
    name: optionalString(e.name) || undefined,
    severity: typeof e.severity === 'string' ? e.severity : 'warning',
    message: e.message,
    line: e.line,
    column: e.column,
    endLine,
    endColumn,
    offset: optionalNonNegativeInteger(e.offset),
    endOffset: optionalNonNegativeInteger(e.endOffset),
  };
}

/**
 * Parses what `iotpolicy lint --format json` printed on standard output. Never throws: output that is
 * empty, not JSON, or not the expected shape gives { ok: false, error }. Individual malformed entries are
 * skipped with a warning so one odd entry does not hide the others.
 */
export function parseLintOutput(stdout: string): ParseResult {
  if (stdout.trim() === '') {
    return { ok: false, error: 'iotpolicy printed nothing on standard output (expected its JSON report)' };
  }
  let document: unknown;
  try {
    document = JSON.parse(stdout);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, error: `iotpolicy's output is not valid JSON (${reason}); it began: ${excerpt(stdout)}` };
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return { ok: false, error: `iotpolicy's output is ${describe(document)}, not the expected JSON object` };
  }
  const root = document as Record<string, unknown>;
  if (root.version !== OUTPUT_FORMAT_VERSION) {
    const found = root.version === undefined ? 'has no format version' : `has format version ${describe(root.version)}`;
    return {
      ok: false,
      error:
        `iotpolicy's output ${found}; this extension reads version ${OUTPUT_FORMAT_VERSION}: ` +
        'use an iotpolicy and an extension of matching releases',
    };
  }
  if (root.diagnostics === undefined) {
    return { ok: false, error: `iotpolicy's output has no "diagnostics" array` };
  }
  if (!Array.isArray(root.diagnostics)) {
    return { ok: false, error: `iotpolicy's output "diagnostics" is ${describe(root.diagnostics)}, not an array` };
  }
  const diagnostics: CliDiagnostic[] = [];
  const warnings: string[] = [];
  root.diagnostics.forEach((entry, index) => {
    const parsed = parseEntry(entry);
    if (typeof parsed === 'string') {
      warnings.push(`skipped diagnostic #${index + 1} in iotpolicy's output: ${parsed}`);
    } else {
      diagnostics.push(parsed);
    }
  });
  const files = typeof root.files === 'number' ? root.files : undefined;
  return { ok: true, report: { version: OUTPUT_FORMAT_VERSION, files, diagnostics }, warnings };
}

export interface ConvertOptions {
  /** When set, entries whose "file" is present and differs are skipped (they are about another document). */
  file?: string;
}

/** Parses the CLI's output and converts every usable entry against the document's lines. Never throws. */
export function convertLintOutput(stdout: string, lines: LineSource, options: ConvertOptions = {}): ConvertResult {
  const parsed = parseLintOutput(stdout);
  if (!parsed.ok) {
    return { diagnostics: [], error: parsed.error, warnings: [] };
  }
  const warnings = [...parsed.warnings];
  const diagnostics: EditorDiagnostic[] = [];
  for (const d of parsed.report.diagnostics) {
    if (options.file !== undefined && d.file !== undefined && d.file !== options.file) {
      warnings.push(`skipped a ${d.rule} diagnostic about "${d.file}", not "${options.file}"`);
      continue;
    }
    diagnostics.push(toEditorDiagnostic(lines, d));
  }
  return { diagnostics, error: undefined, warnings };
}
