//! The board's result lines: any line survives format → parse, the text is
//! the format's byte for byte, and a truncated or corrupt line is refused
//! with the error that names the field.

use facenmf_wire::hex::{HexList, HexSlice};
use facenmf_wire::lines::{Done, ErrorAt, ErrorLine, FrameLine, Header, Line, LineError, Profile};
use proptest::prelude::*;

/// Any f32 bits (NaN payloads and signed zeros included).
fn floats(max: usize) -> impl Strategy<Value = Vec<f32>> {
    proptest::collection::vec(any::<u32>().prop_map(f32::from_bits), 0..max)
}

/// Names as a model may carry them: any text without a line break.
fn names() -> impl Strategy<Value = String> {
    "[^\r\n]{0,24}"
}

#[derive(Debug, Clone)]
struct Owned {
    frame: usize,
    label: u16,
    known: bool,
    distance: f32,
    votes: u8,
    sweeps: u16,
    converged: bool,
    ticks: u32,
    led: bool,
    code: Vec<f32>,
    out: Vec<f32>,
    name: String,
}

impl Owned {
    fn line(&self) -> FrameLine<'_> {
        FrameLine {
            frame: self.frame,
            label: self.label,
            known: self.known,
            distance: self.distance,
            votes: self.votes,
            sweeps: self.sweeps,
            converged: self.converged,
            ticks: self.ticks,
            led: self.led,
            code: HexSlice(&self.code),
            out: HexSlice(&self.out),
            name: &self.name,
        }
    }
}

fn frame_lines() -> impl Strategy<Value = Owned> {
    (
        (any::<usize>(), any::<u16>(), any::<bool>(), any::<u32>()),
        (
            any::<u8>(),
            any::<u16>(),
            any::<bool>(),
            any::<u32>(),
            any::<bool>(),
        ),
        (floats(40), floats(20), names()),
    )
        .prop_map(
            |(
                (frame, label, known, distance),
                (votes, sweeps, converged, ticks, led),
                (code, out, name),
            )| Owned {
                frame,
                label,
                known,
                distance: f32::from_bits(distance),
                votes,
                sweeps,
                converged,
                ticks,
                led,
                code,
                out,
                name,
            },
        )
}

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

/// The line as today's firmware writes it, spelled out.
fn reference_text(o: &Owned) -> String {
    let hex = |v: &[f32]| {
        v.iter()
            .map(|x| format!("{:08x}", x.to_bits()))
            .collect::<Vec<_>>()
            .join(",")
    };
    format!(
        "frame={} label={} known={} distance={:08x} votes={} sweeps={} converged={} ticks={} led={} code={} out={} name={}",
        o.frame,
        o.label,
        u8::from(o.known),
        o.distance.to_bits(),
        o.votes,
        o.sweeps,
        u8::from(o.converged),
        o.ticks,
        u8::from(o.led),
        hex(&o.code),
        hex(&o.out),
        o.name
    )
}

