/**
 * Turning API records into terminal text: aligned tables, aligned
 * `Key: value` blocks (Heroku's info style), shell-quoted values and dates.
 * Pure string functions; commands decide where the text goes.
 *
 * Text that came from the server is passed through `printable` before it
 * reaches a table, so a description holding escape sequences or newlines
 * cannot repaint the user's terminal or break the columns.
 */

export interface Column<T> {
  header: string;
  value(row: T): string;
}

/** Columns separated by two spaces, a dashed rule under the headers. */
export function table<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) => columns.map((c) => printable(c.value(row))));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
  const render = (values: readonly string[]) =>
    values.map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!))).join('  ').trimEnd();
  return [
    render(columns.map((c) => c.header)),
    render(widths.map((w) => '─'.repeat(w))),
    ...cells.map(render),
  ].join('\n') + '\n';
}

/**
 * `Key: value` lines with the values aligned. Lines after the first of a
 * multi-line value are indented to the value column so the block stays
 * readable; other control characters are escaped.
 */
export function keyValues(pairs: readonly (readonly [string, string])[]): string {
  const width = Math.max(0, ...pairs.map(([key]) => printable(key).length + 1));
  return pairs.map(([key, value]) => {
    const label = `${printable(key)}:`.padEnd(width);
    const lines = value.split('\n').map((l) => printable(l, { keepTabs: true }));
    return `${label} ${lines.join(`\n${' '.repeat(width + 1)}`)}`.trimEnd();
  }).join('\n') + (pairs.length > 0 ? '\n' : '');
}

/** `=== title` section header, as Heroku prints before info blocks. */
export function heading(title: string): string {
  return `=== ${printable(title)}\n`;
}

/**
 * POSIX shell single-quoting: the result, pasted into sh/bash/zsh, is exactly
 * `value` (nothing inside single quotes is special except the quote itself).
 */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_./:@%+,=-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Always quoted, for `KEY='value'` lines meant for `eval` or a .env file. */
export function shellAssignment(key: string, value: string): string {
  return `${key}='${value.replace(/'/g, `'\\''`)}'`;
}

/** `2025-11-23 19:46 UTC`; `fallback` for null (e.g. "never"). */
export function formatDate(iso: string | null | undefined, fallback = ''): string {
  if (!iso) return fallback;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "A", "A and B", "A, B and C". */
export function listSentence(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/**
 * Escapes C0/C1 control characters (and DEL) as \n, \x1b, … so server text
 * shows what it holds without acting on the terminal.
 */
export function printable(text: string, options: { keepTabs?: boolean } = {}): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => {
    if (ch === '\t' && options.keepTabs) return ch;
    if (ch === '\n') return '\\n';
    if (ch === '\r') return '\\r';
    if (ch === '\t') return '\\t';
    return `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

/** Pretty JSON for --json, newline-terminated. */
export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
