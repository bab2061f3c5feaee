import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDurationHours, parseLocaleNumber, parsePrice } from '../../src/domain/numbers';
import { parseBoolean } from '../../src/domain/booleans';

function price(v: unknown) {
  const r = parsePrice(v);
  assert.ok(r.ok, `expected ${JSON.stringify(v)} to be read, got: ${r.ok ? '' : r.message}`);
  return r.value;
}
function priceError(v: unknown): string {
  const r = parsePrice(v);
  assert.equal(r.ok, false, `expected ${JSON.stringify(v)} to be refused`);
  return r.ok ? '' : r.message;
}
function hours(v: unknown) {
  const r = parseDurationHours(v);
  assert.ok(r.ok, `expected ${JSON.stringify(v)} to be read, got: ${r.ok ? '' : r.message}`);
  return r.value;
}

test('prices: decimal point, decimal comma, euro sign before or after', () => {
  assert.equal(price('49.99'), 49.99);
  assert.equal(price('49,99'), 49.99);
  assert.equal(price('49.99 €'), 49.99);
  assert.equal(price('49,99€'), 49.99);
  assert.equal(price('€49.99'), 49.99);
  assert.equal(price('49,99 EUR'), 49.99);
  assert.equal(price('  0  '), 0);
  assert.equal(price(99.99), 99.99);
  assert.equal(price('gratuit'), 0);
});

test('prices: thousands separators that can only mean one thing', () => {
  assert.equal(price('1 299,00'), 1299);
  assert.equal(price('1\u202F299,50 €'), 1299.5);
  assert.equal(price('1 299'), 1299);
  assert.equal(price('1.299,00'), 1299);
  assert.equal(price('1,299.00'), 1299);
  assert.deepEqual(parseLocaleNumber('12,345,678'), { ok: true, value: 12345678 });
  assert.deepEqual(parseLocaleNumber('12.345.678,9'), { ok: true, value: 12345678.9 });
  assert.match(priceError('12,345,678'), /over the maximum/);
});

test('prices: an ambiguous thousands-or-decimal value is refused with an explanation', () => {
  assert.match(priceError('1,299'), /'1,299' is ambiguous: it could mean 1299 or 1\.299/);
  assert.match(priceError('1.299'), /ambiguous/);
  // A leading 0 or a 4-digit integer part cannot be a thousands group: these are read.
  assert.equal(price('0,500'), 0.5);
  assert.deepEqual(parseLocaleNumber('1234,567'), { ok: true, value: 1234.567 });
});

test('prices: unreadable, negative, too large, too precise, other currencies', () => {
  assert.match(priceError('abc'), /'abc' is not a number/);
  assert.match(priceError('12,34,5'), /not a number/);
  assert.match(priceError('1 29,00'), /not a number/);
  assert.match(priceError('-5'), /negative/);
  assert.match(priceError('100000.01'), /over the maximum of 100000/);
  assert.equal(price('100000'), 100000);
  assert.match(priceError('49.9999'), /more than 2 decimals/);
  assert.match(priceError('0.125'), /more than 2 decimals/);
  assert.match(priceError(33.333333), /more than 2 decimals/);
  assert.match(priceError('$49.99'), /not in euros/);
  assert.match(priceError('49.99 USD'), /not in euros/);
  assert.match(priceError(true), /expected a price but got a boolean/);
});

test('prices: float noise from a computed value is not "more than 2 decimals"', () => {
  assert.equal(price(0.1 + 0.2), 0.3);
  assert.equal(price(19.990000000000002), 19.99);
});

