export { importFile } from './import-file';
