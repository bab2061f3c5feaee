// When the course list's facets are counted on a sample, and with which probability (src/search/queries.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { facetSamplingProbability } from '../../src/search/queries';
import { DEFAULT_FACET_COUNTING } from '../../src/courses/filters';

test('up to the threshold every match is counted', () => {
  assert.equal(facetSamplingProbability(0, DEFAULT_FACET_COUNTING), null);
  assert.equal(facetSamplingProbability(50_000, DEFAULT_FACET_COUNTING), null);
});

test('beyond it, a probability that samples about sampleSize matches, to two significant digits', () => {
  assert.equal(facetSamplingProbability(50_001, DEFAULT_FACET_COUNTING), 0.4);
  assert.equal(facetSamplingProbability(500_564, DEFAULT_FACET_COUNTING), 0.04);
  assert.equal(facetSamplingProbability(1_000_000, DEFAULT_FACET_COUNTING), 0.02);
  assert.equal(facetSamplingProbability(3_000_000, DEFAULT_FACET_COUNTING), 0.0067);
  // Two totals of the same search a few courses apart ask for the same sample.
  assert.equal(facetSamplingProbability(499_990, DEFAULT_FACET_COUNTING), facetSamplingProbability(500_010, DEFAULT_FACET_COUNTING));
});

test('a sample that would hold half the matches or more is no sample: Elasticsearch takes below 0.5 only', () => {
  assert.equal(facetSamplingProbability(30_000, { exactUpTo: 10_000, sampleSize: 20_000 }), null);
  assert.equal(facetSamplingProbability(40_400, { exactUpTo: 10_000, sampleSize: 20_000 }), null);
  assert.equal(facetSamplingProbability(41_000, { exactUpTo: 10_000, sampleSize: 20_000 }), 0.49);
});
