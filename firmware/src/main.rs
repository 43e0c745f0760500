//! Placeholder firmware: proves the Cortex-M build, the kernel link and QEMU exit codes.
//! The real application arrives with the firmware issue.
#![no_std]
#![no_main]

use cortex_m as _;
use cortex_m_rt::entry;

#[entry]
fn main() -> ! {
    semihosting::println!("facenmf firmware placeholder");
    semihosting::process::exit(0)
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    semihosting::eprintln!("panic: {}", info);
    semihosting::process::exit(101)
}
