export { importFile } from './import-file';
export { deliverNotice } from './deliver-notice';
export { revertImport } from './revert-import';
