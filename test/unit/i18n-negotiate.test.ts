import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseLanguage, languageFromAcceptLanguage } from '../../src/i18n/negotiate';

// RFC 9110 §12.5.4: the browser lists languages with q-values; the best one we have wins, French when none.

test('Accept-Language: q-values, ranges and absence', () => {
  assert.equal(languageFromAcceptLanguage(undefined), 'fr');
  assert.equal(languageFromAcceptLanguage(''), 'fr');
  assert.equal(languageFromAcceptLanguage('en'), 'en');
  assert.equal(languageFromAcceptLanguage('en-US,en;q=0.9'), 'en');
  assert.equal(languageFromAcceptLanguage('fr-CA'), 'fr');
  assert.equal(languageFromAcceptLanguage('de, en;q=0.5, fr;q=0.4'), 'en');
  assert.equal(languageFromAcceptLanguage('en;q=0.3, fr;q=0.8'), 'fr');
  assert.equal(languageFromAcceptLanguage('de-DE, it'), 'fr');
  assert.equal(languageFromAcceptLanguage('en;q=0'), 'fr');
  assert.equal(languageFromAcceptLanguage('*'), 'fr');
});

test('a saved choice wins over the browser', () => {
  assert.equal(chooseLanguage('en', 'fr-FR'), 'en');
  assert.equal(chooseLanguage('fr', 'en-GB'), 'fr');
  assert.equal(chooseLanguage(null, 'en-GB'), 'en');
  assert.equal(chooseLanguage('de', 'en'), 'en');
  assert.equal(chooseLanguage(undefined, undefined), 'fr');
});
