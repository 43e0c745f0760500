//! The application: take a frame, recognise it, report, drive the indicator,
//! repeat.
//!
//! [`App`] is generic over the [`Camera`], the indicator pin (an
//! `embedded-hal` [`OutputPin`], high while a known person is seen) and a
//! [`Stopwatch`] that times each inference, so the same loop runs on QEMU,
//! on a board and on the host in tests.

use core::ops::ControlFlow;

use embedded_hal::digital::OutputPin;
use facenmf_core::gallery::Identity;
use facenmf_core::recognise::{Error as RecogniseError, Recogniser, Recognition};

use crate::camera::{Camera, Error as _, ErrorKind};

/// Times one inference (thumbnail → decision, capture excluded).
pub trait Stopwatch {
    /// Called right before the inference.
    fn start(&mut self);
    /// Called right after it: ticks since [`Stopwatch::start`].
    fn stop(&mut self) -> u32;
    /// Ticks a second.
    fn hz(&self) -> u32;
}

/// A stopwatch that measures nothing (0 ticks).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoStopwatch;

impl Stopwatch for NoStopwatch {
    fn start(&mut self) {}
    fn stop(&mut self) -> u32 {
        0
    }
    fn hz(&self) -> u32 {
        1
    }
}

/// The buffers of one inference, owned by the caller (statics on a board):
/// the frame, the thumbnail (D values), the code (K values) and the vector
/// compared with the gallery (M values).
#[derive(Debug)]
pub struct Workspace<'b, const M: usize> {
    /// The camera frame.
    pub frame: &'b mut [u8],
    /// The thumbnail.
    pub thumb: &'b mut [f32],
    /// The code, after the optional square root and normalisation.
    pub code: &'b mut [f32],
    /// The projected vector.
    pub out: [f32; M],
}

/// What the application says about one frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Report<'m> {
    /// Frames seen before this one.
    pub frame: u32,
    /// Who, after the "unknown" threshold.
    pub identity: Identity,
    /// The nearest label before the threshold.
    pub label: u16,
    /// The name of `label`, when the model names it.
    pub name: Option<&'m str>,
    /// Distance to the winner's nearest template.
    pub distance: f32,
    /// Votes for the winner.
    pub votes: u8,
    /// NNLS sweeps the encoder ran.
    pub sweeps: u16,
    /// Whether the encoder met its tolerance.
    pub converged: bool,
    /// Stopwatch ticks of the inference.
    pub ticks: u32,
    /// The same in microseconds.
    pub micros: u32,
}

/// Why a step failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppError<C, P> {
    /// The camera failed.
    Camera(C),
    /// The recogniser refused the frame (wrong size).
    Recognise(RecogniseError),
    /// The indicator pin failed.
    Indicator(P),
}

/// The application: a recogniser, the names of its labels, a camera, an
/// indicator and a stopwatch.
#[derive(Debug)]
pub struct App<'m, C, P, S, const M: usize, const N: usize> {
    recogniser: Recogniser<'m, M, N>,
    names: &'m [&'m str],
    camera: C,
    indicator: P,
    stopwatch: S,
    frames: u32,
}

