#!/usr/bin/env bash
# Cargo runner: run a firmware ELF on QEMU's netduinoplus2 (STM32F405) with semihosting.
# `-icount shift=0` makes SysTick deterministic (one instruction = 1 ns of virtual
# time). A hang is cut off by `timeout` (exit 124).
set -euo pipefail
exec timeout "${FACENMF_QEMU_TIMEOUT:-120}" qemu-system-arm -machine netduinoplus2 -nographic \
  -icount shift=0 -semihosting-config enable=on,target=native -kernel "$1"
