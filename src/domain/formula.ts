// Spreadsheet formula injection, both ways. An exported text cell that a spreadsheet would run as a formula
// (= + - @, tab, CR first) gets a leading apostrophe; an imported cell of exactly that shape loses it, so an
// export re-imports without loss (OWASP's CSV injection advice).

const FORMULA_START = /^[=+\-@\t\r]/;

export function neutralizeFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

export function restoreNeutralized(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}
