//! The DISC1's camera port: DCMI in snapshot mode with DMA2 stream 1
//! channel 1 moving one QQVGA YUYV frame (8-bit data, PCLK rising edge,
//! VSYNC high and HREF low in blanking) into the caller's word-aligned
//! buffer, with a timeout. Register values from RM0090; not run on hardware
//! yet.

use cortex_m::peripheral::DWT;
use facenmf_firmware::camera::{Camera, ErrorKind, ErrorType};
use facenmf_firmware::ov7670::{QQVGA_HEIGHT, QQVGA_WIDTH};
use stm32f4xx_hal::pac;

/// Bytes of a QQVGA YUYV frame.
pub const FRAME_LEN: usize = QQVGA_WIDTH * QQVGA_HEIGHT * 2;

/// A frame buffer: DMA writes words, so it is word aligned.
#[repr(C, align(4))]
pub struct FrameBuf([u8; FRAME_LEN]);

impl FrameBuf {
    /// A zeroed buffer.
    pub const fn new() -> Self {
        Self([0; FRAME_LEN])
    }

    /// The frame's bytes.
    pub fn bytes_mut(&mut self) -> &mut [u8] {
        &mut self.0
    }
}

/// DCMI_DR, where DMA reads the pixels.
const DCMI_DR: u32 = 0x5005_0000 + 0x28;
/// DMA2 stream 1 CR: channel 1, high priority, word to word, memory
/// increment, peripheral to memory (RM0090 10.5.5).
const DMA_CR: u32 = (1 << 25) | (0b10 << 16) | (0b10 << 13) | (0b10 << 11) | (1 << 10);
/// FIFO on, full threshold.
const DMA_FCR: u32 = 0b111;
/// LISR/LIFCR bits of stream 1: TCIF1, HTIF1, TEIF1, DMEIF1, FEIF1.
const DMA_S1_FLAGS: u32 = 0x0F40;
const DMA_TCIF1: u32 = 1 << 11;
const DMA_TEIF1: u32 = 1 << 9;
/// DCMI CR: snapshot, PCLK rising edge, VSYNC high and HREF low in blanking
/// (the OV7670's defaults), 8-bit data (RM0090 15.8.1).
const DCMI_CR: u32 = (1 << 1) | (1 << 5) | (1 << 7);
const DCMI_ENABLE: u32 = 1 << 14;
const DCMI_CAPTURE: u32 = 1 << 0;

/// DCMI + DMA capture of one QQVGA YUYV frame.
pub struct DcmiCamera {
    dcmi: pac::DCMI,
    dma: pac::DMA2,
    timeout_cycles: u32,
}

impl DcmiCamera {
    /// Captures through `dcmi` and DMA2 stream 1 (their clocks on, the DCMI
    /// pins set up); a frame not done after `timeout_cycles` core cycles
    /// (DWT's cycle counter, enabled) is [`ErrorKind::Timeout`].
    pub fn new(dcmi: pac::DCMI, dma: pac::DMA2, timeout_cycles: u32) -> Self {
        Self {
            dcmi,
            dma,
            timeout_cycles,
        }
    }
}

impl ErrorType for DcmiCamera {
    type Error = ErrorKind;
}

impl Camera for DcmiCamera {
    fn frame_len(&self) -> usize {
        FRAME_LEN
    }

    fn capture(&mut self, frame: &mut [u8]) -> Result<(), ErrorKind> {
        if frame.len() != FRAME_LEN || !(frame.as_ptr() as usize).is_multiple_of(4) {
            return Err(ErrorKind::FrameSize);
        }
        let st = self.dma.st(1);
        // SAFETY: raw register values from RM0090; the stream is disabled
        // before it is set up, and `frame` outlives the transfer, which ends
        // (or is stopped) before this returns.
        unsafe {
            st.cr().write(|w| w.bits(0));
            while st.cr().read().bits() & 1 != 0 {}
            self.dma.lifcr().write(|w| w.bits(DMA_S1_FLAGS));
            st.par().write(|w| w.bits(DCMI_DR));
            st.m0ar().write(|w| w.bits(frame.as_mut_ptr() as u32));
            st.ndtr().write(|w| w.bits((FRAME_LEN / 4) as u32));
            st.fcr().write(|w| w.bits(DMA_FCR));
            st.cr().write(|w| w.bits(DMA_CR | 1));
            self.dcmi.icr().write(|w| w.bits(0x1F));
            self.dcmi.cr().write(|w| w.bits(DCMI_CR | DCMI_ENABLE));
            self.dcmi
                .cr()
                .write(|w| w.bits(DCMI_CR | DCMI_ENABLE | DCMI_CAPTURE));
        }
        let start = DWT::cycle_count();
        let result = loop {
            let flags = self.dma.lisr().read().bits();
            if flags & DMA_TEIF1 != 0 {
                break Err(ErrorKind::Other);
            }
            if flags & DMA_TCIF1 != 0 {
                break Ok(());
            }
            if DWT::cycle_count().wrapping_sub(start) > self.timeout_cycles {
                break Err(ErrorKind::Timeout);
            }
        };
        // SAFETY: stopping the capture and the stream.
        unsafe {
            self.dcmi.cr().write(|w| w.bits(0));
            st.cr().write(|w| w.bits(0));
        }
        // The DMA wrote behind the compiler's back.
        core::sync::atomic::compiler_fence(core::sync::atomic::Ordering::SeqCst);
        result
    }
}
