// The shape of one measured line of the benchmark's table, shared by the workloads and the report.

export interface Summary {
  median: number;
  min: number;
  max: number;
  spreadPct: number;
  runs: number[];
}

export interface ResultLine {
  workload: string;
  what: string;
  /** 'ms' lower is better; a rate ('files/s', 'docs/s') higher is better. */
  unit: 'ms' | 'files/s' | 'docs/s' | 'MB';
  value: Summary;
  floor?: Summary;
  floorWhat?: string;
  /** value / floor for times, floor-relative throughput (value / floor) for rates. */
  ratio?: number;
  target?: { text: string; met: boolean };
  rssMb?: number;
  /** median ms of each stage, for the chart */
  stages?: Record<string, number>;
  notes?: string[];
}

export interface BenchSizes {
  w1Rows: number;
  w2Files: number;
  w3Courses: number;
  w4Seconds: number;
  /** W5: courses (with their lessons) in the large catalogue the W1 file is imported into. */
  w5Courses: number;
  /** W6: MAX_FILE_MB of its environment; its big files are just under it, its small ones a tenth of it. */
  w6Mb: number;
}

export interface BenchContext {
  quick: boolean;
  sizes: BenchSizes;
  runs: number;
  /** correctness problems (lost or duplicated files, failed searches): they fail the run, timings never do */
  failures: string[];
  log(msg: string): void;
}
