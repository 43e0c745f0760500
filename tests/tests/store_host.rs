//! `facenmf store`'s domain code against the device's store: an image the
//! host writes opens on the device (the same `facenmf-store` over a NOR
//! mock) with the same person, label and template bits; a dump the device
//! wrote lists on the host with its model identity; bad images are refused
//! with a clear message.

use facenmf_host::store::{self, Board};
use facenmf_store::{Person, Region, Store};
use facenmf_tests::models::{random_model, Shape};
use facenmf_tests::nor_flash::NorMock;

const M: usize = 3;
type QemuFlash = NorMock<4, 8192>;

fn model() -> facenmf_host::model::Model {
    random_model(
        5,
        Shape {
            frame: (12, 16),
            thumb: (6, 8),
            k: 5,
            m: Some(M),
            n: 4,
            classes: 2,
        },
    )
}

fn region() -> Region {
    Region {
        start: 0,
        sectors: 2,
    }
}

#[test]
fn an_image_written_on_the_host_opens_on_the_device() {
    let model = model();
    let id = store::model_id(&model);
    let (image, label) =
        store::add(None, Board::Qemu, &model, "Grace", &[0.5, -1.25, 3.0]).unwrap();
    assert_eq!(label, 2, "one past the model's classes");
    let (image, label2) = store::add(
        Some(&image),
        Board::Qemu,
        &model,
        "Edsger",
        &[1.0, 2.0, 4.0],
    )
    .unwrap();
    assert_eq!(label2, 3);
    let err = store::add(Some(&image), Board::Qemu, &model, "Grace", &[0.0; 3]).unwrap_err();
    assert!(
        format!("{err:#}").contains("already in the image"),
        "{err:#}"
    );

    let mut flash = QemuFlash::from_bytes(image.clone());
    let mut device = Store::<_, M, 8>::open(&mut flash, region(), id).unwrap().0;
    let p = device.person(0).unwrap().unwrap();
    assert_eq!((p.label, p.name()), (2, b"Grace".as_slice()));
    assert_eq!(
        p.vector.map(f32::to_bits),
        [0.5f32, -1.25, 3.0].map(f32::to_bits)
    );
    assert_eq!(device.labels().collect::<Vec<_>>(), [2, 3]);
    // Another model's device refuses it.
    assert!(
        Store::<_, M, 8>::open(&mut QemuFlash::from_bytes(image.clone()), region(), id ^ 1)
            .is_err()
    );
}

#[test]
fn a_dump_written_by_the_device_lists_on_the_host() {
    let model = model();
    let id = store::model_id(&model);
    let mut flash = QemuFlash::new(2);
    let mut device = Store::<_, M, 8>::open(&mut flash, region(), id).unwrap().0;
    for (l, name) in [(2u16, "enrolled 00002"), (3, "enrolled 00003"), (4, "x")] {
        device
            .enrol(&Person::new(l, name.as_bytes(), [f32::from(l); M]).unwrap())
            .unwrap();
    }
    device.delete_last().unwrap();
    drop(device);
    let before = flash.bytes.clone();
    let c = store::read(&flash.bytes, Board::Qemu).unwrap();
    assert_eq!(flash.bytes, before, "reading changes nothing");
    assert_eq!((c.model, c.m, c.torn), (id, M, 0));
    let listed: Vec<(u16, &str)> = c
        .people
        .iter()
        .map(|p| (p.label, p.name.as_str()))
        .collect();
    assert_eq!(listed, [(2, "enrolled 00002"), (3, "enrolled 00003")]);
    assert_eq!(c.people[1].vector, [3.0; M]);
    assert_eq!(c.capacity, facenmf_store::capacity(8192, 2, 4, M).1);
}

#[test]
fn bad_images_are_refused_clearly() {
    let model = model();
    // Wrong size.
    let err = store::read(&[0xFF; 100], Board::Qemu).unwrap_err();
    assert!(format!("{err:#}").contains("16384 bytes"), "{err:#}");
    // Erased: nobody, no identity.
    let c = store::read(&vec![0xFF; Board::Qemu.region_bytes()], Board::Qemu).unwrap();
    assert!(c.people.is_empty() && c.m == 0);
    // Another model's image is not added to.
    let (image, _) = store::add(None, Board::Qemu, &model, "Ada", &[1.0; M]).unwrap();
    let mut other = model.clone();
    other.basis[0] += 1.0;
    let err = store::add(Some(&image), Board::Qemu, &other, "Bob", &[1.0; M]).unwrap_err();
    assert!(format!("{err:#}").contains("not of this model"), "{err:#}");
    // A name too long, a template of the wrong length.
    let err = store::add(None, Board::Qemu, &model, &"n".repeat(33), &[1.0; M]).unwrap_err();
    assert!(format!("{err:#}").contains("at most 32"), "{err:#}");
    assert!(store::add(None, Board::Qemu, &model, "Ada", &[1.0; 2]).is_err());
    // The DISC1 region is its own size.
    let (disc1, _) = store::add(None, Board::Disc1, &model, "Ada", &[1.0; M]).unwrap();
    assert_eq!(disc1.len(), 256 * 1024);
    assert_eq!(store::read(&disc1, Board::Disc1).unwrap().people.len(), 1);
}
