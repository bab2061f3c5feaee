import type { estypes } from '@elastic/elasticsearch';

// French and English catalogues side by side: every searchable text has a folded base field (case and
// accents ignored: "debutant" finds "débutant"), plus .fr and .en sub-fields with each language's stemming
// (Elasticsearch's `french` and `english` analyzers). Titles also get an edge-n-gram sub-field, so a few
// typed letters find a course, and the `suggest` completion field feeds autocomplete.

export const indexSettings: estypes.IndicesIndexSettings = {
  number_of_shards: 1,
  number_of_replicas: 0,
  analysis: {
    filter: {
      autocomplete_edge: { type: 'edge_ngram', min_gram: 2, max_gram: 20 },
    },
    analyzer: {
      folded: { type: 'custom', tokenizer: 'standard', filter: ['lowercase', 'asciifolding'] },
      autocomplete: { type: 'custom', tokenizer: 'standard', filter: ['lowercase', 'asciifolding', 'autocomplete_edge'] },
    },
    normalizer: {
      folded: { type: 'custom', filter: ['lowercase', 'asciifolding'] },
    },
  },
};

const multilingualText: estypes.MappingProperty = {
  type: 'text',
  analyzer: 'folded',
  fields: {
    fr: { type: 'text', analyzer: 'french' },
    en: { type: 'text', analyzer: 'english' },
  },
};

export const courseMappings: estypes.MappingTypeMapping = {
  dynamic: 'strict',
  properties: {
    id: { type: 'long' },
    external_id: { type: 'keyword' },
    title: {
      type: 'text',
      analyzer: 'folded',
      fields: {
        fr: { type: 'text', analyzer: 'french' },
        en: { type: 'text', analyzer: 'english' },
        sort: { type: 'keyword', normalizer: 'folded' },
        autocomplete: { type: 'text', analyzer: 'autocomplete', search_analyzer: 'folded' },
      },
    },
    description: multilingualText,
    category: { type: 'keyword', fields: { text: { type: 'text', analyzer: 'folded' } } },
    // The taxonomy category (issue 14): the id for facets and filters (one facet per category whatever the source
    // language), the names in both languages for search. Added to an existing index by ensureCourseIndex
    // (additive mapping change, CATEGORY_FIELDS); a reindex, or re-indexing the categorised courses, fills them.
    category_id: { type: 'integer' },
    category_name_fr: { type: 'text', analyzer: 'folded', fields: { fr: { type: 'text', analyzer: 'french' } } },
    category_name_en: { type: 'text', analyzer: 'folded', fields: { en: { type: 'text', analyzer: 'english' } } },
    instructor: { type: 'text', analyzer: 'folded', fields: { raw: { type: 'keyword' } } },
    duration_hours: { type: 'float' },
    difficulty: { type: 'keyword' },
    learning_mode: { type: 'keyword' },
    // double, not scaled_float: that type lives in the mapper-extras module, which the local stack's Elasticsearch lacks.
    price: { type: 'double' },
    is_free: { type: 'boolean' },
    is_active: { type: 'boolean' },
    tags: { type: 'keyword', normalizer: 'folded' },
    quality_score: { type: 'short' },
    lessons: {
      properties: {
        title: multilingualText,
        content: multilingualText,
      },
    },
    suggest: { type: 'completion', analyzer: 'folded', preserve_separators: false },
    created_at: { type: 'date' },
    updated_at: { type: 'date' },
  },
};

/** The fields issue 14 added: put into an index created before them (an additive change, no new index needed). */
export const CATEGORY_FIELDS = ['category_id', 'category_name_fr', 'category_name_en'] as const;
