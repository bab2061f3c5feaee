// The variants of each whole-file failure code (issue 11): a FileValidationError's `params.context` picks the
// message `importFailures.<code>_<context>` of locales/<language>/importFailures.json. The type of
// FileValidationError's params allows only the contexts listed here for its code, and
// test/unit/failure-messages.test.ts checks that each one has a message in every catalogue with the same
// placeholders: a new site with a new variant must be added here, and so cannot forget its translation.

/** Every context each code's failures may name, by code. */
export const FAILURE_VARIANTS = {
  unknown_format: ['extension', 'noExtension', 'format'],
  format_mismatch: [
    'content', 'ole2Xlsx', 'textXlsx', 'zipXls', 'textXls', 'ole2Ods', 'textOds', 'textJson', 'textXml', 'markupYaml',
    'textImscc', 'jsonCsv', 'odsType', 'odsNoMimetype',
  ],
  too_large: ['named', 'xls'],
  unreadable: [
    'passwordProtected', 'notReadable', 'damaged', 'notZip', 'zip', 'encryptedWorkbook', 'encryptedCartridge', 'workbook', 'workbookXml', 'noWorkbookPart',
    'parser', 'parserAt', 'xmlEncoding', 'encodingAmbiguous', 'encodingUnknown', 'encodingUnknownGuess', 'utf16NoBom',
    'invalidBytesAt', 'invalidBytesLine', 'open', 'notRegular', 'outside', 'gone', 'changed',
  ],
  malformed: [
    'xmlDepth', 'xmlPart', 'noRoot', 'noManifest', 'manifestRoot', 'csvQuote', 'csvRecordSize', 'jsonAt', 'json',
    'jsonCoursesNotArray', 'jsonNotArray', 'yamlDuplicateKey', 'yamlDuplicateKeyAt', 'yamlDocuments', 'yamlDocumentsAt',
    'yaml', 'yamlAt', 'yamlCoursesNotList', 'yamlNotList', 'xmlRoot', 'xmlPath', 'xml',
  ],
  unsafe: [
    'zipPath', 'entrySize', 'entriesWorkbook', 'pathWorkbook', 'zipBombWorkbook', 'ratio', 'ratioInfinite', 'sharedStrings',
    'dtdPart', 'entriesCartridge', 'pathCartridge', 'symlink', 'zipBombCartridge', 'yamlTag', 'yamlTagAt', 'xmlDoctype',
    'xmlDtd',
  ],
  empty: [
    'file', 'noRows', 'noCourses', 'noWorksheet', 'noVisibleWorksheet', 'noVisibleWorksheetXlsx', 'sheet', 'sheetNoRows',
    'noHeader', 'jsonCourses', 'emptyArray', 'emptyList', 'xml', 'noCourseRows',
  ],
  missing_columns: ['csv', 'csvOneColumn', 'sheet'],
  too_many_rows: ['rows', 'courses'],
  unknown_mapping_profile: ['profile', 'folderName', 'folder'],
  too_complex: [
    'odsContent', 'sheetCells', 'textRun', 'manifest', 'sharedStringsCount', 'sharedStringsChars', 'textRunWorkbook',
    'depthJson', 'depthYaml', 'yamlAliases', 'yamlStack', 'yamlWhole', 'depthXml',
  ],
} as const satisfies Readonly<Record<string, readonly string[]>>;

/** The codes of a whole-file failure (FileValidationError.code). */
export type FailureCode = keyof typeof FAILURE_VARIANTS;

/** The contexts a failure of `C` may name. */
export type FailureVariant<C extends FailureCode> = (typeof FAILURE_VARIANTS)[C][number];

/**
 * The plain JSON values of a failure's message in the reader's language: `context` (one of the code's variants)
 * and the message's placeholders (sizes in bytes and counts as numbers, names as written).
 */
export type FailureParams<C extends FailureCode = FailureCode> = { context?: FailureVariant<C> } & Record<string, string | number | boolean | null>;

/**
 * Codes whose general message (`importFailures.<code>`, no variant) is also rendered with parameters: a failure of
 * such a code may name no context.
 */
export const FAILURE_BASE_MESSAGES: readonly FailureCode[] = ['too_large'];
