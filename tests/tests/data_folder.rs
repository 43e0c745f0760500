//! A user's own image folder (JPEG/PNG/PGM, one sub-folder per person) and bad input.

use facenmf_host::data::decode::{write_png, Image8};
use facenmf_host::data::folder::{self, FolderOptions};
use facenmf_host::data::lfw::{self, LfwOptions, Prepare, Slice};
use facenmf_tests::data_dir;
use std::fs;
use std::path::Path;

fn gray(w: usize, h: usize, seed: u8) -> Image8 {
    let data = (0..w * h)
        .map(|k| (k as u8).wrapping_mul(7).wrapping_add(seed))
        .collect();
    Image8 {
        width: w,
        height: h,
        channels: 1,
        data,
    }
}

fn write_pgm(path: &Path, img: &Image8) {
    let mut b = format!("P5\n# made by a test\n{} {}\n255\n", img.width, img.height).into_bytes();
    b.extend_from_slice(&img.data);
    fs::write(path, b).unwrap();
}

fn err_of<T: std::fmt::Debug>(r: Result<T, facenmf_host::data::DataError>) -> String {
    r.unwrap_err().to_string()
}

#[test]
fn user_folder_png_pgm_and_sizes() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fs::create_dir_all(d.join("bob")).unwrap();
    fs::create_dir_all(d.join("alice")).unwrap();
    write_png(&d.join("bob/1.png"), &gray(20, 30, 1)).unwrap();
    write_pgm(&d.join("bob/2.pgm"), &gray(20, 30, 2));
    write_pgm(&d.join("alice/a.pgm"), &gray(20, 30, 3));
    fs::write(d.join("alice/notes.txt"), "ignored").unwrap();
    let ds = folder::load(d, &FolderOptions::default()).unwrap();
    assert_eq!(ds.class_names, vec!["alice", "bob"]);
    assert_eq!(ds.labels, vec![0, 1, 1]);
    assert_eq!((ds.height, ds.width), (30, 20));
    // PNG and PGM decode to the same pixels as written
    let want = gray(20, 30, 1);
    assert!(ds
        .image(1)
        .iter()
        .zip(&want.data)
        .all(|(&a, &b)| a == f32::from(b) / 255.0));

    // crop + resize factor
    let opts = FolderOptions {
        prepare: Prepare {
            slice: Some(Slice {
                rows: (5, 25),
                cols: (2, 18),
            }),
            resize: Some(0.5),
            size: None,
        },
        ..Default::default()
    };
    let ds = folder::load(d, &opts).unwrap();
    assert_eq!((ds.height, ds.width), (10, 8));

    // mixed sizes need a fixed output size
    write_pgm(&d.join("alice/b.pgm"), &gray(40, 60, 4));
    let e = err_of(folder::load(d, &FolderOptions::default()));
    assert!(
        e.contains("b.pgm") && e.contains("give a slice or a fixed size"),
        "{e}"
    );
    let opts = FolderOptions {
        prepare: Prepare {
            size: Some((12, 8)),
            ..Default::default()
        },
        ..Default::default()
    };
    let ds = folder::load(d, &opts).unwrap();
    assert_eq!((ds.len(), ds.height, ds.width), (4, 12, 8));
}

