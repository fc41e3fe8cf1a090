/**
 * Label selectors: the string form of apimachinery pkg/labels/selector.go
 * (`a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, comma
 * = AND) and metav1.LabelSelector structs (LabelSelectorAsSelector).
 * Semantics follow upstream: `!=` and `notin` also match objects that do
 * not have the label at all.
 */
import { isPlainObject, type Obj } from '../lib/json.js';
import { isQualifiedName, isValidLabelValue } from '../validation/names.js';

export type Operator = 'in' | 'notin' | 'exists' | '!' | '=' | '!=' | 'gt' | 'lt';

export interface Requirement {
  key: string;
  op: Operator;
  values: string[];
}

export type Selector = Requirement[];

export class SelectorParseError extends Error {}

/** Parses the query-string form. An empty string selects everything. */
export function parseLabelSelector(input: string): Selector {
  const reqs: Requirement[] = [];
  const s = input.trim();
  if (!s) return reqs;
  let i = 0;
  const skipWs = (): void => {
    while (i < s.length && /\s/.test(s[i] ?? '')) i++;
  };
  const readIdent = (): string => {
    skipWs();
    const start = i;
    while (i < s.length && !/[\s,=!()<>]/.test(s[i] ?? '')) i++;
    return s.slice(start, i);
  };
  while (i < s.length) {
    skipWs();
    let req: Requirement;
    if (s[i] === '!') {
      i++;
      const key = readIdent();
      req = { key, op: '!', values: [] };
    } else {
      const key = readIdent();
      if (!key) throw new SelectorParseError(`unable to parse requirement: found '${s[i] ?? ''}', expected: identifier`);
      skipWs();
      const rest = s.slice(i);
      if (rest.startsWith('==')) {
        i += 2;
        req = { key, op: '=', values: [readIdent()] };
      } else if (rest.startsWith('!=')) {
        i += 2;
        req = { key, op: '!=', values: [readIdent()] };
      } else if (rest.startsWith('=')) {
        i += 1;
        req = { key, op: '=', values: [readIdent()] };
      } else if (rest.startsWith('>') || rest.startsWith('<')) {
        i += 1;
        const v = readIdent();
        if (!/^-?\d+$/.test(v)) throw new SelectorParseError(`unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`);
        req = { key, op: rest.startsWith('>') ? 'gt' : 'lt', values: [v] };
      } else if (/^(in|notin)\s*\(/.test(rest)) {
        const op = rest.startsWith('in') ? 'in' : 'notin';
        i += op.length;
        skipWs();
        i++; // (
        const close = s.indexOf(')', i);
        if (close < 0) throw new SelectorParseError(`unable to parse requirement: found '', expected: ')'`);
        const values = s
          .slice(i, close)
          .split(',')
          .map((v) => v.trim());
        i = close + 1;
        req = { key, op, values };
      } else if (rest === '' || rest.startsWith(',')) {
        req = { key, op: 'exists', values: [] };
      } else {
        throw new SelectorParseError(`unable to parse requirement: found '${rest.split(/\s/)[0]}', expected: in, notin, =, ==, !=, gt, lt`);
      }
    }
    validateRequirement(req);
    reqs.push(req);
    skipWs();
    if (i < s.length) {
      if (s[i] !== ',') throw new SelectorParseError(`unable to parse requirement: found '${s[i]}', expected: ',' or 'end of string'`);
      i++;
    }
  }
  return reqs;
}

function validateRequirement(req: Requirement): void {
  const keyErrs = isQualifiedName(req.key);
  if (keyErrs.length) throw new SelectorParseError(`unable to parse requirement: key: Invalid value: ${JSON.stringify(req.key)}: ${keyErrs.join('; ')}`);
  req.values.forEach((v, i) => {
    const errs = req.op === 'gt' || req.op === 'lt' ? [] : isValidLabelValue(v);
    if (errs.length) throw new SelectorParseError(`unable to parse requirement: values[${i}][${req.key}]: Invalid value: ${JSON.stringify(v)}: ${errs.join('; ')}`);
  });
}

/** metav1.LabelSelector -> requirements. A null selector selects nothing, an empty one everything. */
export function selectorFromStruct(selector: unknown): Selector | 'nothing' {
  if (!isPlainObject(selector)) return 'nothing';
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries((selector.matchLabels ?? {}) as Obj)) reqs.push({ key: k, op: '=', values: [String(v)] });
  for (const e of (selector.matchExpressions ?? []) as Obj[]) {
    const values = (e.values ?? []).map(String);
    const op: Operator = e.operator === 'In' ? 'in' : e.operator === 'NotIn' ? 'notin' : e.operator === 'Exists' ? 'exists' : '!';
    reqs.push({ key: String(e.key), op, values });
  }
  return reqs;
}

export function matchesLabels(selector: Selector | 'nothing', labels: Obj | undefined): boolean {
  if (selector === 'nothing') return false;
  const l = labels ?? {};
  return selector.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = has ? String(l[r.key]) : undefined;
    switch (r.op) {
      case '=':
      case 'in':
        return has && r.values.includes(v ?? '');
      case '!=':
      case 'notin':
        return !has || !r.values.includes(v ?? '');
      case 'exists':
        return has;
      case '!':
        return !has;
      case 'gt':
      case 'lt': {
        if (!has || !/^-?\d+$/.test(v ?? '')) return false;
        return r.op === 'gt' ? Number(v) > Number(r.values[0]) : Number(v) < Number(r.values[0]);
      }
    }
  });
}

/** The string form of a metav1.LabelSelector, as the scale subresource reports it in status.selector. */
export function formatSelector(selector: unknown): string {
  const reqs = selectorFromStruct(selector);
  if (reqs === 'nothing') return '';
  return [...reqs]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((r) => {
      switch (r.op) {
        case '=':
          return `${r.key}=${r.values[0]}`;
        case 'in':
          return `${r.key} in (${[...r.values].sort().join(',')})`;
        case 'notin':
          return `${r.key} notin (${[...r.values].sort().join(',')})`;
        case 'exists':
          return r.key;
        case '!':
          return `!${r.key}`;
        default:
          return `${r.key}${r.op === 'gt' ? '>' : '<'}${r.values[0]}`;
      }
    })
    .join(',');
}
