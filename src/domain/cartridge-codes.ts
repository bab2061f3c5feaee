// Codes of the warnings of the IMS Common Cartridge reader (src/ingest/readers/imscc.ts, issue 13). Like the row
// and file warnings of src/domain/row-codes.ts, each is stored with a code and plain JSON parameters beside its
// English sentence, and pages, emails and notices render it in the reader's language (src/i18n/row-messages.ts),
// from `cartridge.<code>` of locales/<language>/cartridge.json (the reader's own catalogue, not rowMessages).
//
// Parameters: `lesson` (1-based position) and `title` name the lesson (context 'untitled' when it has none),
// `file` / `url` / `resource` / `identifier` / `type` / `example` / `version` are the cartridge's own text, shown
// as written; `max` is a size in bytes (formatted for the reader); `count` picks the plural form.
// test/unit/cartridge-warnings.test.ts checks that both catalogues hold each code with the same placeholders.

export const CARTRIDGE_WARNING_CODES = [
  'cartridge_version',
  'cartridge_file_missing',
  'cartridge_resource_undeclared',
  'cartridge_extension_invalid',
  'cartridge_content_cut',
  'cartridge_identifier',
  'cartridge_title',
  'cartridge_price',
  'cartridge_extra_link',
  'cartridge_resource_skipped',
] as const;
export type CartridgeWarningCode = (typeof CARTRIDGE_WARNING_CODES)[number];

/** The catalogue prefix of these codes' messages. */
export const CARTRIDGE_CATALOGUE = 'cartridge';
