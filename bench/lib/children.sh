# Sourced by the bench scripts: every process a script starts in the background goes into `pids`
# (pids+=($!)); on exit, normal or not, each is stopped and waited for, so a bench leaves nothing running.
# Ctrl-C and SIGTERM exit with 130 through the same path.
pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