proptest! {
    #[test]
    fn any_frame_result_survives_format_and_parse(o in frame_lines()) {
        let text = o.line().to_string();
        prop_assert_eq!(&text, &reference_text(&o));
        let Line::Frame(p) = Line::parse(&text).unwrap() else {
            panic!("not a frame line: {text}");
        };
        prop_assert_eq!(
            (p.frame, p.label, p.known, p.distance.to_bits(), p.votes, p.sweeps, p.converged, p.ticks, p.led, p.name),
            (o.frame, o.label, o.known, o.distance.to_bits(), o.votes, o.sweeps, o.converged, o.ticks, o.led, o.name.as_str())
        );
        prop_assert_eq!(p.code.bits().collect::<Vec<_>>(), bits(&o.code));
        prop_assert_eq!(p.out.bits().collect::<Vec<_>>(), bits(&o.out));
        prop_assert_eq!(p.to_string(), text.clone());
        // A carriage return at the end (a serial line) changes nothing.
        let crlf = format!("{text}\r");
        let Line::Frame(q) = Line::parse(&crlf).unwrap() else {
            panic!("not a frame line: {crlf}");
        };
        prop_assert_eq!(q.to_string(), text);
    }

    #[test]
    fn a_truncated_frame_line_is_refused(o in frame_lines(), cut in 1usize..400) {
        let text = o.line().to_string();
        let name_at = text.find(" name=").unwrap();
        let keep = text.len().saturating_sub(cut);
        prop_assume!(keep < name_at + 6 && text.is_char_boundary(keep) && keep >= "frame=".len());
        let err = Line::parse(&text[..keep]).unwrap_err();
        prop_assert_eq!(err, LineError::Missing { field: "name" });
    }

    #[test]
    fn a_corrupt_hex_digit_is_refused_naming_its_field(o in frame_lines(), pick in any::<prop::sample::Index>(), bad in "[g-zG-Z+ ,-]") {
        prop_assume!(!o.code.is_empty());
        let text = o.line().to_string();
        let start = text.find(" code=").unwrap() + " code=".len();
        let at = start + pick.index(8 * o.code.len() + o.code.len() - 1);
        prop_assume!(text.as_bytes()[at] != b',');
        let corrupt = format!("{}{}{}", &text[..at], bad, &text[at + 1..]);
        let err = Line::parse(&corrupt).unwrap_err();
        // A space splits the field: the list is then cut short, or the next
        // field is not where the format has it.
        prop_assert!(
            err == LineError::BadValue { field: "code" } || err == LineError::Missing { field: "out" },
            "{:?} for {}", err, corrupt
        );
    }

    #[test]
    fn header_profile_done_and_error_lines_survive_format_and_parse(
        n in proptest::array::uniform7(any::<usize>()),
        t in proptest::array::uniform5(any::<u64>()),
        e in any::<u32>(),
        at in proptest::option::of(any::<usize>()),
        what in names(),
    ) {
        let header = Header { frames: n[0], frame_len: n[1], d: n[2], k: n[3], m: n[4], templates: n[5], classes: n[6] };
        let text = header.to_string();
        prop_assert_eq!(&text, &format!("facenmf-qemu frames={} frame_len={} d={} k={} m={} templates={} classes={}", n[0], n[1], n[2], n[3], n[4], n[5], n[6]));
        prop_assert_eq!(Line::parse(&text).unwrap(), Line::Header(header));

        let profile = Profile { thumbnail: t[0], features: t[4], encode: t[1], project: t[2], classify: t[3] };
        let text = profile.to_string();
        prop_assert_eq!(&text, &format!("profile thumbnail={} features={} encode={} project={} classify={}", t[0], t[4], t[1], t[2], t[3]));
        prop_assert_eq!(Line::parse(&text).unwrap(), Line::Profile(profile));

        let done = Done { frames: n[0], errors: e, stack_peak: n[1], stack_size: n[2] };
        let text = done.to_string();
        prop_assert_eq!(&text, &format!("done frames={} errors={e} stack_peak={} stack_size={}", n[0], n[1], n[2]));
        prop_assert_eq!(Line::parse(&text).unwrap(), Line::Done(done));

        let at = at.map_or(ErrorAt::Profile, ErrorAt::Frame);
        let text = ErrorLine { at, what: &what }.to_string();
        let want_at = match at { ErrorAt::Frame(i) => i.to_string(), ErrorAt::Profile => "profile".into() };
        prop_assert_eq!(&text, &format!("error={want_at} {what}"));
        prop_assert_eq!(Line::parse(&text).unwrap(), Line::Error(ErrorLine { at, what: what.as_str() }));
    }

    #[test]
    fn a_truncated_done_line_is_refused_naming_the_first_missing_field(n in proptest::array::uniform4(0usize..100_000), cut in 1usize..60) {
        let done = Done { frames: n[0], errors: n[1] as u32, stack_peak: n[2], stack_size: n[3] };
        let text = done.to_string();
        let keep = text.len().saturating_sub(cut).max("done ".len());
        let short = &text[..keep];
        match Line::parse(short) {
            Err(LineError::Missing { .. } | LineError::BadValue { .. }) => {}
            // Cut inside the last number: still a number, a different one.
            Ok(Line::Done(d)) => prop_assert!(d.stack_size < done.stack_size || d.stack_size == 0),
            other => prop_assert!(false, "{:?} for {:?}", other, short),
        }
    }
}