test('prices: a spreadsheet error or formula result', () => {
  assert.equal(price({ formula: 'B2*2', result: 20 }), 20);
  assert.match(priceError({ error: '#DIV/0!' }), /spreadsheet error \(#DIV\/0!\)/);
});

test('durations: numbers, decimal comma, units, h+min, Excel times', () => {
  assert.equal(hours(10), 10);
  assert.equal(hours('10'), 10);
  assert.equal(hours('1,5'), 1.5);
  assert.equal(hours('10h'), 10);
  assert.equal(hours('10 heures'), 10);
  assert.equal(hours('2 hours'), 2);
  assert.equal(hours('90 min'), 1.5);
  assert.equal(hours('1h30'), 1.5);
  assert.equal(hours('1 h 20'), 1.33);
  assert.equal(hours(new Date(Date.UTC(1899, 11, 30, 1, 30))), 1.5);
  assert.equal(hours(''), undefined);
});

test('durations: out of range or unreadable', () => {
  const err = (v: unknown) => {
    const r = parseDurationHours(v);
    assert.equal(r.ok, false, JSON.stringify(v));
    return r.ok ? '' : r.message;
  };
  assert.match(err('-1'), /negative/);
  assert.match(err(10001), /over the maximum of 10000 hours/);
  assert.equal(hours(10000), 10000);
  assert.match(err('10 jours'), /not a number of hours/);
  assert.match(err('1h75'), /fewer than 60/);
  assert.match(err(new Date(Date.UTC(2024, 0, 1))), /is a date/);
});

test('booleans in English, French, digits, letters and natives, any case', () => {
  const yes = ['true', 'TRUE', 'yes', 'Yes', 'oui', 'OUI', 'vrai', 'Vrai', '1', 'y', 'Y', true, 1];
  const no = ['false', 'False', 'no', 'NO', 'non', 'Non', 'faux', 'FAUX', '0', 'n', 'N', false, 0];
  for (const v of yes) assert.deepEqual(parseBoolean(v), { ok: true, value: true }, String(v));
  for (const v of no) assert.deepEqual(parseBoolean(v), { ok: true, value: false }, String(v));
  assert.deepEqual(parseBoolean(''), { ok: true, value: undefined });
  assert.deepEqual(parseBoolean(undefined), { ok: true, value: undefined });
  const bad = parseBoolean('peut-être');
  assert.equal(bad.ok, false);
  assert.match(!bad.ok ? bad.message : '', /'peut-être' is not a yes\/no value/);
  assert.equal(parseBoolean(2).ok, false);
});

function note(v: unknown): string | undefined {
  const r = parseDurationHours(v);
  assert.ok(r.ok);
  return r.note?.message;
}
function hoursError(v: unknown): string {
  const r = parseDurationHours(v);
  assert.equal(r.ok, false, `expected ${JSON.stringify(v)} to be refused`);
  return r.ok ? '' : r.message;
}

test('durations as h:mm / h:mm:ss text (Excel [h]:mm saved as CSV), read with a note', () => {
  assert.equal(hours('1:30'), 1.5);
  assert.equal(hours('35:00'), 35);
  assert.equal(hours('0:45'), 0.75);
  assert.equal(hours('12:00'), 12);
  assert.equal(hours('120:00'), 120);
  assert.equal(hours('1:30:00'), 1.5);
  assert.equal(hours('0:00:30'), 0.01);
  assert.equal(hours(' 1:30 h '), 1.5);
  assert.equal(note('1:30'), "'1:30' read as 1.5 hours (h:mm)");
  assert.equal(note('1:30:00'), "'1:30:00' read as 1.5 hours (h:mm:ss)");
  assert.equal(note('90 min'), "'90 min' read as 1.5 hours");
  assert.equal(note('1h30'), "'1h30' read as 1.5 hours");
  assert.equal(note('10'), undefined);
  assert.equal(note('10h'), undefined);
  assert.equal(note(1.5), undefined);
});

test('durations: the hostile neighbours of h:mm are refused with a reason', () => {
  assert.match(hoursError('1:75'), /'1:75' has 75 minutes; minutes go from 00 to 59/);
  assert.match(hoursError('1:60'), /60 minutes/);
  assert.match(hoursError('25:00:99'), /'25:00:99' has 99 seconds/);
  assert.match(hoursError('-1:30'), /negative/);
  assert.match(hoursError('1:3'), /minutes are written with two digits/);
  assert.match(hoursError('1:30:5'), /seconds are written with two digits/);
  assert.match(hoursError('12:00 AM'), /time of day/);
  assert.match(hoursError('9:30 pm'), /time of day/);
  assert.match(hoursError(':30'), /not a duration/);
  assert.match(hoursError('1::30'), /not a duration/);
  assert.match(hoursError('1:30:00:00'), /not a duration/);
  assert.match(hoursError('1:3O'), /not a duration/);
  assert.match(hoursError('10001:00'), /over the maximum of 10000 hours/);
});

function priceNote(v: unknown): string | undefined {
  const r = parsePrice(v);
  assert.ok(r.ok, `expected ${JSON.stringify(v)} to be read`);
  return r.note?.message;
}

test('prices in the French accounting format: dash for zero, spaces, NBSP and narrow NBSP thousands', () => {
  assert.equal(price(' -   € '), 0);
  assert.equal(price('-'), 0);
  assert.equal(price('€ -'), 0);
  assert.match(priceNote(' -   € ') ?? '', /'- €' read as 0 \(free\)/);
  assert.equal(price(' 49,99 € '), 49.99);
  assert.equal(priceNote(' 49,99 € '), undefined, 'a plain price is no interpretation');
  assert.equal(price('1\u00a0299,00 €'), 1299);
  assert.equal(price('1\u202f299,00 €'), 1299);
  assert.equal(price('1 299,00'), 1299);
  assert.equal(priceNote('1\u202f299,00 €'), undefined);
  assert.equal(price('12\u00a0345\u00a0678,90'.replace('12\u00a0345\u00a0678', '12\u00a0345')), 12345.9);
  assert.equal(price('\u00a0'), undefined, 'a lone non-breaking space is an empty cell');
  assert.equal(price('\u202f \u00a0'), undefined);
  assert.equal(price('gratuit'), 0);
  assert.match(priceNote('gratuit') ?? '', /read as 0/);
});

test('prices: the hostile neighbours of the accounting format are refused', () => {
  assert.match(priceError('-5 €'), /'-5 €' is negative/);
  assert.match(priceError('\u22125 €'), /negative/);
  assert.match(priceError('(5,00 €)'), /negative \(the accounting format's parentheses\)/);
  assert.match(priceError('1 299,00 $'), /not in euros/);
  assert.match(priceError('€'), /'€' has no amount/);
  assert.match(priceError('--'), /not a number/);
  assert.match(priceError('- -'), /not a number/);
  assert.match(priceError('-€5-'), /not a number/);
  assert.match(priceError('1 2 99,00 €'), /not a number/);
  assert.match(priceError('1,299 €'), /ambiguous/);
});
