#!/usr/bin/env bash
# Makes a Python virtual environment for a check script on first use, or again when its packages no longer import.
# Sourced by Benchmarks/run.sh and Benchmarks/load.sh:
#
#   python_venv DIR "module, module" package==version …
#
# PYTHON picks the interpreter the environment is made from (default python3).
python_venv() {
    local venv="$1" modules="$2"
    shift 2
    if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import $modules" 2>/dev/null; then
        "${PYTHON:-python3}" -m venv "$venv"
        "$venv/bin/pip" install --quiet --upgrade pip
        "$venv/bin/pip" install --quiet "$@"
    fi
}
