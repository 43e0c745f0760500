#!/usr/bin/env bash
# Cargo runner for thumbv7em-none-eabihf.
# - The QEMU board (any binary but `disc1`): QEMU's netduinoplus2 (STM32F405) with
#   semihosting. `-icount shift=0` makes SysTick deterministic (one instruction =
#   1 ns of virtual time). A hang is cut off by `timeout` (exit 124).
# - `disc1`: flashed to an STM32F407G-DISC1 and run with probe-rs (defmt over RTT).
set -euo pipefail
if [ "$(basename "$1")" = disc1 ]; then
  exec probe-rs run --chip STM32F407VGTx "$1"
fi
exec timeout "${FACENMF_QEMU_TIMEOUT:-120}" qemu-system-arm -machine netduinoplus2 -nographic \
  -icount shift=0 -semihosting-config enable=on,target=native -kernel "$1"
