/**
 * Procfile command lines as container commands, for every driver. A command
 * runs through `/bin/sh -c` (Procfile lines are shell: `$PORT`, `&&`), with
 * `exec` in front when that is safe so the app, not the shell, gets the
 * SIGTERM of a stop. The image's ENTRYPOINT is kept (as Dokku does) so
 * wrapper entrypoints that prepare the environment still run: the command
 * replaces CMD on Docker and `args` on Kubernetes.
 */

const RESERVED_WORDS = new Set([
  '!', '{', '}', '[[', ']]', 'case', 'do', 'done', 'elif', 'else', 'esac', 'fi', 'for', 'function', 'if', 'in',
  'select', 'then', 'time', 'until', 'while',
]);
/** Builtins: `exec` needs a program file, and minimal images lack /bin/echo and friends. */
const BUILTINS = new Set([
  '.', ':', '[', 'alias', 'bg', 'break', 'cd', 'command', 'continue', 'echo', 'eval', 'exec', 'exit', 'export',
  'false', 'fg', 'getopts', 'hash', 'jobs', 'kill', 'local', 'printf', 'pwd', 'read', 'readonly', 'return', 'set',
  'shift', 'source', 'test', 'times', 'trap', 'true', 'type', 'ulimit', 'umask', 'unalias', 'unset', 'wait',
]);

/**
 * The command with quoted text blanked out (POSIX quoting: '…' literal, "…"
 * and \ escapes), so operators inside quotes (`node -e "a(); b()"`) do not
 * count. Undefined when a quote is left open.
 */
export function unquotedText(command: string): string | undefined {
  let out = '';
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      out += '_';
    } else if (c === '\\') {
      i++;
      out += '__';
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      out += '_';
    } else if (c === "'" || c === '"') {
      quote = c;
      out += '_';
    } else {
      out += c;
    }
  }
  return quote === undefined ? out : undefined;
}

/**
 * Whether `exec` can safely prefix a Procfile command: one simple command
 * that names a program. Debian's dash does not replace itself with the last
 * command of `sh -c`, so without `exec` the app is a child of sh, and the
 * SIGTERM that `stop` sends (through docker-init to its one child) reaches
 * sh, not the app: sh dies, the container ends and the app never gets to
 * shut down gracefully. Anything with operators, assignments or builtins
 * keeps plain `sh -c` semantics.
 */
export function canExec(command: string): boolean {
  const unquoted = unquotedText(command.trim());
  if (unquoted === undefined || unquoted === '' || /[;&|\n()`]/.test(unquoted)) return false;
  const first = command.trim().split(/\s+/)[0]!;
  // A quoted or escaped program name is rare; not worth guessing what it expands to.
  if (/['"\\]/.test(first) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(first)) return false;
  return !RESERVED_WORDS.has(first) && !BUILTINS.has(first);
}

/** The container command (CMD, or Kubernetes `args`) for a Procfile line. */
export function shellCommand(command: string): string[] {
  return ['/bin/sh', '-c', canExec(command) ? `exec ${command.trim()}` : command];
}
