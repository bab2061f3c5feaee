import type { estypes } from '@elastic/elasticsearch';

// French and English catalogues side by side: every searchable text has a folded base field (case and
// accents ignored: "debutant" finds "débutant"), plus .fr and .en sub-fields with each language's stemming.

export const indexSettings: estypes.IndicesIndexSettings = {
  number_of_shards: 1,
  number_of_replicas: 0,
  analysis: {
    filter: {
      fr_elision: {
        type: 'elision',
        articles_case: true,
        articles: ['l', 'm', 't', 'qu', 'n', 's', 'j', 'd', 'c', 'jusqu', 'quoiqu', 'lorsqu', 'puisqu'],
      },
      fr_stop: { type: 'stop', stopwords: '_french_' },
      fr_stemmer: { type: 'stemmer', language: 'light_french' },
      en_stop: { type: 'stop', stopwords: '_english_' },
      en_stemmer: { type: 'stemmer', language: 'english' },
      en_possessive: { type: 'stemmer', language: 'possessive_english' },
    },
    analyzer: {
      folded: { type: 'custom', tokenizer: 'standard', filter: ['lowercase', 'asciifolding'] },
      fr: { type: 'custom', tokenizer: 'standard', filter: ['fr_elision', 'lowercase', 'fr_stop', 'asciifolding', 'fr_stemmer'] },
      en: { type: 'custom', tokenizer: 'standard', filter: ['en_possessive', 'lowercase', 'en_stop', 'asciifolding', 'en_stemmer'] },
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
    fr: { type: 'text', analyzer: 'fr' },
    en: { type: 'text', analyzer: 'en' },
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
        fr: { type: 'text', analyzer: 'fr' },
        en: { type: 'text', analyzer: 'en' },
        sort: { type: 'keyword', normalizer: 'folded' },
        sayt: { type: 'search_as_you_type', analyzer: 'folded' },
      },
    },
    description: multilingualText,
    category: { type: 'keyword', fields: { text: { type: 'text', analyzer: 'folded' } } },
    instructor: { type: 'text', analyzer: 'folded', fields: { raw: { type: 'keyword' } } },
    duration_hours: { type: 'float' },
    difficulty: { type: 'keyword' },
    learning_mode: { type: 'keyword' },
    price: { type: 'scaled_float', scaling_factor: 100 },
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
