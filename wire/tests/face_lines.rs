//! The locator's `face=` line: any line survives format → parse, the text is
//! the format's byte for byte, and a truncated or corrupt one is refused
//! naming the field.

use facenmf_wire::lines::{FaceBox, FaceLine, Line, LineError};
use proptest::prelude::*;

fn face_lines() -> impl Strategy<Value = FaceLine> {
    (
        any::<usize>(),
        proptest::option::of((proptest::array::uniform4(any::<usize>()), any::<u16>())),
        any::<u32>(),
    )
        .prop_map(|(frame, face, windows)| FaceLine {
            frame,
            face: face.map(|([top, left, height, width], score)| FaceBox {
                top,
                left,
                height,
                width,
                score,
            }),
            windows,
        })
}

/// The line spelled out from the format.
fn reference_text(l: &FaceLine) -> String {
    match l.face {
        Some(b) => format!(
            "face={} found=1 top={} left={} height={} width={} score={} windows={}",
            l.frame, b.top, b.left, b.height, b.width, b.score, l.windows
        ),
        None => format!("face={} found=0 windows={}", l.frame, l.windows),
    }
}

proptest! {
    #[test]
    fn any_face_line_survives_format_and_parse(l in face_lines()) {
        let text = l.to_string();
        prop_assert_eq!(&text, &reference_text(&l));
        prop_assert_eq!(Line::parse(&text).unwrap(), Line::Face(l));
        let crlf = format!("{text}\r");
        prop_assert_eq!(Line::parse(&crlf).unwrap(), Line::Face(l));
    }

    #[test]
    fn a_truncated_face_line_is_refused(l in face_lines(), cut in 1usize..120) {
        let text = l.to_string();
        // Cut before the last number (a cut inside it still reads as a number).
        let last = text.rfind("windows=").unwrap() + "windows=".len();
        let keep = text.len().saturating_sub(cut).max("face=".len());
        prop_assume!(keep < last);
        match Line::parse(&text[..keep]) {
            Err(LineError::Missing { .. } | LineError::BadValue { .. }) => {}
            other => prop_assert!(false, "{:?} for {:?}", other, &text[..keep]),
        }
    }
}

#[test]
fn bad_face_lines_are_refused_by_name() {
    for (line, err) in [
        (
            "face=3 found=2 windows=9",
            LineError::BadValue { field: "found" },
        ),
        ("face=3 windows=9", LineError::Missing { field: "found" }),
        (
            "face=3 found=1 windows=9",
            LineError::Missing { field: "top" },
        ),
        (
            "face=3 found=1 top=1 left=2 height=3 width=4 score=70000 windows=9",
            LineError::BadValue { field: "score" },
        ),
        ("face=3 found=0 windows=9 top=1", LineError::Trailing),
        (
            "face=x found=0 windows=9",
            LineError::BadValue { field: "face" },
        ),
    ] {
        assert_eq!(Line::parse(line), Err(err), "{line}");
    }
    assert_eq!(
        Line::parse("face=7 found=0 windows=25134"),
        Ok(Line::Face(FaceLine {
            frame: 7,
            face: None,
            windows: 25134
        }))
    );
}
