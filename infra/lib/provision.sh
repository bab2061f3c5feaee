# shellcheck shell=bash
# Sourced from the project folder by infra/test.sh, bench.sh and soak.sh: the npm dependencies, the local stack
# (started only where no address is given), its addresses in this shell's environment, and a quiet log level.
bash infra/deps.sh
bash infra/stack.sh up
eval "$(bash infra/stack.sh env)"
export LOG_LEVEL="${LOG_LEVEL:-warn}"

# Earlier runs that were interrupted (Ctrl-C, a killed shell) left schedules, workflows, schemas, indices and
# folders behind: removed when older than TEST_SWEEP_AGE minutes (120), so runs of other shells are safe.
sweep_leftovers() {
  node --import tsx test/support/sweep.ts || echo "[sweep] could not sweep leftovers of earlier runs (continuing)" >&2
}
