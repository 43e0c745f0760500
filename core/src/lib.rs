//! facenmf-core: the allocation-free f32 kernel that runs on the chip.
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]
