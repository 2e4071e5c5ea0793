// The VS Code side: which documents are policies, when to lint them, and how results and errors show.
//
// Today every lint is one run of the CLI (`iotpolicy lint --format json ... -`, see cli.ts), whose JSON
// is converted by the pure diagnostics.ts. When `iotpolicy lsp` lands, CliLinter is replaced by a
// language client started with the same document selector (policySelector) and the same settings; the
// rule-docs command and its code action stay as they are.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

import { isRuleId, lintText, parseRuleTable, resolveExecutable, runRules, type LintHandle } from './cli';
import { convertLintOutput, SOURCE, type EditorDiagnostic, type EditorSeverity, type LineSource } from './diagnostics';

const SECTION = 'iotpolicy';
const RULE_DOCS_SCHEME = 'iotpolicy-rule';
const DEFAULT_INCLUDE = ['**/*policy*.json', '**/policies/**/*.json'];

interface Settings {
  path: string;
  lintOnType: boolean;
  debounceMs: number;
  include: string[];
}

function readSettings(scope: vscode.Uri | undefined): Settings {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  const include = config.get<unknown>('include');
  const debounce = config.get<unknown>('debounceMs');
  return {
    path: config.get<string>('path') ?? 'iotpolicy',
    lintOnType: config.get<boolean>('lintOnType') ?? true,
    debounceMs: typeof debounce === 'number' && Number.isFinite(debounce) ? Math.min(Math.max(debounce, 0), 10_000) : 300,
    include: Array.isArray(include) ? include.filter((p): p is string => typeof p === 'string' && p !== '') : DEFAULT_INCLUDE,
  };
}

/** The documents that are IoT policies: JSON(C) files on disk whose path matches one of the globs. */
export function policySelector(include: readonly string[]): vscode.DocumentFilter[] {
  return include.flatMap((pattern) => [
    { language: 'json', scheme: 'file', pattern },
    { language: 'jsonc', scheme: 'file', pattern },
  ]);
}

function isPolicy(document: vscode.TextDocument): boolean {
  const selector = policySelector(readSettings(document.uri).include);
  return selector.length > 0 && vscode.languages.match(selector, document) > 0;
}

function workspaceFolderPath(uri: vscode.Uri | undefined): string | undefined {
  const folder = (uri && vscode.workspace.getWorkspaceFolder(uri)) ?? vscode.workspace.workspaceFolders?.[0];
  return folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
}

function executableFor(uri: vscode.Uri | undefined): { configured: string; command: string; cwd: string | undefined } {
  const settings = readSettings(uri);
  const folder = workspaceFolderPath(uri);
  const command = resolveExecutable(settings.path, { workspaceFolder: folder });
  // The document's own folder, else the workspace folder; never a folder that is gone (spawn would then
  // fail with ENOENT, which would read as "executable not found").
  const candidates = [uri?.scheme === 'file' ? path.dirname(uri.fsPath) : undefined, folder];
  const cwd = candidates.find((dir) => dir !== undefined && fs.existsSync(dir));
  return { configured: settings.path, command, cwd };
}

function toVscodeSeverity(severity: EditorSeverity): vscode.DiagnosticSeverity {
  switch (severity) {
    case 'error':
      return vscode.DiagnosticSeverity.Error;
    case 'warning':
      return vscode.DiagnosticSeverity.Warning;
    case 'information':
      return vscode.DiagnosticSeverity.Information;
    case 'hint':
      return vscode.DiagnosticSeverity.Hint;
  }
}

function toVscodeDiagnostic(d: EditorDiagnostic): vscode.Diagnostic {
  const range = new vscode.Range(d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character);
  const diagnostic = new vscode.Diagnostic(range, d.message, toVscodeSeverity(d.severity));
  diagnostic.source = d.source;
  diagnostic.code = { value: d.code.value, target: vscode.Uri.parse(d.code.target) };
  return diagnostic;
}

function linesOf(document: vscode.TextDocument): LineSource {
  return { lineCount: document.lineCount, lineText: (line: number) => document.lineAt(line).text };
}