#[test]
fn fields_out_of_order_missing_or_extra_are_refused_by_name() {
    let good = "done frames=64 errors=0 stack_peak=2760 stack_size=120952";
    assert!(matches!(Line::parse(good), Ok(Line::Done(_))));
    for (line, err) in [
        (
            "done frames=64 stack_peak=2760 stack_size=120952",
            LineError::Missing { field: "errors" },
        ),
        (
            "done frames=64 errors=x stack_peak=2760 stack_size=120952",
            LineError::BadValue { field: "errors" },
        ),
        (
            "done frames=64 errors=+1 stack_peak=2760 stack_size=120952",
            LineError::BadValue { field: "errors" },
        ),
        (
            "done frames=64 errors=0 stack_peak=2760 stack_size=120952 more=1",
            LineError::Trailing,
        ),
        (
            "facenmf-qemu frames=1 frame_len=2 d=3 k=4 m=5 templates=6",
            LineError::Missing { field: "classes" },
        ),
        (
            "profile thumbnail=1 features=5 encode=2 project=3 classify=99999999999999999999999",
            LineError::BadValue { field: "classify" },
        ),
        ("error=3", LineError::Missing { field: "what" }),
        ("error=x failed", LineError::BadValue { field: "error" }),
        (
            "frame=0 label=0 known=2 distance=3b6bdd00 votes=3 sweeps=50 converged=0 ticks=1 led=1 code= out= name=A",
            LineError::BadValue { field: "known" },
        ),
        (
            "frame=0 label=0 known=1 distance=3b6bdd0 votes=3 sweeps=50 converged=0 ticks=1 led=1 code= out= name=A",
            LineError::BadValue { field: "distance" },
        ),
        (
            "frame=0 label=0 known=1 distance=3b6bdd00 votes=3 sweeps=50 converged=0 ticks=1 led=1 code=3b6bdd00, out= name=A",
            LineError::BadValue { field: "code" },
        ),
    ] {
        assert_eq!(Line::parse(line), Err(err), "{line}");
    }
    let msg = LineError::Missing { field: "errors" }.to_string();
    assert!(
        msg.contains("errors=") && msg.contains("truncated"),
        "{msg}"
    );
}

#[test]
fn other_lines_pass_through() {
    assert_eq!(Line::parse("hello"), Ok(Line::Other("hello")));
    assert_eq!(Line::parse(""), Ok(Line::Other("")));
    assert_eq!(Line::parse("done"), Ok(Line::Other("done")));
}

#[test]
fn a_board_line_of_the_readme_reads() {
    let line = "frame=0 label=0 known=1 distance=3b6bdd00 votes=3 sweeps=50 converged=0 ticks=54315 led=1 code=3db9d35f,3e915305 out=3f800000 name=Ada Lovelace";
    let Ok(Line::Frame(f)) = Line::parse(line) else {
        panic!("{line}");
    };
    assert_eq!(
        (f.frame, f.label, f.known, f.votes, f.sweeps),
        (0, 0, true, 3, 50)
    );
    assert_eq!(f.distance.to_bits(), 0x3b6b_dd00);
    assert_eq!(
        f.code.bits().collect::<Vec<_>>(),
        [0x3db9_d35f, 0x3e91_5305]
    );
    assert_eq!(f.out.values().collect::<Vec<_>>(), [1.0]);
    assert_eq!(f.name, "Ada Lovelace");
    assert_eq!(f.to_string(), line);
    assert_eq!(HexList::new_checked(""), HexList::new_checked(""));
    assert!(HexList::new_checked("").unwrap().is_empty());
}
