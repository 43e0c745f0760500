//! The downloader against an HTTP server on 127.0.0.1 started here: a good
//! file, a wrong checksum, a truncated body, a 404, no server at all, and
//! unpacking a `.tgz`.

use facenmf_host::data::fetch::{self, Remote, Unpack};
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;

fn sha(b: &[u8]) -> String {
    Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

fn body() -> Vec<u8> {
    (0..300_000u32).map(|i| (i * 31 % 251) as u8).collect()
}

fn tgz() -> Vec<u8> {
    let mut ar = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::fast(),
    ));
    for (path, data) in [
        ("lfw_funneled/Ann_Bee/Ann_Bee_0001.jpg", &b"jpeg one"[..]),
        ("lfw_funneled/Cy_Dee/Cy_Dee_0001.jpg", b"two"),
    ] {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        ar.append_data(&mut h, path, data).unwrap();
    }
    ar.into_inner().unwrap().finish().unwrap()
}

/// Serves a fixed set of routes on 127.0.0.1 for at most 40 connections; returns the base URL.
fn serve() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(40) {
            let Ok(mut s) = stream else { continue };
            let mut line = String::new();
            let mut r = BufReader::new(s.try_clone().unwrap());
            if r.read_line(&mut line).is_err() {
                continue;
            }
            loop {
                let mut h = String::new();
                if r.read_line(&mut h).map_or(true, |n| n == 0) || h == "\r\n" {
                    break;
                }
            }
            let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
            let (status, data, claimed) = match path.as_str() {
                "/good" => ("200 OK", body(), None),
                "/trunc" => ("200 OK", body()[..1000].to_vec(), Some(body().len())),
                "/lfw.tgz" => ("200 OK", tgz(), None),
                _ => ("404 Not Found", b"not here".to_vec(), None),
            };
            let len = claimed.unwrap_or(data.len());
            let head =
                format!("HTTP/1.1 {status}\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n");
            let _ = s.write_all(head.as_bytes());
            let _ = s.write_all(&data);
            let _ = s.flush();
        }
    });
    base
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn downloads_on_loopback() {
    let base = serve();
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("dl/file.bin");
    let good = body();

    // good file
    fetch::download(&format!("{base}/good"), &sha(&good), &dest, false).unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), good);
    assert_eq!(entries(&tmp.path().join("dl")), vec!["file.bin"]);
    std::fs::remove_file(&dest).unwrap();

    // wrong checksum
    let e = fetch::download(&format!("{base}/good"), &"0".repeat(64), &dest, false)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("checksum mismatch") && e.contains("/good"),
        "{e}"
    );
    assert!(
        entries(&tmp.path().join("dl")).is_empty(),
        "left behind: {:?}",
        entries(&tmp.path().join("dl"))
    );

    // truncated body
    let e = fetch::download(&format!("{base}/trunc"), &sha(&good), &dest, false)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("truncated") || e.contains("connection broke"),
        "{e}"
    );
    assert!(entries(&tmp.path().join("dl")).is_empty());

    // 404
    let e = fetch::download(&format!("{base}/missing"), &sha(&good), &dest, false)
        .unwrap_err()
        .to_string();
    assert!(e.contains("HTTP 404"), "{e}");
    assert!(entries(&tmp.path().join("dl")).is_empty());
}

#[test]
fn fetch_unpacks_tgz_and_explains_offline() {
    let base = serve();
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    let archive = tgz();
    let remote = Remote {
        url: format!("{base}/lfw.tgz"),
        sha256: sha(&archive),
        ..Remote::lfw()
    };
    assert_eq!(remote.unpack, Unpack::TarGz);
    let got = fetch::fetch(&remote, home, false).unwrap();
    assert_eq!(got, home.join("lfw_home/lfw_funneled"));
    assert_eq!(
        std::fs::read(got.join("Cy_Dee/Cy_Dee_0001.jpg")).unwrap(),
        b"two"
    );
    assert_eq!(
        entries(&home.join("lfw_home")),
        vec!["lfw_funneled"],
        "archive and temporaries are gone"
    );

    // a wrong checksum leaves nothing
    let home2 = tmp.path().join("h2");
    let bad = Remote {
        sha256: "f".repeat(64),
        ..remote.clone()
    };
    assert!(fetch::fetch(&bad, &home2, false).is_err());
    assert!(
        !home2.exists(),
        "folders made for a failed download are removed"
    );

    // no server: the error says how to use a local copy
    let off = Remote {
        url: "http://127.0.0.1:1/nothing".into(),
        ..Remote::olivetti()
    };
    let e = fetch::fetch(&off, &tmp.path().join("h3"), false)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("--from FILE") && e.contains("FACENMF_DATA"),
        "{e}"
    );

    // installing from a local file checks its sha256
    let local = tmp.path().join("local.tgz");
    std::fs::write(&local, &archive).unwrap();
    let home4 = tmp.path().join("h4");
    let e = fetch::install_from_file(&Remote::lfw(), &local, &home4)
        .unwrap_err()
        .to_string();
    assert!(e.contains("local.tgz") && e.contains("sha256"), "{e}");
    assert!(!home4.exists());
    let p = fetch::install_from_file(&remote, &local, &home4).unwrap();
    assert!(p.join("Ann_Bee/Ann_Bee_0001.jpg").is_file());
}
