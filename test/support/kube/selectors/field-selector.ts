/**
 * Field selectors (apimachinery pkg/fields/selector.go): `a=b`, `a==b`,
 * `a!=b`, comma = AND, backslash escapes. Each kind declares which field
 * labels it supports (its registry's GetAttrs / AddFieldLabelConversionFunc);
 * any other label is a 400 "field label not supported", as upstream.
 */
import type { Obj } from '../lib/json.js';

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

export class FieldSelectorError extends Error {}

export type FieldGetter = (obj: Obj) => string | undefined;

/** The labels every kind supports. */
export const COMMON_FIELDS: Record<string, FieldGetter> = {
  'metadata.name': (o) => o.metadata?.name,
  'metadata.namespace': (o) => o.metadata?.namespace ?? '',
};

function splitUnescaped(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] ?? '';
    if (ch === '\\' && i + 1 < s.length) {
      cur += ch + (s[i + 1] ?? '');
      i++;
    } else if (ch === sep) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

const unescape = (s: string): string => s.replace(/\\(.)/g, '$1');

export function parseFieldSelector(input: string, supported: Record<string, FieldGetter>): FieldRequirement[] {
  const s = input.trim();
  if (!s) return [];
  return splitUnescaped(s, ',').map((part) => {
    const m = /^([^=!]+?)\s*(==|!=|=)\s*(.*)$/.exec(part.trim());
    if (!m) throw new FieldSelectorError(`invalid selector: '${part}'; can't understand '${part}'`);
    const field = (m[1] ?? '').trim();
    if (!(field in supported)) throw new FieldSelectorError(`field label not supported: ${field}`);
    return { field, op: m[2] === '!=' ? '!=' : '=', value: unescape(m[3] ?? '') };
  });
}

export function matchesFields(reqs: FieldRequirement[], obj: Obj, supported: Record<string, FieldGetter>): boolean {
  return reqs.every((r) => {
    const actual = supported[r.field]?.(obj) ?? '';
    return r.op === '=' ? actual === r.value : actual !== r.value;
  });
}
