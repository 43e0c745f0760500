//! What the application needs from a camera: fill a caller's buffer with one
//! frame, or say why not.
//!
//! Modelled on `embedded-hal` 1.0: an [`ErrorType`] supertrait names the
//! error, and every error tells its [`ErrorKind`].

/// The kind of a camera error, for code that handles any camera.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum ErrorKind {
    /// The camera did not answer or deliver in time.
    Timeout,
    /// The control bus (I2C/SCCB) failed.
    Bus,
    /// No camera, or not the expected one.
    NotDetected,
    /// The buffer does not hold exactly one frame.
    FrameSize,
    /// Anything else.
    Other,
}

/// A camera error.
pub trait Error: core::fmt::Debug {
    /// What kind of failure this is.
    fn kind(&self) -> ErrorKind;
}

impl Error for core::convert::Infallible {
    fn kind(&self) -> ErrorKind {
        match *self {}
    }
}

impl Error for ErrorKind {
    fn kind(&self) -> ErrorKind {
        *self
    }
}

/// Names a camera's error type.
pub trait ErrorType {
    /// The error of every operation.
    type Error: Error;
}

impl<T: ErrorType + ?Sized> ErrorType for &mut T {
    type Error = T::Error;
}

/// A source of frames.
pub trait Camera: ErrorType {
    /// Bytes one frame takes (width · height · bytes a pixel).
    fn frame_len(&self) -> usize;

    /// Captures one frame into `frame`, which must hold [`Camera::frame_len`]
    /// bytes (else an error of kind [`ErrorKind::FrameSize`]).
    fn capture(&mut self, frame: &mut [u8]) -> Result<(), Self::Error>;
}

impl<T: Camera + ?Sized> Camera for &mut T {
    fn frame_len(&self) -> usize {
        T::frame_len(self)
    }

    fn capture(&mut self, frame: &mut [u8]) -> Result<(), Self::Error> {
        T::capture(self, frame)
    }
}
