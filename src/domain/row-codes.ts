// Codes of row problems and file warnings (issue 11). A row error or warning is stored as a code with plain JSON
// parameters beside its English sentence, so each reader sees it in their own language: the admin pages, emails
// and chat notices render `rowMessages.<code>` of locales/<language>/rowMessages.json with the parameters
// (src/i18n/row-messages.ts); the CLI and the logs keep the English `message`. Rows stored before codes existed
// have only the message, which stays the fallback.
//
// Every code is listed here once: the unit test test/unit/row-messages.test.ts walks this list and checks that
// both catalogues hold a message for each, with the same placeholders.

/** A parameter of a row problem: plain JSON, so it is stored in jsonb and travels through workflow results. */
export type RowParamValue = string | number | boolean | null;
/**
 * The parameters of a row problem's message. Conventions the renderer knows: `kind` is a KindKey (translated as
 * "a list" / "une liste"), `column` is the column as written in the file when it differs from the field,
 * `subject` replaces the field as the message's prefix, `context` picks a variant of the message (i18next's
 * `key_<context>`), `count` picks the plural form, `category_fr` / `category_en` give `category` in the reader's
 * language (a taxonomy category's names).
 */
export type RowParams = Record<string, RowParamValue>;

/** Problems of one row (errors and warnings), in the order of the modules that raise them. */
export const ROW_CODES = [
  // values.ts, booleans.ts, enums.ts, numbers.ts: one value read from a cell
  'cell_error',
  'invalid_value',
  'expected_text',
  'boolean_invalid',
  'boolean_invalid_number',
  'expected_boolean',
  'difficulty_unknown',
  'difficulty_ambiguous',
  'difficulty_read_as',
  'learning_mode_unknown',
  'learning_mode_ambiguous',
  'learning_mode_read_as',
  'not_a_number',
  'number_spaces',
  'number_ambiguous',
  'price_other_currency',
  'price_negative_parens',
  'price_no_amount',
  'price_free_word',
  'price_dash',
  'expected_price',
  'price_negative',
  'price_over_max',
  'price_decimals',
  'duration_time_of_day',
  'duration_negative',
  'duration_minutes_digits',
  'duration_seconds_digits',
  'duration_invalid_clock',
  'duration_minutes_range',
  'duration_seconds_range',
  'duration_date',
  'duration_read_as_clock',
  'duration_read_as',
  'duration_hm_minutes',
  'duration_unit',
  'expected_duration',
  'duration_over_max',
  // text.ts: cleaning
  'html_tags_removed',
  'entities_decoded',
  'html_cleaned',
  // normalize.ts
  'not_an_object',
  'too_many_values',
  'too_few_values',
  'title_no_text',
  'title_missing',
  'too_long',
  'text_cut',
  'price_missing_not_free',
  'price_missing',
  'free_with_price',
  'not_free_zero_price',
  // lessons.ts
  'lesson_invalid',
  'lesson_order_not_number',
  'video_url_invalid',
  'lesson_untitled_dropped',
  'expected_lessons',
  'lesson_duplicate',
  'too_many_lessons',
  // tags.ts
  'expected_tags',
  'tag_invalid',
  'tag_too_long',
  'too_many_tags',
  // row-guard.ts
  'row_too_large_over',
  'column_name_too_long',
  'value_too_deep',
  'value_too_long',
  'chars_removed',
  'more_over_limit',
  'row_too_large',
  // readers
  'sheet_time_read',
  'xml_duplicate_element',
  // validation rules set by an admin (issue 12, src/domain/validation-rules.ts)
  'rule_required',
  'rule_category_not_allowed',
  'rule_price_below',
  'rule_price_above',
  'rule_duration_below',
  'rule_duration_above',
  'rule_quality_below',
  // the category taxonomy and auto-categorisation (issue 14, src/activities/categorise-rows.ts)
  'category_matched',
  'category_created',
  'category_unknown',
  'category_suggested',
  'category_review_needed',
] as const;
export type RowCode = (typeof ROW_CODES)[number];

/** Codes of file warnings (FileWarning.code) that have a translated message. */
export const FILE_WARNING_CODES = [
  'encoding_guessed',
  'sheet_read',
  'header_row',
  'unknown_column',
  'total_row_skipped',
  'warnings_truncated',
  'unknown_element',
  'type_line_skipped',
] as const;
export type FileWarningCode = (typeof FILE_WARNING_CODES)[number];

/** What a value is, as messages name it ("expected text but got a list"): the `kind` parameter. */
export const KIND_KEYS = ['null', 'list', 'array', 'date', 'object', 'string', 'number', 'boolean', 'bigint', 'undefined', 'function', 'symbol'] as const;
export type KindKey = (typeof KIND_KEYS)[number];

/** The English words of each kind, as the English messages have always said them. */
export const KIND_WORDS: Readonly<Record<KindKey, string>> = {
  null: 'null',
  list: 'a list',
  array: 'an array',
  date: 'a date',
  object: 'an object',
  string: 'a string',
  number: 'a number',
  boolean: 'a boolean',
  bigint: 'a bigint',
  undefined: 'a undefined',
  function: 'a function',
  symbol: 'a symbol',
};

/** A problem as the parsers return it, before it is put on a field: a code, its parameters, the English text. */
export interface Problem {
  code: RowCode;
  params: RowParams;
  /** English, without the field's name (the caller prefixes it). */
  message: string;
}

/** A Problem: `problem('price_negative', { value: "'-5'" }, "'-5' is negative; …")`. */
export function problem(code: RowCode, params: RowParams, message: string): Problem {
  return { code, params, message };
}
