//! An indicator pin without hardware, for boards that report the state in
//! their output instead (the QEMU boards).

use core::convert::Infallible;

use embedded_hal::digital::{ErrorType, OutputPin};

/// An output pin that only remembers whether it is high.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct StatePin {
    /// True while the pin is high.
    pub high: bool,
}

impl ErrorType for StatePin {
    type Error = Infallible;
}

impl OutputPin for StatePin {
    fn set_low(&mut self) -> Result<(), Infallible> {
        self.high = false;
        Ok(())
    }

    fn set_high(&mut self) -> Result<(), Infallible> {
        self.high = true;
        Ok(())
    }
}
