//! Logging through `defmt` when the `defmt` feature is on; nothing otherwise
//! (the QEMU board writes its results as plain text instead, and the host
//! tests have no logger).

macro_rules! info {
    ($($arg:tt)*) => {{
        #[cfg(feature = "defmt")]
        defmt::info!($($arg)*);
    }};
}

macro_rules! warn {
    ($($arg:tt)*) => {{
        #[cfg(feature = "defmt")]
        defmt::warn!($($arg)*);
    }};
}
