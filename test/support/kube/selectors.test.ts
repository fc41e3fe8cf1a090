/**
 * Unit tests of the pure pieces behind LIST and WATCH filtering: label
 * selector parsing and matching (apimachinery semantics: != and notin
 * match objects without the label), LabelSelector structs, field
 * selectors, and canonical quantities.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalQuantity, compareQuantities } from './lib/quantity.js';
import { COMMON_FIELDS, FieldSelectorError, matchesFields, parseFieldSelector } from './selectors/field-selector.js';
import { formatSelector, matchesLabels, parseLabelSelector, SelectorParseError, selectorFromStruct } from './selectors/label-selector.js';

describe('label selectors', () => {
  const cases: [string, Record<string, string>, boolean][] = [
    ['', { a: '1' }, true],
    ['a=1', { a: '1' }, true],
    ['a==1', { a: '2' }, false],
    ['a!=1', {}, true],
    ['a!=1', { a: '1' }, false],
    ['a in (1, 2),b', { a: '2', b: '' }, true],
    ['a notin (1)', {}, true],
    ['!a', { b: '1' }, true],
    ['!a', { a: '' }, false],
    ['example.com/tier=web,app', { 'example.com/tier': 'web', app: 'x' }, true],
    ['a>3', { a: '4' }, true],
  ];
  for (const [selector, labels, want] of cases) {
    test(`${JSON.stringify(selector)} on ${JSON.stringify(labels)} is ${want}`, () => assert.equal(matchesLabels(parseLabelSelector(selector), labels), want));
  }
  test('syntax and validation errors', () => {
    for (const bad of ['a=(', 'a b', 'bad key=1', 'a=not valid', 'a in 1']) assert.throws(() => parseLabelSelector(bad), SelectorParseError, bad);
  });
  test('structs: nil selects nothing, empty selects everything; formatted as the scale subresource shows', () => {
    assert.equal(matchesLabels(selectorFromStruct(undefined), { a: '1' }), false);
    assert.equal(matchesLabels(selectorFromStruct({}), { a: '1' }), true);
    const s = { matchLabels: { b: '2', a: '1' }, matchExpressions: [{ key: 'c', operator: 'In', values: ['y', 'x'] }, { key: 'd', operator: 'DoesNotExist' }] };
    assert.equal(matchesLabels(selectorFromStruct(s), { a: '1', b: '2', c: 'x' }), true);
    assert.equal(formatSelector(s), 'a=1,b=2,c in (x,y),!d');
  });
});

describe('field selectors', () => {
  const fields = { ...COMMON_FIELDS, 'status.phase': (o: any) => o.status?.phase };
  test('=, ==, != and unsupported labels', () => {
    const pod = { metadata: { name: 'p', namespace: 'n' }, status: { phase: 'Running' } };
    assert.equal(matchesFields(parseFieldSelector('metadata.name=p,status.phase!=Failed', fields), pod, fields), true);
    assert.equal(matchesFields(parseFieldSelector('metadata.namespace==other', fields), pod, fields), false);
    assert.throws(() => parseFieldSelector('spec.x=1', fields), FieldSelectorError);
  });
});

describe('quantities', () => {
  const cases: [string, string][] = [
    ['0.5', '500m'],
    ['1000m', '1'],
    ['1.5', '1500m'],
    ['1024Mi', '1Gi'],
    ['1536Mi', '1536Mi'],
    ['0.5Gi', '512Mi'],
    ['12000', '12k'],
    ['100M', '100M'],
    ['1e3', '1e3'],
    ['0', '0'],
  ];
  for (const [input, want] of cases) test(`${input} -> ${want}`, () => assert.equal(canonicalQuantity(input), want));
  test('comparison across formats', () => {
    assert.equal(compareQuantities('1Gi', '1024Mi'), 0);
    assert.equal(compareQuantities('500m', '1'), -1);
    assert.equal(compareQuantities('2', '1500m'), 1);
  });
});