/** Shows each distinct problem once, not once per keystroke; forgotten on success or a settings change. */
class Notifier {
  private readonly shown = new Set<string>();

  constructor(private readonly output: vscode.OutputChannel) {}

  reset(): void {
    this.shown.clear();
  }

  notFound(configured: string, command: string): void {
    const key = `notFound:${command}`;
    const where = command === configured ? `"${configured}"` : `"${configured}" (looked for ${command})`;
    const message =
      `iotpolicy: the linter executable ${where} was not found, so IoT policies are not being linted. ` +
      'Install iotpolicy or set "iotpolicy.path" to its full path.';
    this.output.appendLine(message);
    if (this.shown.has(key)) {
      return;
    }
    this.shown.add(key);
    void vscode.window.showErrorMessage(message, 'Open Settings').then((choice) => {
      if (choice === 'Open Settings') {
        void vscode.commands.executeCommand('workbench.action.openSettings', 'iotpolicy.path');
      }
    });
  }

  error(message: string): void {
    this.output.appendLine(message);
    if (this.shown.has(message)) {
      return;
    }
    this.shown.add(message);
    void vscode.window.showErrorMessage(`iotpolicy: ${message}`, 'Show Output').then((choice) => {
      if (choice === 'Show Output') {
        this.output.show(true);
      }
    });
  }
}

interface Run {
  handle: LintHandle;
  version: number;
}

/** Lints policy documents by running the CLI on open, on save and (debounced) on change. */
class CliLinter implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(SOURCE);
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, Run>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private disposed = false;

  constructor(private readonly output: vscode.OutputChannel, private readonly notifier: Notifier) {}

  start(): void {
    this.subscriptions.push(
      vscode.workspace.onDidOpenTextDocument((document) => this.lintIfPolicy(document)),
      vscode.workspace.onDidSaveTextDocument((document) => this.lintIfPolicy(document)),
      vscode.workspace.onDidChangeTextDocument((event) => this.onChange(event)),
      vscode.workspace.onDidCloseTextDocument((document) => this.forget(document.uri)),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(SECTION)) {
          this.notifier.reset();
          this.relintAll();
        }
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.relintAll()),
    );
    this.relintAll();
  }

  /** The diagnostics this linter currently shows for a document. */
  diagnosticsFor(uri: vscode.Uri): readonly vscode.Diagnostic[] {
    return this.collection.get(uri) ?? [];
  }

  private relintAll(): void {
    for (const document of vscode.workspace.textDocuments) {
      if (isPolicy(document)) {
        void this.lint(document);
      } else {
        this.forget(document.uri);
      }
    }
  }

  private lintIfPolicy(document: vscode.TextDocument): void {
    if (isPolicy(document)) {
      void this.lint(document);
    } else {
      // A document that stopped matching (renamed, language changed) keeps no stale diagnostics.
      this.forget(document.uri);
    }
  }

  private onChange(event: vscode.TextDocumentChangeEvent): void {
    const { document } = event;
    if (event.contentChanges.length === 0 || !isPolicy(document)) {
      return;
    }
    const settings = readSettings(document.uri);
    if (!settings.lintOnType) {
      return;
    }
    const key = document.uri.toString();
    this.clearTimer(key);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        if (!document.isClosed) {
          void this.lint(document);
        }
      }, settings.debounceMs),
    );
  }

  private clearTimer(key: string): void {
    const timer = this.timers.get(key);
    if (timer !== undefined) {
      clearTimeout(timer);
      this.timers.delete(key);
    }
  }

  private cancelRun(key: string): void {
    const run = this.running.get(key);
    if (run !== undefined) {
      this.running.delete(key);
      run.handle.cancel();
    }
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    this.clearTimer(key);
    this.cancelRun(key);
    this.collection.delete(uri);
  }

  private async lint(document: vscode.TextDocument): Promise<void> {
    if (this.disposed) {
      return;
    }
    const key = document.uri.toString();
    this.clearTimer(key);
    // A previous run for this document is out of date: stop it rather than let it finish.
    this.cancelRun(key);

    const { configured, command, cwd } = executableFor(document.uri);
    const stdinFilename = document.uri.scheme === 'file' ? document.uri.fsPath : document.uri.toString();
    const handle = lintText(command, document.getText(), stdinFilename, { cwd });
    const run: Run = { handle, version: document.version };
    this.running.set(key, run);

    const result = await handle.result;
    if (this.running.get(key) !== run) {
      return; // cancelled or superseded by a newer run
    }
    this.running.delete(key);
    if (this.disposed || document.isClosed) {
      return;
    }

    switch (result.kind) {
      case 'cancelled':
        return;
      case 'notFound':
        this.collection.delete(document.uri);
        this.notifier.notFound(configured, command);
        return;
      case 'error':
        this.notifier.error(result.message);
        return;
      case 'report': {
        if (document.version !== run.version && readSettings(document.uri).lintOnType) {
          return; // the text changed meanwhile; the debounced run for the new text will report
        }
        const converted = convertLintOutput(result.stdout, linesOf(document), { file: stdinFilename });
        for (const warning of converted.warnings) {
          this.output.appendLine(`${document.uri.fsPath}: ${warning}`);
        }
        if (converted.error !== undefined) {
          this.notifier.error(converted.error);
          return;
        }
        this.notifier.reset();
        this.collection.set(document.uri, converted.diagnostics.map(toVscodeDiagnostic));
        return;
      }
    }
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    for (const timer of this.timers.values()) {
      clearTimeout(timer);
    }
    this.timers.clear();
    for (const run of this.running.values()) {
      run.handle.cancel();
    }
    this.running.clear();
    for (const subscription of this.subscriptions) {
      subscription.dispose();
    }
    this.subscriptions.length = 0;
    this.collection.dispose();
  }
}

