//! The command line: each command's arguments and runner, one file per
//! command, with the shared dataset argument ([`dataset`]), the one parser
//! of lists and ranges ([`parse`]) and output helpers ([`output`]). Domain
//! modules never import this layer.
//!
//! Conventions: a command that reads a dataset takes it as a positional
//! `SOURCE` with the loading options of [`dataset::SourceArgs`]; one flag
//! name per setting (`--neighbours`, `--no-normalize`, `--sweeps`,
//! `--encode-tol`; older spellings are hidden aliases); `--json` is a flag
//! that prints one JSON object on stdout; files go to `--out`, `--csv`,
//! `--plot`.

pub mod bench;
pub mod calibrate;
pub mod check;
pub mod components;
pub mod data;
pub mod dataset;
pub mod demo;
pub mod detect;
pub mod endtoend;
pub mod enroll;
pub mod eval;
pub mod export;
pub mod fetch;
pub mod frames;
pub mod locator;
pub mod models;
pub mod openset;
pub mod output;
pub mod parse;
pub mod recognise;
pub mod store;
pub mod study;
pub mod sweep;
pub mod train;
