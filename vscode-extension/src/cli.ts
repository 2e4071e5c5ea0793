// Runs the iotpolicy CLI. No `vscode` import: this runs (and is tested) under plain Node.
//
// The process is always spawned directly (never through a shell) with its arguments as an array, and
// the document goes in on standard input, so nothing in a file name or a document is ever interpreted.
// This module is what the language server replaces: once `iotpolicy lsp` exists, the extension starts
// that one long-lived process through a language client instead of one `lint` run per change.

import { spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';

/** Arguments for linting one document read from standard input. */
export function lintArgs(stdinFilename: string): string[] {
  // "--opt=value" in one argument, so a name starting with "-" cannot be taken for an option.
  return ['lint', '--format', 'json', '--fail-on', 'never', `--stdin-filename=${stdinFilename}`, '-'];
}

/** A rule code or name as `iotpolicy rules` takes it; anything else is refused before spawning. */
export function isRuleId(value: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(value);
}

export interface ResolveContext {
  /** The folder that relative paths and ${workspaceFolder} refer to, if any. */
  workspaceFolder: string | undefined;
  homeDir?: string;
}

/**
 * Turns the `iotpolicy.path` setting into what to spawn. A bare name ("iotpolicy") is left for the OS to
 * find on PATH; "~/" and "${workspaceFolder}" are expanded; a relative path containing a separator is
 * resolved against the workspace folder.
 */
export function resolveExecutable(configured: string | undefined, context: ResolveContext): string {
  let value = (configured ?? '').trim();
  if (value === '') {
    value = 'iotpolicy';
  }
  const home = context.homeDir ?? os.homedir();
  if (value === '~' || value.startsWith('~/') || value.startsWith('~\\')) {
    value = path.join(home, value.slice(1));
  }
  if (context.workspaceFolder !== undefined) {
    value = value.split('${workspaceFolder}').join(context.workspaceFolder);
  }
  const hasSeparator = value.includes('/') || value.includes('\\');
  if (hasSeparator && !path.isAbsolute(value) && context.workspaceFolder !== undefined) {
    value = path.resolve(context.workspaceFolder, value);
  }
  return value;
}

export type ProcessOutcome =
  | { kind: 'exited'; exitCode: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }
  /** The process could not be started: ENOENT (not found), EACCES (not executable), ... */
  | { kind: 'spawnError'; code: string | undefined; message: string }
  | { kind: 'cancelled' }
  | { kind: 'timedOut'; timeoutMs: number }
  | { kind: 'outputTooLarge'; limitBytes: number };

export interface ProcessHandle {
  readonly result: Promise<ProcessOutcome>;
  /** Kills the process if it is still running; `result` then settles as cancelled. */
  cancel(): void;
}

export interface RunOptions {
  input?: string;
  cwd?: string;
  timeoutMs?: number;
  maxOutputBytes?: number;
  env?: NodeJS.ProcessEnv;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_OUTPUT_BYTES = 32 * 1024 * 1024;

/** Spawns `command` with `args` (no shell), writes `input` to its stdin as UTF-8 and collects its output. */
export function runProcess(command: string, args: readonly string[], options: RunOptions = {}): ProcessHandle {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  let settle: (outcome: ProcessOutcome) => void = () => undefined;
  const result = new Promise<ProcessOutcome>((resolve) => {
    settle = resolve;
  });
  let settled = false;
  const finish = (outcome: ProcessOutcome): void => {
    if (!settled) {
      settled = true;
      clearTimeout(timer);
      settle(outcome);
    }
  };

  let child: ReturnType<typeof spawn>;
  try {
    child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      shell: false,
      windowsHide: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (error) {
    // spawn throws synchronously for some bad arguments (e.g. a NUL byte in the command).
    const err = error as NodeJS.ErrnoException;
    return { result: Promise.resolve({ kind: 'spawnError', code: err.code, message: err.message }), cancel: () => undefined };
  }

  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill();
    }
  };
  const timer = setTimeout(() => {
    kill();
    finish({ kind: 'timedOut', timeoutMs });
  }, timeoutMs);

  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  let outputBytes = 0;
  const collect = (sink: Buffer[]) => (chunk: Buffer): void => {
    outputBytes += chunk.length;
    if (outputBytes > maxOutputBytes) {
      kill();
      finish({ kind: 'outputTooLarge', limitBytes: maxOutputBytes });
      return;
    }
    sink.push(chunk);
  };
  child.stdout?.on('data', collect(stdout));
  child.stderr?.on('data', collect(stderr));

  child.on('error', (error: NodeJS.ErrnoException) => {
    finish({ kind: 'spawnError', code: error.code, message: error.message });
  });
  child.on('close', (exitCode, signal) => {
    // Decode only once everything is in, so a multi-byte character split across chunks survives.
    finish({
      kind: 'exited',
      exitCode,
      signal,
      stdout: Buffer.concat(stdout).toString('utf8'),
      stderr: Buffer.concat(stderr).toString('utf8'),
    });
  });

  if (child.stdin) {
    // EPIPE when the process exits (or fails to start) before reading everything: the exit says why.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '', 'utf8');
  }

  return {
    result,
    cancel: (): void => {
      if (!settled) {
        kill();
        finish({ kind: 'cancelled' });
      }
    },
  };
}

/** What one lint run came to, from the extension's point of view. */
export type LintRunResult =
  /** The CLI ran and printed its report (exit status 0 or 1). */
  | { kind: 'report'; stdout: string; stderr: string }
  /** The executable does not exist (or is not on PATH). */
  | { kind: 'notFound'; command: string }
  | { kind: 'cancelled' }
  /** Anything else: not executable, usage/I-O error (status 2), crash, timeout. */
  | { kind: 'error'; message: string };

/** Interprets a finished process the way `iotpolicy lint` documents its exit status. */
export function interpretLintOutcome(command: string, outcome: ProcessOutcome): LintRunResult {
  switch (outcome.kind) {
    case 'cancelled':
      return { kind: 'cancelled' };
    case 'spawnError':
      if (outcome.code === 'ENOENT') {
        return { kind: 'notFound', command };
      }
      if (outcome.code === 'EACCES') {
        return { kind: 'error', message: `cannot run "${command}": it is not executable (EACCES)` };
      }
      return { kind: 'error', message: `cannot run "${command}": ${outcome.message}` };
    case 'timedOut':
      return { kind: 'error', message: `"${command}" did not finish within ${outcome.timeoutMs} ms and was stopped` };
    case 'outputTooLarge':
      return { kind: 'error', message: `"${command}" printed more than ${outcome.limitBytes} bytes and was stopped` };
    case 'exited': {
      if (outcome.exitCode === 0 || outcome.exitCode === 1) {
        return { kind: 'report', stdout: outcome.stdout, stderr: outcome.stderr };
      }
      const detail = outcome.stderr.trim();
      const how =
        outcome.exitCode !== null ? `exited with status ${outcome.exitCode}` : `was killed by signal ${outcome.signal ?? '?'}`;
      return { kind: 'error', message: `"${command}" ${how}${detail ? `: ${detail}` : ''}` };
    }
  }
}

export interface LintHandle {
  readonly result: Promise<LintRunResult>;
  cancel(): void;
}

/** Lints one document: `<command> lint --format json --fail-on never --stdin-filename=NAME -`. */
export function lintText(command: string, text: string, stdinFilename: string, options: Omit<RunOptions, 'input'> = {}): LintHandle {
  const handle = runProcess(command, lintArgs(stdinFilename), { ...options, input: text });
  return { result: handle.result.then((outcome) => interpretLintOutcome(command, outcome)), cancel: handle.cancel };
}

export type RulesResult =
  | { kind: 'ok'; text: string }
  | { kind: 'notFound'; command: string }
  | { kind: 'error'; message: string };

/** Runs `<command> rules [ID]`: one rule's Markdown documentation, or the table of all rules. */
export async function runRules(command: string, ruleId: string | undefined, options: Omit<RunOptions, 'input'> = {}): Promise<RulesResult> {
  if (ruleId !== undefined && !isRuleId(ruleId)) {
    return { kind: 'error', message: `"${ruleId}" is not a rule code or name` };
  }
  const args = ruleId === undefined ? ['rules'] : ['rules', ruleId];
  const outcome = await runProcess(command, args, options).result;
  if (outcome.kind === 'exited' && outcome.exitCode === 0) {
    return { kind: 'ok', text: outcome.stdout };
  }
  if (outcome.kind === 'exited') {
    // `rules` has no "findings" status: 1 is as much a failure as 2.
    const detail = outcome.stderr.trim();
    const how = outcome.exitCode !== null ? `exited with status ${outcome.exitCode}` : `was killed by signal ${outcome.signal ?? '?'}`;
    return { kind: 'error', message: `"${command} ${args.join(' ')}" ${how}${detail ? `: ${detail}` : ''}` };
  }
  const interpreted = interpretLintOutcome(command, outcome);
  if (interpreted.kind === 'notFound') {
    return interpreted;
  }
  return { kind: 'error', message: interpreted.kind === 'error' ? interpreted.message : `"${command} ${args.join(' ')}" was cancelled` };
}

export interface RuleSummary {
  code: string;
  name: string;
  level: string;
  summary: string;
}

/** Parses the table `iotpolicy rules` prints (CODE NAME LEVEL CATEGORY SUMMARY); unknown lines are ignored. */
export function parseRuleTable(text: string): RuleSummary[] {
  const rules: RuleSummary[] = [];
  for (const line of text.split(/\r?\n/)) {
    const match = /^([A-Z]+[0-9]+)\s+(\S+)\s+(\S+)\s+\S+\s+(.*)$/.exec(line);
    if (match) {
      rules.push({ code: match[1] ?? '', name: match[2] ?? '', level: match[3] ?? '', summary: (match[4] ?? '').trim() });
    }
  }
  return rules;
}