impl<'m, C, P, S, const M: usize, const N: usize> App<'m, C, P, S, M, N>
where
    C: Camera,
    P: OutputPin,
    S: Stopwatch,
{
    /// The application over its parts; `names[label]` names a label.
    pub fn new(
        recogniser: Recogniser<'m, M, N>,
        names: &'m [&'m str],
        camera: C,
        indicator: P,
        stopwatch: S,
    ) -> Self {
        Self {
            recogniser,
            names,
            camera,
            indicator,
            stopwatch,
            frames: 0,
        }
    }

    /// The recogniser.
    pub const fn recogniser(&self) -> &Recogniser<'m, M, N> {
        &self.recogniser
    }

    /// The recogniser (enrol people through its gallery).
    pub fn recogniser_mut(&mut self) -> &mut Recogniser<'m, M, N> {
        &mut self.recogniser
    }

    /// The camera.
    pub fn camera_mut(&mut self) -> &mut C {
        &mut self.camera
    }

    /// Sets the indicator to `high`, over the level the last step set (the
    /// board shows enrolment's progress this way, see
    /// [`crate::enrol::Progress::indicator`]).
    pub fn indicate(&mut self, high: bool) -> Result<(), P::Error> {
        if high {
            self.indicator.set_high()
        } else {
            self.indicator.set_low()
        }
    }

    /// Frames seen so far (including failed ones).
    pub const fn frames(&self) -> u32 {
        self.frames
    }

    /// Gives the parts back.
    pub fn release(self) -> (C, P, S) {
        (self.camera, self.indicator, self.stopwatch)
    }

    /// One frame: capture into `ws.frame`, recognise, set the indicator
    /// (high for a known person, low otherwise and on any error) and report.
    pub fn step(
        &mut self,
        ws: &mut Workspace<'_, M>,
    ) -> Result<Report<'m>, AppError<C::Error, P::Error>> {
        let frame = self.frames;
        self.frames = self.frames.wrapping_add(1);
        let result = self.recognise(frame, ws);
        let known = matches!(
            result,
            Ok(Report {
                identity: Identity::Known(_),
                ..
            })
        );
        let pin = if known {
            self.indicator.set_high()
        } else {
            self.indicator.set_low()
        };
        let report = result?;
        pin.map_err(AppError::Indicator)?;
        Ok(report)
    }

    /// One whole frame: capture into `ws.frame`, then `find` looks at it
    /// (it may rewrite the frame, e.g. into its gray luma, and set the
    /// recogniser's crop, e.g. where a face locator found the face) and
    /// answers how many bytes of `ws.frame` the recogniser reads, or `None`
    /// when there is nothing to recognise (no face: `Ok(None)`, indicator
    /// low). Otherwise as [`App::step`].
    pub fn step_found<F>(
        &mut self,
        ws: &mut Workspace<'_, M>,
        find: F,
    ) -> Result<Option<Report<'m>>, AppError<C::Error, P::Error>>
    where
        F: FnOnce(&mut [u8], &mut Recogniser<'m, M, N>) -> Option<usize>,
    {
        let frame = self.frames;
        self.frames = self.frames.wrapping_add(1);
        let result = match self.capture(frame, ws) {
            Err(e) => Err(e),
            Ok(()) => match find(ws.frame, &mut self.recogniser) {
                None => Ok(None),
                Some(len) => {
                    let image = ws.frame.get(..len).unwrap_or(ws.frame);
                    self.recognise_image(frame, image, ws.thumb, ws.code, &mut ws.out)
                        .map(Some)
                }
            },
        };
        let known = matches!(
            result,
            Ok(Some(Report {
                identity: Identity::Known(_),
                ..
            }))
        );
        let pin = if known {
            self.indicator.set_high()
        } else {
            self.indicator.set_low()
        };
        let report = result?;
        pin.map_err(AppError::Indicator)?;
        Ok(report)
    }

    fn capture(
        &mut self,
        frame: u32,
        ws: &mut Workspace<'_, M>,
    ) -> Result<(), AppError<C::Error, P::Error>> {
        self.camera.capture(ws.frame).map_err(|e| {
            let kind: ErrorKind = e.kind();
            warn!("frame {}: camera error {}", frame, kind);
            let _ = (frame, kind);
            AppError::Camera(e)
        })
    }

    fn recognise(
        &mut self,
        frame: u32,
        ws: &mut Workspace<'_, M>,
    ) -> Result<Report<'m>, AppError<C::Error, P::Error>> {
        self.capture(frame, ws)?;
        self.stopwatch.start();
        let result = self
            .recogniser
            .recognise(ws.frame, ws.thumb, ws.code, &mut ws.out);
        let ticks = self.stopwatch.stop();
        self.report(frame, ticks, result)
    }

    /// Recognises `image` (a captured frame, or the part of it `find` named).
    fn recognise_image(
        &mut self,
        frame: u32,
        image: &[u8],
        thumb: &mut [f32],
        code: &mut [f32],
        out: &mut [f32; M],
    ) -> Result<Report<'m>, AppError<C::Error, P::Error>> {
        self.stopwatch.start();
        let result = self.recogniser.recognise(image, thumb, code, out);
        let ticks = self.stopwatch.stop();
        self.report(frame, ticks, result)
    }

    /// The report of one timed recognition (`ticks` of the stopwatch), logged.
    fn report(
        &self,
        frame: u32,
        ticks: u32,
        result: Result<Recognition, RecogniseError>,
    ) -> Result<Report<'m>, AppError<C::Error, P::Error>> {
        let r = result.map_err(|e| {
            warn!("frame {}: {}", frame, e);
            AppError::Recognise(e)
        })?;
        let d = r.decision;
        let micros = (u64::from(ticks) * 1_000_000 / u64::from(self.stopwatch.hz().max(1))) as u32;
        let report = Report {
            frame,
            identity: d.identity,
            label: d.label,
            name: self.names.get(usize::from(d.label)).copied(),
            distance: d.distance,
            votes: d.votes,
            sweeps: r.solve.sweeps,
            converged: r.solve.converged,
            ticks,
            micros,
        };
        info!(
            "frame {}: {} label {} ({}) distance {} votes {} sweeps {} {} us",
            frame,
            d.identity,
            d.label,
            report.name.unwrap_or("?"),
            d.distance,
            d.votes,
            r.solve.sweeps,
            micros
        );
        Ok(report)
    }

    /// Steps until `on_report` breaks, handing it every result with the
    /// workspace (whose `code` and `out` hold the frame's vectors).
    pub fn run<F>(&mut self, ws: &mut Workspace<'_, M>, mut on_report: F)
    where
        F: FnMut(
            &Result<Report<'m>, AppError<C::Error, P::Error>>,
            &Workspace<'_, M>,
        ) -> ControlFlow<()>,
    {
        loop {
            let result = self.step(ws);
            if on_report(&result, ws).is_break() {
                break;
            }
        }
    }
}
