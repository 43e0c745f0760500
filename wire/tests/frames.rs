//! The frames file: any frame set survives write → parse; a truncated,
//! padded or foreign file is refused with the error that names why.

use facenmf_wire::frames::{self, Frames, FramesError, WriteError, HEADER_LEN};
use proptest::prelude::*;

/// 0 to 6 frames of 0 to 40 bytes, all of one size.
fn frame_sets() -> impl Strategy<Value = Vec<Vec<u8>>> {
    (0usize..=40, 0usize..=6).prop_flat_map(|(len, count)| {
        proptest::collection::vec(proptest::collection::vec(any::<u8>(), len), count)
    })
}

/// [`frames::write`] into a `Vec` (the `alloc` feature's `to_vec` without it).
fn to_vec<F: AsRef<[u8]>>(set: &[F]) -> Result<Vec<u8>, WriteError> {
    let mut buf = vec![0; frames::file_len(set)?];
    frames::write(set, &mut buf)?;
    Ok(buf)
}

fn file_of(frames: &[Vec<u8>]) -> Vec<u8> {
    let mut buf = vec![0xAA; frames::file_len(frames).unwrap()];
    let n = frames::write(frames, &mut buf).unwrap();
    assert_eq!(n, buf.len());
    buf
}

proptest! {
    #[test]
    fn any_frame_set_survives_write_and_parse(set in frame_sets()) {
        let file = file_of(&set);
        prop_assert_eq!(file.len(), HEADER_LEN + set.iter().map(Vec::len).sum::<usize>());
        let parsed = Frames::new_checked(&file).unwrap();
        prop_assert_eq!(parsed.count(), set.len());
        prop_assert_eq!(parsed.frame_len(), set.first().map_or(0, Vec::len));
        let back: Vec<&[u8]> = parsed.iter().collect();
        let want: Vec<&[u8]> = set.iter().map(Vec::as_slice).collect();
        prop_assert_eq!(&back, &want);
        for (i, f) in want.iter().enumerate() {
            prop_assert_eq!(parsed.get(i), Some(*f));
        }
        prop_assert_eq!(parsed.get(set.len()), None);
        #[cfg(feature = "alloc")]
        prop_assert_eq!(frames::to_vec(&set).unwrap(), file);
    }

    #[test]
    fn a_truncated_or_padded_file_is_refused(set in frame_sets(), cut in 1usize..64, pad in 1usize..8) {
        let file = file_of(&set);
        let short = &file[..file.len().saturating_sub(cut)];
        let err = Frames::new_checked(short).unwrap_err();
        if short.len() < HEADER_LEN {
            prop_assert_eq!(err, FramesError::TooShort { len: short.len() });
        } else {
            prop_assert!(matches!(err, FramesError::Length { data, .. } if data == short.len() - HEADER_LEN), "{:?}", err);
        }
        let mut long = file.clone();
        long.extend(std::iter::repeat_n(0, pad));
        let is_length_error = matches!(Frames::new_checked(&long), Err(FramesError::Length { .. }));
        prop_assert!(is_length_error);
    }

    #[test]
    fn a_corrupt_magic_is_refused(set in frame_sets(), at in 0usize..4, flip in 1u8..=255) {
        let mut file = file_of(&set);
        file[at] ^= flip;
        let mut found = *b"FRMS";
        found[at] ^= flip;
        prop_assert_eq!(Frames::new_checked(&file), Err(FramesError::BadMagic { found }));
    }
}

#[test]
fn the_layout_is_frms_count_length_frames() {
    let file = to_vec(&[[1u8, 2, 3], [4, 5, 6]]).unwrap();
    assert_eq!(
        file,
        [
            b"FRMS".as_slice(),
            &[2, 0, 0, 0],
            &[3, 0, 0, 0],
            &[1, 2, 3, 4, 5, 6]
        ]
        .concat()
    );
    assert_eq!(frames::header(0, 0), *b"FRMS\0\0\0\0\0\0\0\0");
    let empty = frames::header(0, 7);
    let none = Frames::new_checked(&empty).unwrap();
    assert_eq!(
        (none.count(), none.frame_len(), none.iter().len()),
        (0, 7, 0)
    );
}

#[test]
fn frames_of_different_sizes_or_a_small_buffer_are_refused_and_nothing_is_written() {
    let set = [vec![1u8, 2], vec![3, 4], vec![5]];
    assert_eq!(
        to_vec(&set),
        Err(WriteError::UnequalFrames {
            index: 2,
            expected: 2,
            len: 1
        })
    );
    let mut buf = [9u8; HEADER_LEN + 3];
    assert_eq!(
        frames::write(&[[1u8, 2], [3, 4]], &mut buf),
        Err(WriteError::BufferTooSmall {
            needed: HEADER_LEN + 4,
            len: HEADER_LEN + 3
        })
    );
    assert_eq!(buf, [9; HEADER_LEN + 3]);
}

#[test]
fn a_header_announcing_more_than_memory_is_refused() {
    let file = frames::header(u32::MAX, u32::MAX);
    let err = Frames::new_checked(&file).unwrap_err();
    assert!(matches!(err, FramesError::Length { data: 0, .. }));
    assert!(err.to_string().contains("frames of"), "{err}");
}

#[test]
fn errors_say_what_is_wrong() {
    let short = Frames::new_checked(b"FRMS\x01").unwrap_err().to_string();
    assert!(
        short.contains("5 bytes") && short.contains("12-byte header"),
        "{short}"
    );
    let magic = Frames::new_checked(b"PNG\0\0\0\0\0\0\0\0\0")
        .unwrap_err()
        .to_string();
    assert!(magic.contains("not FRMS"), "{magic}");
    let mut file = to_vec(&[[1u8; 4]; 3]).unwrap();
    file.pop();
    let length = Frames::new_checked(&file).unwrap_err().to_string();
    assert!(
        length.contains("3 frames of 4 bytes need 12 bytes") && length.contains("has 11"),
        "{length}"
    );
}