/** Read-only documents iotpolicy-rule:/IOT004.md holding `iotpolicy rules IOT004`, for the Markdown preview. */
class RuleDocsProvider implements vscode.TextDocumentContentProvider {
  private readonly cache = new Map<string, string>();

  static uriFor(ruleId: string): vscode.Uri {
    return vscode.Uri.from({ scheme: RULE_DOCS_SCHEME, path: `/${ruleId}.md` });
  }

  remember(ruleId: string, markdown: string): void {
    this.cache.set(ruleId, markdown);
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const ruleId = path.posix.basename(uri.path, '.md');
    const cached = this.cache.get(ruleId);
    if (cached !== undefined) {
      return cached;
    }
    const { command, cwd } = executableFor(vscode.window.activeTextEditor?.document.uri);
    const result = await runRules(command, ruleId, { cwd });
    if (result.kind === 'ok') {
      this.cache.set(ruleId, result.text);
      return result.text;
    }
    return `# ${ruleId}\n\nThe documentation could not be loaded: ${result.kind === 'notFound' ? `"${command}" was not found` : result.message}\n`;
  }
}

/** The rule code under the cursor, if an iotpolicy diagnostic is there. */
function ruleAtCursor(linter: CliLinter): string | undefined {
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined) {
    return undefined;
  }
  const position = editor.selection.active;
  const diagnostic = linter.diagnosticsFor(editor.document.uri).find((d) => d.range.contains(position));
  return diagnostic ? codeOf(diagnostic) : undefined;
}

function codeOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (typeof code === 'string' || typeof code === 'number') {
    return String(code);
  }
  return code === undefined ? undefined : String(code.value);
}

/** Asks which rule to show: a pick from `iotpolicy rules`, else free text. */
async function pickRule(linter: CliLinter, notifier: Notifier): Promise<string | undefined> {
  const suggested = ruleAtCursor(linter);
  const { configured, command, cwd } = executableFor(vscode.window.activeTextEditor?.document.uri);
  const table = await runRules(command, undefined, { cwd });
  if (table.kind === 'notFound') {
    notifier.notFound(configured, command);
    return undefined;
  }
  const rules = table.kind === 'ok' ? parseRuleTable(table.text) : [];
  if (rules.length === 0) {
    return vscode.window.showInputBox({ prompt: 'iotpolicy rule code or name', value: suggested ?? 'IOT001', validateInput: (v) => (isRuleId(v.trim()) ? undefined : 'e.g. IOT004 or invalid-version') });
  }
  const items = rules.map((rule) => ({ label: rule.code, description: `${rule.name} (${rule.level})`, detail: rule.summary, picked: rule.code === suggested }));
  items.sort((a, b) => Number(b.picked) - Number(a.picked));
  const choice = await vscode.window.showQuickPick(items, { placeHolder: 'Which iotpolicy rule?', matchOnDescription: true, matchOnDetail: true });
  return choice?.label;
}