#[test]
fn user_folder_with_real_jpegs() {
    let Some(lfw_dir) = data_dir::dataset("lfw_funneled_min20") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    for p in ["Tony_Blair", "Hans_Blix"] {
        fs::create_dir_all(tmp.path().join(p)).unwrap();
        for k in 1..=3 {
            let f = format!("{p}_{k:04}.jpg");
            fs::copy(lfw_dir.join(p).join(&f), tmp.path().join(p).join(&f)).unwrap();
        }
    }
    let opts = FolderOptions {
        prepare: Prepare {
            slice: Some(Slice::LFW_DEFAULT),
            resize: Some(0.5),
            size: None,
        },
        ..Default::default()
    };
    let ds = folder::load(tmp.path(), &opts).unwrap();
    assert_eq!((ds.len(), ds.height, ds.width), (6, 62, 47));
    assert_eq!(ds.class_names, vec!["Hans_Blix", "Tony_Blair"]);
    // the same six pictures through the LFW loader (sklearn's defaults), sorted back
    let l = lfw::load(tmp.path(), &LfwOptions::default()).unwrap();
    assert_eq!((l.height, l.width), (62, 47));
    let mut a: Vec<Vec<u32>> = (0..6)
        .map(|i| ds.image(i).iter().map(|x| x.to_bits()).collect())
        .collect();
    let mut b: Vec<Vec<u32>> = (0..6)
        .map(|i| l.image(i).iter().map(|x| x.to_bits()).collect())
        .collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);

    // a JPEG cut short is an error naming it, or skipped when asked
    let f = tmp.path().join("Hans_Blix/Hans_Blix_0002.jpg");
    let bytes = fs::read(&f).unwrap();
    fs::write(&f, &bytes[..bytes.len() / 2]).unwrap();
    let e = folder::load(tmp.path(), &opts).unwrap_err().to_string();
    assert!(
        e.contains("Hans_Blix_0002.jpg") && e.contains("corrupt JPEG"),
        "{e}"
    );
    let e = lfw::load(tmp.path(), &LfwOptions::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("Hans_Blix_0002.jpg"), "{e}");
    let skipped = folder::load(
        tmp.path(),
        &FolderOptions {
            skip_corrupt: true,
            ..opts
        },
    )
    .unwrap();
    assert_eq!(skipped.len(), 5);
}

#[test]
fn bad_input_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // missing folder
    let e = err_of(folder::load(&d.join("nope"), &FolderOptions::default()));
    assert!(e.contains("nope") && e.contains("no such folder"), "{e}");
    let e = err_of(lfw::load(&d.join("nope"), &LfwOptions::default()));
    assert!(e.contains("no such folder"), "{e}");
    // empty person folder
    fs::create_dir_all(d.join("carol")).unwrap();
    fs::create_dir_all(d.join("dave")).unwrap();
    write_pgm(&d.join("dave/1.pgm"), &gray(250, 250, 0));
    let e = err_of(folder::load(d, &FolderOptions::default()));
    assert!(
        e.contains("carol") && e.contains("no JPEG, PNG or PGM"),
        "{e}"
    );
    fs::remove_dir(d.join("carol")).unwrap();
    // corrupt JPEG: an error naming it, or skipped with a warning when asked
    let jpeg_head = [
        0xffu8, 0xd8, 0xff, 0xe0, 0, 16, b'J', b'F', b'I', b'F', 0, 1,
    ];
    fs::write(d.join("dave/2.jpg"), jpeg_head).unwrap();
    let e = err_of(folder::load(d, &FolderOptions::default()));
    assert!(e.contains("2.jpg") && e.contains("corrupt JPEG"), "{e}");
    let ds = folder::load(
        d,
        &FolderOptions {
            skip_corrupt: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(ds.len(), 1);
    fs::remove_file(d.join("dave/2.jpg")).unwrap();
    // resize <= 0
    for f in [0.0, -1.0, f64::NAN] {
        let mut o = LfwOptions::default();
        o.prepare.resize = Some(f);
        let e = err_of(lfw::load(d, &o));
        assert!(e.contains("resize must be > 0"), "{e}");
    }
    // slice outside the image
    let o = FolderOptions {
        prepare: Prepare {
            slice: Some(Slice {
                rows: (0, 300),
                cols: (0, 10),
            }),
            ..Default::default()
        },
        ..Default::default()
    };
    let e = err_of(folder::load(d, &o));
    assert!(
        e.contains("1.pgm") && e.contains("outside the 250 x 250 image"),
        "{e}"
    );
    // a truncated PGM
    fs::write(d.join("dave/3.pgm"), b"P5 10 10 255\n\x01\x02").unwrap();
    let e = err_of(folder::load(d, &FolderOptions::default()));
    assert!(e.contains("3.pgm") && e.contains("truncated PGM"), "{e}");
    // a folder of files, not person folders
    let e = err_of(folder::load(&d.join("dave"), &FolderOptions::default()));
    assert!(e.contains("no person folder"), "{e}");
}
