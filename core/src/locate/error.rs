//! What can be wrong with a locator's model or its buffers.

/// A cascade, pyramid or buffer that does not fit together; found once by
/// the checked constructors, never while scanning a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum LocateError {
    /// The cascade's window is empty or larger than [`super::MAX_WINDOW`].
    Window,
    /// A cascade has no stage, or a stage no weak classifier.
    EmptyCascade,
    /// Stage `stage` names weak classifiers outside the list.
    StageRange {
        /// Index of the stage.
        stage: usize,
    },
    /// Weak classifier `weak` names a feature outside the list.
    FeatureIndex {
        /// Index of the weak classifier.
        weak: usize,
    },
    /// Feature `feature`'s 3x3 blocks do not fit the window.
    FeatureOutsideWindow {
        /// Index of the feature.
        feature: usize,
    },
    /// A stage's leaves could overflow the `i32` sum.
    LeafRange {
        /// Index of the stage.
        stage: usize,
    },
    /// Weak classifier `weak`'s decision bounds are not the ones its
    /// stage's leaves and threshold give (see [`super::cascade::decisions`]).
    Decision {
        /// Index of the weak classifier.
        weak: usize,
    },
    /// Tree `weak` of a Haar cascade names nodes or leaves outside its own,
    /// or a node that does not come later.
    Tree {
        /// Index of the tree.
        weak: usize,
    },
    /// Verifier settings: an even or too large scale count, a step not in
    /// (1, 2], a stride outside 1..=8, too wide a patch, more stages than
    /// the cascade has or no face verified.
    Verifier,
    /// Frame sides: zero or above [`super::MAX_SIDE`].
    FrameSize {
        /// Width asked for.
        width: usize,
        /// Height asked for.
        height: usize,
    },
    /// Pyramid parameters: the first scale is below 1, the step not above 1,
    /// too many levels or too wide a margin.
    Pyramid,
    /// Seeding parameters: a stride outside 1..=8, no stage, a side ratio
    /// not in (1, 4] or a reach beyond 4 seed sides.
    Seeding,
    /// A work buffer is shorter than the frame geometry needs.
    Buffer {
        /// Which buffer: `"level row"`, `"integral"` or `"candidates"`.
        which: &'static str,
        /// Length needed.
        needed: usize,
        /// Length given.
        given: usize,
    },
    /// The frame's byte count is not `width · height`.
    FrameLength {
        /// Bytes expected.
        expected: usize,
        /// Bytes given.
        actual: usize,
    },
}

impl core::fmt::Display for LocateError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match *self {
            Self::Window => write!(f, "cascade window is empty or too large"),
            Self::EmptyCascade => write!(f, "cascade has an empty stage or no stage"),
            Self::StageRange { stage } => {
                write!(f, "stage {stage} names weak classifiers outside the list")
            }
            Self::FeatureIndex { weak } => {
                write!(f, "weak classifier {weak} names a feature outside the list")
            }
            Self::FeatureOutsideWindow { feature } => {
                write!(f, "feature {feature} does not fit the window")
            }
            Self::LeafRange { stage } => write!(f, "stage {stage}'s leaves could overflow the sum"),
            Self::Decision { weak } => write!(
                f,
                "weak classifier {weak}'s decision bounds do not follow from its stage"
            ),
            Self::Tree { weak } => write!(
                f,
                "tree {weak} names nodes or leaves outside its own, or a node that does not come later"
            ),
            Self::Verifier => write!(
                f,
                "verifier: 1..=9 scales (odd), step in (1, 2], stride 1..=8, patch at most 128 px, stages within the cascade's, at least one face"
            ),
            Self::FrameSize { width, height } => {
                write!(f, "frame size {width} x {height} is not supported")
            }
            Self::Pyramid => write!(
                f,
                "pyramid: first scale must be >= 1, step > 1, at most 64 levels, margins at most 32"
            ),
            Self::Seeding => write!(
                f,
                "seeding: stride 1..=8, at least 1 stage, ratio in (1, 4], reach at most 4 sides"
            ),
            Self::Buffer {
                which,
                needed,
                given,
            } => {
                write!(f, "{which} buffer holds {given} values, needs {needed}")
            }
            Self::FrameLength { expected, actual } => {
                write!(f, "frame has {actual} bytes, expected {expected}")
            }
        }
    }
}