function ruleIdFromArgument(argument: unknown): string | undefined {
  if (typeof argument === 'string') {
    return argument;
  }
  if (typeof argument === 'object' && argument !== null) {
    const value = (argument as { value?: unknown; code?: unknown }).value ?? (argument as { code?: unknown }).code;
    if (typeof value === 'string') {
      return value;
    }
    if (typeof value === 'object' && value !== null && typeof (value as { value?: unknown }).value === 'string') {
      return (value as { value: string }).value;
    }
  }
  return undefined;
}

async function showRuleDocs(argument: unknown, linter: CliLinter, notifier: Notifier, provider: RuleDocsProvider): Promise<void> {
  const ruleId = (ruleIdFromArgument(argument) ?? (await pickRule(linter, notifier)))?.trim();
  if (ruleId === undefined || ruleId === '') {
    return;
  }
  if (!isRuleId(ruleId)) {
    void vscode.window.showErrorMessage(`iotpolicy: "${ruleId}" is not a rule code or name (e.g. IOT004).`);
    return;
  }
  const { configured, command, cwd } = executableFor(vscode.window.activeTextEditor?.document.uri);
  const result = await runRules(command, ruleId, { cwd });
  if (result.kind === 'notFound') {
    notifier.notFound(configured, command);
    return;
  }
  if (result.kind === 'error') {
    void vscode.window.showErrorMessage(`iotpolicy: ${result.message}`);
    return;
  }
  provider.remember(ruleId, result.text);
  const uri = RuleDocsProvider.uriFor(ruleId);
  try {
    await vscode.commands.executeCommand('markdown.showPreview', uri);
  } catch {
    // The built-in Markdown extension is disabled: show the Markdown source instead.
    // The ".md" path makes it a Markdown document.
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { preview: true });
  }
}

/** A light-bulb action "Show documentation for IOT004" on every iotpolicy diagnostic. */
class RuleDocsActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  provideCodeActions(_document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const seen = new Set<string>();
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      const code = diagnostic.source === SOURCE ? codeOf(diagnostic) : undefined;
      if (code === undefined || seen.has(code)) {
        continue;
      }
      seen.add(code);
      const action = new vscode.CodeAction(`Show documentation for ${code}`, vscode.CodeActionKind.QuickFix);
      action.command = { command: 'iotpolicy.showRuleDocs', title: `Show documentation for ${code}`, arguments: [code] };
      action.diagnostics = [diagnostic];
      actions.push(action);
    }
    return actions;
  }
}

let active: vscode.Disposable | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('iotpolicy');
  const notifier = new Notifier(output);
  const linter = new CliLinter(output, notifier);
  const provider = new RuleDocsProvider();
  const disposables: vscode.Disposable[] = [
    output,
    linter,
    vscode.workspace.registerTextDocumentContentProvider(RULE_DOCS_SCHEME, provider),
    vscode.commands.registerCommand('iotpolicy.showRuleDocs', (argument: unknown) => showRuleDocs(argument, linter, notifier, provider)),
    vscode.languages.registerCodeActionsProvider([{ language: 'json' }, { language: 'jsonc' }], new RuleDocsActions(), {
      providedCodeActionKinds: RuleDocsActions.kinds,
    }),
  ];
  active = vscode.Disposable.from(...disposables);
  context.subscriptions.push(active);
  linter.start();
}

export function deactivate(): void {
  // VS Code also disposes context.subscriptions; doing it here kills any running lint at once.
  active?.dispose();
  active = undefined;
}
